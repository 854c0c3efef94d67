"""Staff mark a milestone done or not done from the pilot page: the button sends the state wanted,
so a double click, or two staff clicking the same button, leaves the milestone as they asked;
a completed or cancelled pilot, whose milestones can no longer change, shows no such button."""

import re

import pytest

from pilots.models import PilotStage
from tests.pilots.factories import MilestoneFactory, PilotFactory

pytestmark = pytest.mark.django_db

ALTERED = "The form was incomplete or altered. Reload the page and try again."


@pytest.fixture
def pilot(idea, company):
    return PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    return client


def _mark(client, milestone, is_done: str | None):
    data = {"action": "milestone_done", "milestone": milestone.pk}
    if is_done is not None:
        data["is_done"] = is_done
    return client.post(f"/pilots/{milestone.pilot_id}/manage/", data)


def _milestone_form(html: str, milestone) -> str:
    found = re.search(rf'<input type="hidden" name="milestone" value="{milestone.pk}">.*?</form>', html)
    return found.group(0) if found else ""


def test_each_button_sends_the_state_it_names(staff, pilot):
    to_do = MilestoneFactory(pilot=pilot, is_done=False)
    done = MilestoneFactory(pilot=pilot, is_done=True)

    html = staff.get(f"/pilots/{pilot.pk}/").content.decode()

    assert 'name="is_done" value="1"' in _milestone_form(html, to_do)
    assert "Mark done" in _milestone_form(html, to_do)
    assert 'name="is_done" value="0"' in _milestone_form(html, done)
    assert "Mark not done" in _milestone_form(html, done)


def test_mark_done_clicked_twice_leaves_the_milestone_done(staff, pilot):
    milestone = MilestoneFactory(pilot=pilot, is_done=False)

    first, second = _mark(staff, milestone, "1"), _mark(staff, milestone, "1")

    assert (first.status_code, second.status_code) == (302, 302)
    milestone.refresh_from_db()
    assert milestone.is_done is True
    pilot.refresh_from_db()
    assert pilot.progress == 100


def test_mark_not_done_clicked_twice_leaves_the_milestone_not_done(staff, pilot):
    milestone = MilestoneFactory(pilot=pilot, is_done=True)

    _mark(staff, milestone, "0")
    _mark(staff, milestone, "0")

    milestone.refresh_from_db()
    assert milestone.is_done is False


@pytest.mark.parametrize("is_done", [None, "", "yes", "2", "true"])
def test_a_missing_or_altered_state_is_refused_and_changes_nothing(staff, pilot, is_done):
    milestone = MilestoneFactory(pilot=pilot, is_done=False)

    response = _mark(staff, milestone, is_done)

    assert response.status_code == 400
    assert ALTERED in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.is_done is False


@pytest.mark.parametrize("stage", [PilotStage.COMPLETED, PilotStage.CANCELLED])
def test_a_closed_pilot_shows_its_milestones_without_buttons(staff, pilot, stage):
    milestone = MilestoneFactory(pilot=pilot, is_done=False, title="기기 설치")
    pilot.stage = stage
    pilot.cancellation_reason = "예산 부족" if stage == PilotStage.CANCELLED else ""
    pilot.save()

    html = staff.get(f"/pilots/{pilot.pk}/").content.decode()

    assert "기기 설치" in html
    assert 'value="milestone_done"' not in html and not _milestone_form(html, milestone)


def test_a_live_pilot_offers_the_button_to_staff_only(client, staff, bob, pilot):
    MilestoneFactory(pilot=pilot)

    assert 'value="milestone_done"' in staff.get(f"/pilots/{pilot.pk}/").content.decode()
    client.force_login(bob)
    assert 'value="milestone_done"' not in client.get(f"/pilots/{pilot.pk}/").content.decode()
