"""A volunteer who shares their identity agreed to let the companies "see my display name and email
with the data I donate": a company of the pilot is shown only those still consenting to a category
it receives, with those categories alone; a company that receives none of the data sees no one."""

import pytest

from tests.accounts.factories import UserFactory
from tests.companies.factories import MembershipFactory
from tests.conftest import client_for
from tests.pilots import identities
from tests.pilots.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

# The pilot, its companies and its data requests, as the names endpoint's other tests have them.
bystander_company, pilot, requests = identities.bystander_company, identities.pilot, identities.requests


def _volunteer(pilot, requests, name: str, categories: list[str], share_identity: bool = True):
    user = UserFactory(username=name, display_name=name, email=f"{name}@example.org")
    VolunteerFactory(pilot=pilot, user=user, share_identity=share_identity)
    for category in categories:
        consent_url = f"/api/v1/pilots/{pilot.pk}/data-requests/{requests[category].pk}/consent/"
        assert client_for(user).post(consent_url, {"agree": True}).status_code == 201
    return user


def _withdraw(pilot, requests, user, category: str):
    consent_url = f"/api/v1/pilots/{pilot.pk}/data-requests/{requests[category].pk}/consent/"
    assert client_for(user).delete(consent_url).status_code == 200


@pytest.fixture
def volunteers(pilot, requests):
    made = {
        "pressure": _volunteer(pilot, requests, "pressure", ["blood_pressure"]),
        "heart": _volunteer(pilot, requests, "heart", ["heart_rate"]),
        "both": _volunteer(pilot, requests, "both", ["blood_pressure", "heart_rate"]),
        "withdrawn": _volunteer(pilot, requests, "withdrawn", ["blood_pressure", "heart_rate"]),
        "left": _volunteer(pilot, requests, "left", ["blood_pressure"]),
        "unknown": _volunteer(pilot, requests, "unknown", ["blood_pressure"], share_identity=False),
        "no_consent": _volunteer(pilot, requests, "no_consent", []),
    }
    for category in ("blood_pressure", "heart_rate"):
        _withdraw(pilot, requests, made["withdrawn"], category)
    assert client_for(made["left"]).delete(f"/api/v1/pilots/{pilot.pk}/volunteer/").status_code == 200
    return made


def _identities(user, pilot, **query) -> list[tuple[str, str, list[str]]]:
    response = client_for(user).get(f"/api/v1/pilots/{pilot.pk}/donations/", query)
    assert response.status_code == 200, response.content
    rows = response.json()["identified_volunteers"]
    return [(row["name"], row["email"], row["categories"]) for row in rows]


def test_a_company_sees_only_those_who_donate_to_it_with_its_categories(carol, pilot, volunteers):
    assert _identities(carol, pilot) == [
        ("pressure", "pressure@example.org", ["blood_pressure"]),
        ("both", "both@example.org", ["blood_pressure"]),
    ]


def test_the_other_company_sees_its_own_donors(dave, pilot, volunteers):
    assert _identities(dave, pilot) == [
        ("heart", "heart@example.org", ["heart_rate"]),
        ("both", "both@example.org", ["heart_rate"]),
    ]


def test_a_company_that_receives_no_data_sees_no_one_but_still_the_counts(
    pilot, bystander_company, volunteers
):
    fay = bystander_company.memberships.get().user
    response = client_for(fay).get(f"/api/v1/pilots/{pilot.pk}/donations/")

    body = response.json()
    assert response.status_code == 200
    assert body["identified_volunteers"] == []
    # Seven joined, one left.
    assert body["volunteers_count"] == 6


def test_a_volunteer_who_withdrew_every_consent_is_no_longer_shown(carol, dave, pilot, requests, volunteers):
    _withdraw(pilot, requests, volunteers["both"], "blood_pressure")

    assert [name for name, _, _ in _identities(carol, pilot)] == ["pressure"]
    assert [name for name, _, _ in _identities(dave, pilot)] == ["heart", "both"]


def test_staff_see_everyone_known_to_some_company(staff_user, pilot, volunteers):
    assert _identities(staff_user, pilot) == [
        ("pressure", "pressure@example.org", ["blood_pressure"]),
        ("heart", "heart@example.org", ["heart_rate"]),
        ("both", "both@example.org", ["blood_pressure", "heart_rate"]),
    ]


def test_a_member_of_several_companies_names_the_one_they_act_for(carol, pilot, other_company, volunteers):
    MembershipFactory(company=other_company, user=carol)
    client = client_for(carol)

    unnamed = client.get(f"/api/v1/pilots/{pilot.pk}/donations/")
    not_theirs = client.get(f"/api/v1/pilots/{pilot.pk}/donations/", {"company": "seoseok-data"})

    assert unnamed.status_code == 400
    assert list(unnamed.json()["error"]["fields"]) == ["company"]
    assert not_theirs.status_code == 403
    assert [name for name, _, _ in _identities(carol, pilot, company="mudeung-mobility")] == ["heart", "both"]
    assert [name for name, _, _ in _identities(carol, pilot, company="bitgoeul-care")] == ["pressure", "both"]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("ko", "선택 사항입니다. 고르지 않으면 기업은 이름 대신"),
        ("en", "Optional. Without it, the companies know you"),
    ],
)
def test_the_volunteer_form_says_sharing_is_optional_and_what_companies_see_otherwise(
    bob, pilot, language, said
):
    from tests.pages import signed_in_client

    page = signed_in_client(bob, language).get(f"/pilots/{pilot.pk}/").content.decode()

    assert 'name="share_identity" aria-describedby="share-identity-hint"' in page
    assert f'<p class="meta" id="share-identity-hint">{said}' in page
