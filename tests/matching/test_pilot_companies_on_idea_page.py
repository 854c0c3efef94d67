"""An idea in a pilot names the companies running it first on its page, whatever their match
(weak matches are otherwise shown to companies and staff only), and the matches that follow leave
them out: no company is listed twice. A pilot the reader may not see (in planning) or one that was
cancelled names nobody."""

import pytest
from django.utils import timezone

from companies.models import Company
from ideas.models import IdeaStatus
from matching.models import MatchingStamp, MatchStrength
from pilots.models import PilotStage
from tests.companies.factories import CompanyFactory
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import InterestFactory, MatchFactory
from tests.pages import page_html, signed_in_client
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


def _panel(html: str) -> str:
    return html[html.index("<aside") : html.index("</aside>")]


@pytest.fixture
def piloted():
    """As the demo's idea: one possible match, and its pilot run by two weakly matched companies."""
    idea = IdeaFactory(status=IdeaStatus.IN_PILOT)
    MatchingStamp.objects.create(idea=idea, counted="", matched_at=timezone.now())
    breath = CompanyFactory(name="숨결링크", slug="sumgyeol-link")
    robotics = CompanyFactory(name="곁에로보틱스", slug="gyeote-robotics")
    medical = CompanyFactory(name="빛결메디칼AI", slug="bitgyeol-medical")
    MatchFactory(idea=idea, company=breath, rank_for_idea=1, strength=MatchStrength.POSSIBLE)
    MatchFactory(idea=idea, company=robotics, rank_for_idea=2, strength=MatchStrength.WEAK)
    MatchFactory(idea=idea, company=medical, rank_for_idea=3, strength=MatchStrength.WEAK)
    pilot = PilotFactory(idea=idea, stage=PilotStage.RUNNING, companies=[robotics, medical])
    return {"idea": idea, "pilot": pilot, "breath": breath, "robotics": robotics, "medical": medical}


def test_the_pilots_companies_come_first_and_the_other_matches_after(piloted):
    panel = _panel(page_html(f"/ideas/{piloted['idea'].pk}/", "ko"))

    running = panel[panel.index("실증을 맡은 기업") : panel.index("그 밖의 매칭")]
    others = panel[panel.index("그 밖의 매칭") :]
    assert '<a href="/companies/bitgyeol-medical/">빛결메디칼AI</a>' in running
    assert '<a href="/companies/gyeote-robotics/">곁에로보틱스</a>' in running
    assert running.index("곁에로보틱스") < running.index("빛결메디칼AI")  # by name
    assert "숨결링크" in others and "가능성 있는 매칭" in others
    assert "<h2>매칭</h2>" not in panel


def test_the_panel_in_english(piloted):
    panel = _panel(page_html(f"/ideas/{piloted['idea'].pk}/", "en"))

    assert "<h2>Companies running its pilot</h2>" in panel and "<h2>Other matches</h2>" in panel


def test_no_company_is_listed_twice_for_those_who_see_weak_matches(piloted, staff_user):
    panel = _panel(signed_in_client(staff_user).get(f"/ideas/{piloted['idea'].pk}/").content.decode())

    for name in ("숨결링크", "곁에로보틱스", "빛결메디칼AI"):
        assert panel.count(name) == 1, name
    # Both weak matches run the pilot: no weaker possibility is left to fold away.
    assert "More possibilities" not in panel


def test_a_pilot_company_among_strong_matches_is_named_once_above_them():
    idea = IdeaFactory(status=IdeaStatus.IN_PILOT)
    runner = MatchFactory(idea=idea, rank_for_idea=1, strength=MatchStrength.STRONG).company
    other = MatchFactory(idea=idea, rank_for_idea=2, strength=MatchStrength.STRONG).company
    PilotFactory(idea=idea, companies=[runner])

    panel = _panel(page_html(f"/ideas/{idea.pk}/", "en"))

    assert panel.count(runner.name) == 1
    assert panel.index(runner.name) < panel.index("Other matches") < panel.index(other.name)


def test_only_the_pilots_companies_and_no_word_that_none_fits():
    idea = IdeaFactory(status=IdeaStatus.IN_PILOT)
    MatchingStamp.objects.create(idea=idea, counted="", matched_at=timezone.now())
    runner = MatchFactory(idea=idea, rank_for_idea=1, strength=MatchStrength.WEAK).company
    PilotFactory(idea=idea, companies=[runner])

    panel = _panel(page_html(f"/ideas/{idea.pk}/", "en"))

    assert runner.name in panel and "Companies running its pilot" in panel
    assert "No company clearly fits this idea yet" not in panel and "Other matches" not in panel


def test_a_pilot_in_planning_names_its_companies_to_staff_only(staff_user):
    idea = IdeaFactory()
    MatchFactory(idea=idea, rank_for_idea=1, strength=MatchStrength.STRONG)
    runner = MatchFactory(idea=idea, rank_for_idea=2, strength=MatchStrength.WEAK).company
    PilotFactory(idea=idea, stage=PilotStage.PLANNING, companies=[runner])

    public = _panel(page_html(f"/ideas/{idea.pk}/", "en"))
    for_staff = _panel(signed_in_client(staff_user).get(f"/ideas/{idea.pk}/").content.decode())

    assert "Companies running its pilot" not in public and runner.name not in public
    assert "<h2>Matching</h2>" in public
    assert "Companies running its pilot" in for_staff and for_staff.count(runner.name) == 1


def test_a_cancelled_pilot_names_nobody():
    idea = IdeaFactory()
    match = MatchFactory(idea=idea, rank_for_idea=1, strength=MatchStrength.STRONG)
    PilotFactory(
        idea=idea, stage=PilotStage.CANCELLED, cancellation_reason="예산 부족", companies=[match.company]
    )

    panel = _panel(page_html(f"/ideas/{idea.pk}/", "en"))

    assert "Companies running its pilot" not in panel and "<h2>Matching</h2>" in panel


def test_a_pilot_company_no_longer_verified_is_named_without_its_page():
    idea = IdeaFactory(status=IdeaStatus.IN_PILOT)
    runner = CompanyFactory(name="검증취소기업", slug="unverified-runner")
    PilotFactory(idea=idea, companies=[runner])
    Company.objects.filter(pk=runner.pk).update(is_verified=False)

    panel = _panel(page_html(f"/ideas/{idea.pk}/", "en"))

    assert "<li>검증취소기업</li>" in panel and "/companies/unverified-runner/" not in panel


def test_an_interested_company_running_the_pilot_is_not_listed_again_as_interested(alice):
    idea = IdeaFactory(status=IdeaStatus.IN_PILOT, author=alice)
    runner = InterestFactory(idea=idea, rank_for_idea=1, strength=MatchStrength.STRONG).company
    keen = InterestFactory(idea=idea, rank_for_idea=2, strength=MatchStrength.STRONG).company
    PilotFactory(idea=idea, companies=[runner])

    public = _panel(page_html(f"/ideas/{idea.pk}/", "en"))
    for_author = _panel(signed_in_client(alice).get(f"/ideas/{idea.pk}/").content.decode())

    assert public.count(runner.name) == 1
    interested = public[public.index("Interested companies") :]
    assert keen.name in interested and runner.name not in interested
    # The author still reads what the running company proposed.
    assert runner.name in for_author[for_author.index("Interested companies") :]
