"""A company whose verification staff withdrew after its pilot was made stays named on the pilot,
as it took part, but only those who may still open its page (its members, city staff) are given
its slug, its summary and a link: for anyone else the company's page no longer opens, so the
pilot names it alone, in the API and on the pilot's page."""

import pytest

from pilots.models import PilotStage
from tests.conftest import PERSONAS, client_for
from tests.pilots.factories import PilotFactory, data_request

pytestmark = pytest.mark.django_db

MAY_OPEN = ("company_member", "staff")


@pytest.fixture
def pilot(api, staff_user, idea, company, other_company):
    """A recruiting pilot of `company` and `other_company`, both receiving its data, and then
    `company`'s verification withdrawn."""
    pilot = PilotFactory(idea=idea, companies=[company, other_company], stage=PilotStage.RECRUITING)
    data_request(pilot)
    response = api(staff_user).post(f"/api/v1/companies/{company.slug}/verify/", {"verified": False})
    assert response.status_code == 200
    return pilot


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_names_it_and_gives_its_page_only_to_who_may_open_it(
    personas, persona, pilot, company, other_company
):
    client = client_for(personas[persona])
    opens = persona in MAY_OPEN

    detail = client.get(f"/api/v1/pilots/{pilot.pk}/").json()
    (listed,) = client.get("/api/v1/pilots/").json()["results"]
    (asked,) = client.get(f"/api/v1/pilots/{pilot.pk}/data-requests/").json()

    assert (client.get(f"/api/v1/companies/{company.slug}/").status_code == 200) == opens
    for companies in (
        detail["companies"],
        listed["companies"],
        detail["data_requests"][0]["recipient_companies"],
        asked["recipient_companies"],
    ):
        named = {row["id"]: row for row in companies}
        assert named[company.pk] == {
            "id": company.pk,
            "slug": company.slug if opens else None,
            "name": company.name,
            "summary": company.summary if opens else None,
        }
        assert named[other_company.pk]["slug"] == other_company.slug


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pilot_page_links_it_only_for_who_may_open_it(
    client, personas, persona, pilot, company, other_company
):
    if personas[persona] is not None:
        client.force_login(personas[persona])

    html = client.get(f"/pilots/{pilot.pk}/").content.decode()

    link = f'<a href="/companies/{company.slug}/">{company.name}</a>'
    # Once among the pilot's companies and once among those its data goes to.
    assert html.count(link) == (2 if persona in MAY_OPEN else 0)
    assert html.count(company.name) >= 2
    assert html.count(f'<a href="/companies/{other_company.slug}/">{other_company.name}</a>') == 2


def test_staff_asking_for_data_are_answered_with_the_company_they_may_open(api, staff_user, pilot, company):
    response = api(staff_user).post(
        f"/api/v1/pilots/{pilot.pk}/data-requests/",
        {
            "category_code": "heart_rate",
            "category_label": "심박수",
            "purpose": "변화를 보기 위해",
            "retention_days": 30,
        },
        format="json",
    )

    assert response.status_code == 201
    assert company.slug in [row["slug"] for row in response.json()["recipient_companies"]]
