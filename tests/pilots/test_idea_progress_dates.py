"""An idea's progress line agrees with itself: a step is done once a later one is, and each date
is when the step was entered (a closed pilot's end is kept when it closes, not read from its last
edit), or no date where none is known."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone, translation

from accounts.models import AuditEntry
from ideas.models import IdeaStatus
from matching.models import MatchStrength
from pilots import services as pilot_services
from pilots.models import Pilot, PilotStage
from pilots.templatetags.pilot_panels import idea_timeline
from tests.matching.factories import MatchFactory
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _days_ago(days: int) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def _steps(idea) -> dict[str, tuple[bool, datetime.datetime | None]]:
    idea.refresh_from_db()
    with translation.override("en"):
        return {str(step["label"]): (step["done"], step["date"]) for step in idea_timeline(idea)["timeline"]}


def _completed_pilot(staff_user, idea, company) -> Pilot:
    """A pilot taken to completion by the stage service, as staff do."""
    pilot = pilot_services.pilot_create(
        by=staff_user,
        idea=idea,
        companies=[company],
        title="양림동 골목 오디오 가이드",
        description="석 달 운영",
    )
    for stage in (PilotStage.RECRUITING, PilotStage.RUNNING, PilotStage.EVALUATING, PilotStage.COMPLETED):
        pilot = pilot_services.pilot_change_stage(pilot=pilot, by=staff_user, stage=stage)
    return pilot


def test_completing_and_cancelling_a_pilot_keep_when_it_closed(staff_user, idea, company):
    completed = _completed_pilot(staff_user, idea, company)
    cancelled = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)
    open_pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)

    pilot_services.pilot_change_stage(
        pilot=cancelled, by=staff_user, stage=PilotStage.CANCELLED, reason="예산"
    )
    pilot_services.pilot_change_stage(pilot=open_pilot, by=staff_user, stage=PilotStage.EVALUATING)

    for pilot in (completed, cancelled, open_pilot):
        pilot.refresh_from_db()
    assert completed.closed_at is not None and cancelled.closed_at is not None
    assert completed.went_public_at <= completed.closed_at
    assert open_pilot.closed_at is None


def test_an_idea_with_a_pilot_was_matched_though_the_matcher_found_no_company(staff_user, idea, company):
    MatchFactory(idea=idea, company=company, strength=MatchStrength.WEAK)
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)
    Pilot.objects.filter(pk=pilot.pk).update(created_at=_days_ago(60), went_public_at=_days_ago(40))

    steps = _steps(idea)

    assert steps["Matched"] == (True, _days_ago(60))
    assert steps["In pilot"] == (True, _days_ago(40))
    assert steps["Completed"] == (False, None)


def test_matched_is_dated_by_the_matcher_when_it_came_first(idea, company):
    match = MatchFactory(idea=idea, company=company, strength=MatchStrength.STRONG)
    type(match).objects.filter(pk=match.pk).update(created_at=_days_ago(90))
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)
    Pilot.objects.filter(pk=pilot.pk).update(created_at=_days_ago(60), went_public_at=_days_ago(40))

    assert _steps(idea)["Matched"] == (True, _days_ago(90))


def test_a_match_found_again_after_the_pilot_does_not_date_matched_after_it(idea, company):
    # The matcher re-ran today; the city had matched the idea when it made the pilot.
    MatchFactory(idea=idea, company=company, strength=MatchStrength.STRONG)
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RECRUITING)
    Pilot.objects.filter(pk=pilot.pk).update(created_at=_days_ago(30), went_public_at=_days_ago(20))

    steps = _steps(idea)

    assert steps["Matched"][1] == _days_ago(30) <= steps["In pilot"][1]


def test_a_completed_pilot_is_dated_by_its_end_not_by_its_last_edit(staff_user, idea, company):
    pilot = _completed_pilot(staff_user, idea, company)
    Pilot.objects.filter(pk=pilot.pk).update(
        created_at=_days_ago(170), went_public_at=_days_ago(150), closed_at=_days_ago(10)
    )
    # Posting its results (or any later save) touches the row.
    pilot_services.pilot_update_post(pilot=pilot, by=staff_user, body="석 달 동안 2,300명이 들었습니다.")
    Pilot.objects.get(pk=pilot.pk).save()

    steps = _steps(idea)

    assert idea.status == IdeaStatus.COMPLETED
    assert [done for done, _date in steps.values()] == [True] * 5
    assert steps["In pilot"][1] == _days_ago(150)
    assert steps["Completed"][1] == _days_ago(10)


def test_a_completed_pilot_whose_end_is_unknown_shows_no_date(idea, company):
    PilotFactory(idea=idea, companies=[company], stage=PilotStage.COMPLETED, closed_at=None)

    assert _steps(idea)["Completed"] == (True, None)


def test_the_idea_page_shows_every_reached_step_done_with_its_date(client, staff_user, idea, company):
    pilot = _completed_pilot(staff_user, idea, company)
    Pilot.objects.filter(pk=pilot.pk).update(
        created_at=_days_ago(170), went_public_at=_days_ago(150), closed_at=_days_ago(10)
    )
    client.cookies["django_language"] = "en"

    page = client.get(f"/ideas/{idea.pk}/").content.decode()

    timeline = page[page.index('<ol class="timeline"') :].split("</ol>")[0]
    assert timeline.count('<li class="done">') == 5 and "not reached yet" not in timeline
    for step, when in (("Matched", 170), ("In pilot", 150), ("Completed", 10)):
        day = timezone.localtime(_days_ago(when)).date().isoformat()
        assert f'{step} · <time datetime="{day}' in timeline, step


def test_the_migration_reads_the_ends_and_public_days_from_the_audit_log(staff_user, idea, company):
    migration = importlib.import_module("pilots.migrations.0014_pilot_closed_at")
    completed = _completed_pilot(staff_user, idea, company)
    unlogged = PilotFactory(
        idea=idea, companies=[company], stage=PilotStage.CANCELLED, cancellation_reason="예산"
    )
    Pilot.objects.update(closed_at=None, went_public_at=_days_ago(300))
    logged = AuditEntry.objects.filter(target_type="pilot", target_id=completed.pk, action="pilot_stage")
    for stage, days in (("recruiting", 150), ("running", 120), ("evaluating", 30), ("completed", 10)):
        logged.filter(after__stage=stage).update(created_at=_days_ago(days))

    migration.stage_dates_from_the_audit_log(apps, None)

    completed.refresh_from_db()
    unlogged.refresh_from_db()
    assert (completed.went_public_at, completed.closed_at) == (_days_ago(150), _days_ago(10))
    # Nothing says when it was cancelled: no date rather than a wrong one.
    assert (unlogged.went_public_at, unlogged.closed_at) == (_days_ago(300), None)
