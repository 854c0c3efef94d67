"""The dashboard's headline says what its match shares count: of the public ideas, those whose page
shows a company the matcher ranked as a strong match, and those it shows one for at all (strong or
possible). A company's interest in an idea the matcher did not rank is an answer, not a match, and
a pair the company turned down, or of a company no longer verified, is no longer shown."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard.services import dashboard_figures
from ideas.models import IdeaStatus
from matching.models import MatchStatus, MatchStrength
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import MatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ideas_and_matches():
    MatchFactory(strength=MatchStrength.STRONG)
    MatchFactory(strength=MatchStrength.POSSIBLE, idea__status=IdeaStatus.MATCHED)
    MatchFactory(strength=MatchStrength.WEAK)
    # The demo's case: an idea a company answered before the matcher ever ranked it.
    MatchFactory(
        strength=MatchStrength.WEAK, rank_for_idea=None, rank_for_company=None, status=MatchStatus.INTERESTED
    )
    MatchFactory(strength=MatchStrength.STRONG, status=MatchStatus.DISMISSED)
    # Staff withdrew the company's verification: the idea's page no longer shows it.
    MatchFactory(strength=MatchStrength.STRONG, company__is_verified=False)
    IdeaFactory()
    # Neither is public: not counted at all.
    MatchFactory(strength=MatchStrength.STRONG, idea__is_hidden=True)
    MatchFactory(strength=MatchStrength.STRONG, idea__status=IdeaStatus.SUBMITTED)


def test_the_shares_count_the_ideas_whose_page_shows_a_match(api, staff_user, ideas_and_matches):
    figures = api(staff_user).get("/api/v1/dashboard/").json()

    assert figures["published_ideas"] == 7
    assert (figures["published_with_strong_match"], figures["strong_match_share"]) == (1, 0.143)
    assert (figures["published_with_shown_match"], figures["shown_match_share"]) == (2, 0.286)


@pytest.mark.parametrize(
    ("language", "strong", "shown", "public"),
    [
        (
            "en",
            "1 of 7 public ideas have a strong match",
            "2 of 7 public ideas have a strong or possible match",
            "Public ideas are the published, matched, in-pilot and completed ones "
            "that moderators have not hidden.",
        ),
        (
            "ko",
            "모두에게 보이는 아이디어 7건 중 1건에 강한 매칭 기업이 있습니다",
            "모두에게 보이는 아이디어 7건 중 2건에 강한 매칭이나 가능성 있는 매칭 기업이 있습니다",
            "모두에게 보이는 아이디어는 공개됨·매칭됨·실증 중·완료됨 상태 가운데 "
            "검토 담당자가 숨기지 않은 아이디어입니다.",
        ),
    ],
    ids=["en", "ko"],
)
def test_the_headline_says_what_each_share_counts(
    client, staff_user, ideas_and_matches, language, strong, shown, public
):
    """The public ideas counted are more than the status chart's "Published": matched ideas, ideas
    in a pilot and completed ones too, which the page says."""
    client.force_login(staff_user)
    client.cookies["django_language"] = language

    html = client.get("/staff/dashboard/").content.decode()

    assert f'<div class="card" id="strong-match-share"><div class="figure">14%</div>{strong}</div>' in html
    assert f'<div class="card" id="shown-match-share"><div class="figure">29%</div>{shown}</div>' in html
    assert f'<p class="meta">{public}</p>' in html


def test_the_status_chart_counts_the_public_ideas_as_the_shares_do(client, staff_user, ideas_and_matches):
    """A hidden idea keeps its status but is on a row of its own, so that the chart's published,
    matched, in-pilot and completed rows add up to the shares' public ideas, and all its rows to
    every idea."""
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"

    page = client.get("/staff/dashboard/")

    by_status = next(chart for chart in page.context["charts"] if chart["title"] == "Ideas by status")
    counts = {row["key"]: row["count"] for row in by_status["rows"]}
    public = sum(counts[status] for status in ("published", "matched", "in_pilot", "completed"))
    assert public == page.context["figures"]["published_ideas"] == 7
    assert (counts["hidden"], counts["submitted"]) == (1, 1)
    assert sum(counts.values()) == page.context["figures"]["ideas_total"] == 9
    assert by_status["rows"][-1]["label"] == "Hidden by moderators"


def test_the_api_still_counts_every_idea_by_its_status(api, staff_user, ideas_and_matches):
    """As the ideas export lists them: a hidden idea under its own status, and the hidden ones
    counted apart."""
    figures = api(staff_user).get("/api/v1/dashboard/").json()

    by_status = {row["key"]: row["count"] for row in figures["ideas_by_status"]}
    not_hidden = {row["key"]: row["count"] for row in figures["ideas_by_status_not_hidden"]}
    assert (by_status["published"], not_hidden["published"], figures["ideas_hidden"]) == (7, 6, 1)


def test_the_status_figures_read_the_ideas_once(ideas_and_matches):
    """Every idea by status, the public ones by status and the hidden ones come from one count of the
    ideas by status and hiding."""
    with CaptureQueriesContext(connection) as queries:
        dashboard_figures()

    by_status = [q["sql"] for q in queries if q["sql"].startswith('SELECT "ideas_idea"."status"')]
    hidden_where = 'FROM "ideas_idea" WHERE "ideas_idea"."is_hidden"'
    hidden_count = [q for q in queries if q["sql"].startswith("SELECT COUNT(*)") and hidden_where in q["sql"]]
    assert (len(by_status), hidden_count) == (1, [])
