"""The reason staff give for cancelling a pilot, on its page: a box of several lines with its limit
said, kept as typed, line breaks included."""

import pytest

from pilots.models import CANCELLATION_REASON_MAX_LENGTH, PilotStage
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(idea, company):
    return PilotFactory(idea=idea, companies=[company], stage=PilotStage.RECRUITING)


def test_the_reason_is_a_box_of_several_lines_with_its_limit(client, staff_user, pilot):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"

    html = client.get(f"/pilots/{pilot.pk}/").content.decode()

    limit = CANCELLATION_REASON_MAX_LENGTH
    assert f'<textarea id="id_reason" name="reason" rows="3" data-max-chars="{limit}"></textarea>' in html
    assert '<p class="meta char-counter" id="id_reason-counter" data-counter-for="id_reason">' in html


def test_a_refused_reason_comes_back_in_its_box(client, staff_user, pilot):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"

    limit = CANCELLATION_REASON_MAX_LENGTH
    reason = "x" * (limit + 1)
    response = client.post(
        f"/pilots/{pilot.pk}/manage/", {"action": "stage", "stage": "cancelled", "reason": reason}
    )

    assert response.status_code == 400
    assert f'data-max-chars="{limit}">{reason}</textarea>' in response.content.decode()
    pilot.refresh_from_db()
    assert pilot.stage == PilotStage.RECRUITING


def test_a_reason_over_several_lines_keeps_one_line_break_each(client, staff_user, pilot):
    client.force_login(staff_user)

    # A textarea sends its line breaks as CRLF.
    client.post(
        f"/pilots/{pilot.pk}/manage/",
        {"action": "stage", "stage": "cancelled", "reason": "예산이 줄었습니다.\r\n기기도 없습니다."},
    )

    pilot.refresh_from_db()
    assert pilot.stage == PilotStage.CANCELLED
    assert pilot.cancellation_reason == "예산이 줄었습니다.\n기기도 없습니다."
    page = client.get(f"/pilots/{pilot.pk}/").content.decode()
    assert "예산이 줄었습니다.<br>기기도 없습니다." in page
