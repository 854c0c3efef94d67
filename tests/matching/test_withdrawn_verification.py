"""A company whose verification staff withdrew leaves every idea's ranking at once, in the API and
on the idea page, rather than at the matcher's next refresh: the matcher ranks verified companies
only, and the company's page is no longer public."""

import pytest

from matching.models import Match, MatchStrength
from tests.conftest import PERSONAS, client_for
from tests.matching.factories import MatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def withdrawn(api, staff_user, idea, company, other_company):
    """`company` ranked first for `idea`, strongly and weakly, then its verification withdrawn;
    `other_company` still verified and ranked."""
    MatchFactory(idea=idea, company=company, rank_for_idea=1, strength=MatchStrength.STRONG)
    MatchFactory(idea=idea, company=other_company, rank_for_idea=2, strength=MatchStrength.STRONG)
    response = api(staff_user).post(f"/api/v1/companies/{company.slug}/verify/", {"verified": False})
    assert response.status_code == 200 and response.json()["is_verified"] is False
    return company


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_ranking_leaves_it_out_for_everyone(personas, persona, idea, withdrawn, other_company):
    client = client_for(personas[persona])

    strong = client.get(f"/api/v1/ideas/{idea.pk}/matches/").json()["results"]

    assert [row["company"]["slug"] for row in strong] == [other_company.slug]


def test_weaker_possibilities_leave_it_out_too(api, staff_user, idea, withdrawn, other_company):
    Match.objects.filter(company=withdrawn).update(strength=MatchStrength.WEAK)

    rows = api(staff_user).get(f"/api/v1/ideas/{idea.pk}/matches/", {"include_weak": "true"}).json()

    assert [row["company"]["slug"] for row in rows["results"]] == [other_company.slug]


@pytest.mark.parametrize("reader", ["anonymous", "company_member", "staff"])
def test_the_idea_page_leaves_it_out(client, personas, reader, idea, withdrawn, other_company):
    if personas[reader] is not None:
        client.force_login(personas[reader])

    html = client.get(f"/ideas/{idea.pk}/").content.decode()

    ranking = html[html.index('<ol class="matches">') :].split("</ol>", 1)[0]
    assert other_company.name in ranking and withdrawn.name not in ranking
    assert f'href="/companies/{withdrawn.slug}/"' not in html
