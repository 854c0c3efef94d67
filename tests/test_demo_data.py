"""The demo data shows a first visitor a living site, and loading it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from accounts.models import AuditEntry, Notification, User
from ideas.models import Comment, Follow, Idea, IdeaStatus, Report, Support
from matching.models import Match, MatchStatus
from pilots.models import CLOSED_STAGES, Pilot, PilotConsent, PilotStage, PilotUpdate, PilotVolunteer
from pilots.templatetags.pilot_panels import idea_timeline

pytestmark = pytest.mark.django_db

MODELS = (
    User,
    Idea,
    Support,
    Follow,
    Comment,
    Report,
    Match,
    Pilot,
    PilotUpdate,
    PilotVolunteer,
    PilotConsent,
    AuditEntry,
    Notification,
)


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=StringIO())


def test_loading_the_demo_twice_adds_nothing(seeded):
    counts = {model.__name__: model.objects.count() for model in MODELS}

    call_command("seed_demo", stdout=StringIO())

    assert {model.__name__: model.objects.count() for model in MODELS} == counts


def test_ideas_have_supports_and_comments_unevenly(seeded):
    published = Idea.objects.with_counts().filter(status=IdeaStatus.PUBLISHED)
    counts = [idea.supports_count for idea in published]

    assert Support.objects.count() >= 60
    assert max(counts) >= 5 and min(counts) == 0
    assert Comment.objects.filter(parent__isnull=True).count() >= 10
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert not Support.objects.filter(idea__status=IdeaStatus.SUBMITTED).exists()


def test_every_pilot_stage_has_a_pilot_with_milestones_and_news(seeded):
    for stage in PilotStage:
        pilot = Pilot.objects.get(stage=stage)
        assert pilot.milestones.exists(), stage
        # A pilot in planning is not public yet and has no news to post.
        assert pilot.updates.exists() == (stage != PilotStage.PLANNING), stage
    assert Pilot.objects.get(stage=PilotStage.CANCELLED).cancellation_reason
    assert Pilot.objects.get(stage=PilotStage.COMPLETED).idea.status == IdeaStatus.COMPLETED
    assert Pilot.objects.get(stage=PilotStage.RUNNING).idea.status == IdeaStatus.IN_PILOT
    assert Pilot.objects.get(stage=PilotStage.PLANNING).went_public_at is None


def test_each_pilot_is_dated_as_its_milestones_tell_it(seeded):
    now = timezone.now()
    for pilot in Pilot.objects.select_related("idea").prefetch_related("milestones", "updates", "volunteers"):
        done = [m.due_date for m in pilot.milestones.all() if m.is_done]
        missed = [m.due_date for m in pilot.milestones.all() if not m.is_done]
        assert pilot.idea.published_at < pilot.created_at <= now, pilot.stage
        assert (pilot.closed_at is not None) == (pilot.stage in CLOSED_STAGES), pilot.stage
        if pilot.stage == PilotStage.PLANNING:
            continue
        end = pilot.closed_at or now
        # Public before any of its milestones was done; closed after the last one done and
        # before any it did not reach.
        assert pilot.created_at < pilot.went_public_at < end <= now, pilot.stage
        assert all(timezone.localdate(pilot.went_public_at) < due <= timezone.localdate(end) for due in done)
        if pilot.closed_at:
            assert all(due > timezone.localdate(pilot.closed_at) for due in missed), pilot.stage
        assert all(pilot.went_public_at < v.joined_at < end for v in pilot.volunteers.all()), pilot.stage
        assert all(pilot.went_public_at < u.created_at <= now for u in pilot.updates.all()), pilot.stage


def test_a_completed_demo_pilots_idea_shows_every_step_dated_in_order(seeded):
    idea = Pilot.objects.get(stage=PilotStage.COMPLETED).idea

    with translation.override("en"):
        steps = idea_timeline(idea)["timeline"]

    assert [step["done"] for step in steps] == [True] * 5
    dates = [step["date"] for step in steps]
    assert None not in dates and dates == sorted(dates)
    assert dates[-1] == Pilot.objects.get(stage=PilotStage.COMPLETED).closed_at


def test_volunteers_consent_and_companies_show_interest(seeded):
    assert PilotVolunteer.objects.filter(left_at__isnull=True).count() >= 8
    assert PilotConsent.objects.filter(withdrawn_at__isnull=True).count() >= 5
    assert PilotVolunteer.objects.filter(share_identity=True).exists()
    interested = Match.objects.filter(status=MatchStatus.INTERESTED)
    assert interested.values("company").distinct().count() >= 2
    assert all(match.proposal_plan for match in interested)


def test_reports_wait_in_the_queue_without_hiding_anything(seeded, client):
    open_reports = Report.objects.filter(resolved_at__isnull=True)
    client.force_login(User.objects.get(username="staff"))

    html = client.get("/staff/moderation/").content.decode()

    assert open_reports.count() >= 3
    assert not Idea.objects.filter(is_hidden=True).exists()
    assert not Comment.objects.filter(is_hidden=True).exists()
    # The reports of one item are one entry.
    reported = {(report.idea_id, report.comment_id) for report in open_reports}
    assert html.count('id="report-') == len(reported)


def test_the_home_page_shows_pilots_and_supported_ideas(seeded, client):
    client.cookies["django_language"] = "ko"

    response = client.get("/")

    html = response.content.decode()
    assert "남구 독거 어르신 낙상 감지 실증" in html and "참여자 모집" in html
    assert "광산구 주말농장 작물 병해 사진 진단" not in html  # still in planning
    assert len(response.context["most_supported"]) == 6 and len(response.context["newest"]) == 6


def test_the_newest_ideas_mix_korean_and_english_and_piloted_ideas_came_first(seeded):
    newest = list(Idea.objects.filter(status=IdeaStatus.PUBLISHED).order_by("-created_at", "-id")[:12])
    piloted = Idea.objects.filter(pilots__isnull=False).distinct()
    unpiloted = Idea.objects.filter(pilots__isnull=True)

    # The list's first page, newest first: a Korean reader does not open on twelve English ideas.
    assert {idea.language for idea in newest} == {"ko", "en"}
    assert len({idea.created_at for idea in Idea.objects.all()}) == Idea.objects.count()
    assert max(idea.created_at for idea in piloted) < min(idea.created_at for idea in unpiloted)
    assert all(idea.published_at >= idea.created_at for idea in Idea.objects.exclude(published_at=None))
