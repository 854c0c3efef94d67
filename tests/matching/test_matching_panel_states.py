"""The idea page's matching panel says one thing at a time: "Matching…" only while the matcher
has not ranked the idea since its last change and no company has answered it; once ranked with
no company to show, that none fits yet; and neither beside companies that said they are
interested."""

import datetime

import pytest
from django.utils import timezone

from ideas.models import IdeaStatus
from matching.models import MatchingStamp, MatchStrength
from tests.companies.factories import CompanyFactory
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import InterestFactory, MatchFactory
from tests.pages import page_html, signed_in_client

pytestmark = pytest.mark.django_db

PENDING = "Companies that could pilot this idea are being looked for"
NO_FIT = "No company clearly fits this idea yet."


def _ranked(idea, *, ago: datetime.timedelta = datetime.timedelta(0)) -> None:
    """As the matcher leaves an idea it ranked (`ago` before now)."""
    MatchingStamp.objects.update_or_create(
        idea=idea, defaults={"counted": "", "matched_at": timezone.now() - ago}
    )


def _panel(html: str) -> str:
    return html[html.index("<aside") : html.index("</aside>")]


def test_an_idea_not_ranked_yet_says_it_is_being_matched():
    idea = IdeaFactory(status=IdeaStatus.PUBLISHED)

    panel = _panel(page_html(f"/ideas/{idea.pk}/", "en"))

    assert PENDING in panel and NO_FIT not in panel


def test_an_idea_ranked_with_no_company_to_show_says_none_fits_yet():
    idea = IdeaFactory(status=IdeaStatus.PUBLISHED)
    _ranked(idea)

    panel = _panel(page_html(f"/ideas/{idea.pk}/", "en"))

    assert NO_FIT in panel and PENDING not in panel


def test_an_idea_changed_since_it_was_ranked_waits_for_the_matcher_again():
    idea = IdeaFactory(status=IdeaStatus.PUBLISHED)
    _ranked(idea, ago=datetime.timedelta(minutes=5))

    panel = _panel(page_html(f"/ideas/{idea.pk}/", "en"))

    assert PENDING in panel and NO_FIT not in panel


@pytest.mark.parametrize("ranked", [False, True], ids=["waiting-for-the-matcher", "ranked"])
def test_companies_interest_is_never_shown_beside_matching_or_none_fits(alice, staff_user, ranked):
    # An interest answers a match the matcher showed; the company stays interested whatever the
    # idea's later ranking, so the page cannot say it is looking for companies, or found none.
    idea = IdeaFactory(author=alice, status=IdeaStatus.PUBLISHED)
    InterestFactory(idea=idea, company=CompanyFactory(name="빛고을케어"), rank_for_idea=None)
    if ranked:
        _ranked(idea)

    for reader in (None, alice, staff_user):
        client = signed_in_client(reader, "en") if reader else None
        html = (
            client.get(f"/ideas/{idea.pk}/").content.decode()
            if client
            else page_html(f"/ideas/{idea.pk}/", "en")
        )
        panel = _panel(html)
        assert "Interested companies" in panel and "빛고을케어" in panel
        assert PENDING not in panel and NO_FIT not in panel
        assert "<h2>Matching</h2>" not in panel


def test_a_ranked_idea_whose_only_companies_are_weak_tells_citizens_none_fits_yet(staff_user):
    idea = IdeaFactory(status=IdeaStatus.PUBLISHED)
    MatchFactory(idea=idea, company=CompanyFactory(name="무등헬스"), strength=MatchStrength.WEAK)
    _ranked(idea)

    citizens = _panel(page_html(f"/ideas/{idea.pk}/", "en"))
    staff = _panel(signed_in_client(staff_user, "en").get(f"/ideas/{idea.pk}/").content.decode())

    assert NO_FIT in citizens and "무등헬스" not in citizens
    assert NO_FIT in staff and "무등헬스" in staff  # among the weaker possibilities, for staff


def test_a_ranked_idea_with_a_company_shows_it_and_nothing_else():
    idea = IdeaFactory(status=IdeaStatus.PUBLISHED)
    MatchFactory(idea=idea, company=CompanyFactory(name="무등헬스"), strength=MatchStrength.POSSIBLE)
    _ranked(idea)

    panel = _panel(page_html(f"/ideas/{idea.pk}/", "en"))

    assert "무등헬스" in panel and NO_FIT not in panel and PENDING not in panel
