"""What a page's messages box says is drawn by its kind: a refusal reads as one (red, announced
at once), not in the green of a thing done."""

import pytest

from pilots.models import PilotStage
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


def _messages_box(html: str) -> str:
    box = html[html.index('<ul class="messages">') :]
    return box[: box.index("</ul>")]


def test_a_refused_stage_change_is_shown_as_an_error(client, staff_user, idea, company):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.PLANNING)
    client.force_login(staff_user)

    response = client.post(
        f"/pilots/{pilot.pk}/manage/", {"action": "stage", "stage": "cancelled", "reason": ""}, follow=True
    )

    box = _messages_box(response.content.decode())
    # The alert inside the item: an item of the list may not be an alert itself.
    assert '<li class="error"><span role="alert">' in box


def test_a_change_made_is_shown_as_done(client, staff_user, idea, company):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.PLANNING)
    client.force_login(staff_user)

    response = client.post(
        f"/pilots/{pilot.pk}/manage/", {"action": "stage", "stage": "recruiting"}, follow=True
    )

    box = _messages_box(response.content.decode())
    assert '<li class="success">' in box and 'role="alert"' not in box
