"""Staff are offered "Create a pilot" only for an idea a pilot can be made from: published,
matched or in pilot, and not hidden. The create page of any other idea says why at once, instead
of refusing the form once staff have filled it in."""

import pytest

from ideas.models import IdeaStatus
from matching.models import MatchStatus, MatchStrength
from pilots.models import Pilot
from tests.companies.factories import CompanyFactory
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import InterestFactory, MatchFactory
from tests.pages import signed_in_client

pytestmark = pytest.mark.django_db

CREATE_LINK = "Create a pilot</a>"


def _idea(kind: str):
    if kind == "hidden":
        return IdeaFactory(status=IdeaStatus.PUBLISHED, is_hidden=True)
    if kind == "merged":
        return IdeaFactory(status=IdeaStatus.MERGED, merged_into=IdeaFactory())
    return IdeaFactory(status=kind)


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("status", [IdeaStatus.PUBLISHED, IdeaStatus.MATCHED, IdeaStatus.IN_PILOT])
def test_a_pilotable_idea_offers_the_button_and_its_form(staff, status):
    idea = _idea(status)

    idea_page = staff.get(f"/ideas/{idea.pk}/").content.decode()
    create_page = staff.get(f"/staff/ideas/{idea.pk}/pilot/")

    assert f'href="/staff/ideas/{idea.pk}/pilot/"' in idea_page and CREATE_LINK in idea_page
    assert create_page.status_code == 200
    assert "Create the pilot</button>" in create_page.content.decode()


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        (IdeaStatus.COMPLETED, "This idea's pilot is completed: no new pilot can be made from it."),
        ("hidden", "This idea is hidden: restore it before making a pilot from it."),
        ("merged", "This idea was merged into another: make the pilot from that idea."),
        (IdeaStatus.SUBMITTED, "Only a published idea can become a pilot."),
        (IdeaStatus.REJECTED, "Only a published idea can become a pilot."),
    ],
)
def test_any_other_idea_offers_no_button_and_its_create_page_says_why(staff, kind, reason):
    idea = _idea(kind)

    idea_page = staff.get(f"/ideas/{idea.pk}/").content.decode()
    create_page = staff.get(f"/staff/ideas/{idea.pk}/pilot/")

    assert f'href="/staff/ideas/{idea.pk}/pilot/"' not in idea_page and CREATE_LINK not in idea_page
    html = create_page.content.decode()
    assert create_page.status_code == 200
    assert f'<p class="errorlist" role="alert">{reason}</p>'.replace("'", "&#x27;") in html
    assert "Create the pilot</button>" not in html and 'name="title"' not in html
    assert f'href="/ideas/{idea.pk}/"' in html


def test_a_form_sent_for_a_completed_idea_is_refused_with_the_reason_and_makes_nothing(staff, company):
    idea = _idea(IdeaStatus.COMPLETED)

    response = staff.post(
        f"/staff/ideas/{idea.pk}/pilot/",
        {"title": "다시 하는 실증", "description": "8주", "district": "buk_gu", "companies": [company.pk]},
    )

    assert response.status_code == 409
    assert "no new pilot can be made from it" in response.content.decode()
    assert not Pilot.objects.exists()


def test_the_reason_is_in_korean_by_default(client, staff_user):
    idea = _idea(IdeaStatus.COMPLETED)
    client.force_login(staff_user)

    html = client.get(f"/staff/ideas/{idea.pk}/pilot/").content.decode()

    assert "실증이 완료된 아이디어" in html


def test_citizens_are_offered_no_button(client, bob):
    idea = _idea(IdeaStatus.PUBLISHED)
    client.force_login(bob)

    assert CREATE_LINK not in client.get(f"/ideas/{idea.pk}/").content.decode()
    assert client.get(f"/staff/ideas/{idea.pk}/pilot/").status_code == 403


def test_the_create_page_of_an_idea_that_does_not_exist_is_not_found(staff):
    assert staff.get("/staff/ideas/999999/pilot/").status_code == 404


WITHOUT_MATCH = {
    "en": "No company is matched yet: a pilot can still be made, with companies you choose.",
    "ko": "아직 매칭된 기업이 없지만, 참여 기업을 직접 골라 실증 사업을 만들 수 있습니다.",
}


def _create_button_class(html: str, idea) -> str:
    link = html[: html.index(f'href="/staff/ideas/{idea.pk}/pilot/"')]
    return link[link.rindex("<a ") :]


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize(
    "company",
    [None, MatchStrength.WEAK, MatchStatus.DISMISSED, "unverified"],
    ids=["no-match", "weak-only", "turned-down", "unverified-company"],
)
def test_without_a_matched_company_the_button_is_secondary_and_says_a_pilot_can_still_be_made(
    client, staff_user, language, company
):
    idea = IdeaFactory(status=IdeaStatus.PUBLISHED)
    if company == "unverified":
        MatchFactory(idea=idea, company=CompanyFactory(is_verified=False), strength=MatchStrength.STRONG)
    elif company == MatchStatus.DISMISSED:
        MatchFactory(idea=idea, strength=MatchStrength.STRONG, status=MatchStatus.DISMISSED)
    elif company is not None:
        MatchFactory(idea=idea, strength=company)

    html = signed_in_client(staff_user, language).get(f"/ideas/{idea.pk}/").content.decode()

    assert 'class="button secondary"' in _create_button_class(html, idea)
    assert WITHOUT_MATCH[language] in html


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("kind", ["strong", "possible", "interested"])
def test_with_a_matched_company_the_button_is_primary_with_no_note(client, staff_user, language, kind):
    idea = IdeaFactory(status=IdeaStatus.PUBLISHED)
    if kind == "interested":
        InterestFactory(idea=idea, rank_for_idea=None, strength=MatchStrength.WEAK)
    else:
        MatchFactory(idea=idea, strength=kind)

    html = signed_in_client(staff_user, language).get(f"/ideas/{idea.pk}/").content.decode()

    assert 'class="button"' in _create_button_class(html, idea)
    assert WITHOUT_MATCH[language] not in html
