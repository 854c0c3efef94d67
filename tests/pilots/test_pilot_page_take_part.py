"""What the pilot page's "Take part" section tells a visitor who is not signed in: to log in only
where logging in would let them volunteer."""

import pytest

from pilots.models import PilotStage
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


def _take_part(client, pilot) -> str:
    client.cookies["django_language"] = "en"
    page = client.get(f"/pilots/{pilot.pk}/").content.decode()
    return page[page.index('id="take-part"') : page.index('id="data-requests"')]


def test_a_visitor_is_asked_to_log_in_to_volunteer_for_a_recruiting_pilot(client, idea, company):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RECRUITING)

    section = _take_part(client, pilot)

    assert "Log in to volunteer." in section


@pytest.mark.parametrize("stage", [PilotStage.RUNNING, PilotStage.EVALUATING, PilotStage.COMPLETED])
def test_a_visitor_is_told_a_pilot_past_recruiting_takes_no_volunteers(client, idea, company, stage):
    pilot = PilotFactory(idea=idea, companies=[company], stage=stage)

    section = _take_part(client, pilot)

    assert "Log in to volunteer." not in section
    assert "This pilot is not recruiting volunteers now." in section
