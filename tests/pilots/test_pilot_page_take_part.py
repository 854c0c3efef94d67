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

    # The page's main button, back to this pilot once logged in; signing up is offered beside it.
    path = f"/pilots/{pilot.pk}/"
    assert f'<a class="button" href="/accounts/login/?next={path}">Log in to volunteer</a>' in section
    assert f'No account yet? <a href="/accounts/signup/?next={path}">Sign up</a> in a minute.' in section


def test_the_log_in_button_to_volunteer_reads_in_korean(client, idea, company):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RECRUITING)
    client.cookies["django_language"] = "ko"

    page = client.get(f"/pilots/{pilot.pk}/").content.decode()

    login = f"/accounts/login/?next=/pilots/{pilot.pk}/"
    assert f'<a class="button" href="{login}">로그인하고 참여하기</a>' in page
    assert "계정이 없으신가요? 1분이면 <a" in page


@pytest.mark.parametrize(
    ("stage", "said"),
    [
        (PilotStage.RUNNING, "This pilot is not recruiting volunteers now."),
        (PilotStage.EVALUATING, "This pilot is not recruiting volunteers now."),
        (PilotStage.COMPLETED, "This pilot has ended."),
    ],
)
def test_a_visitor_is_told_a_pilot_past_recruiting_takes_no_volunteers(client, idea, company, stage, said):
    pilot = PilotFactory(idea=idea, companies=[company], stage=stage)

    section = _take_part(client, pilot)

    assert "Log in to volunteer" not in section and "Sign up" not in section
    assert said in section
