"""The pilot page's staff forms post to one address: a refusal names each field it is about,
every one of them, and the address left in the browser leads back to the page."""

import pytest

from pilots.models import PilotMilestone, PilotStage
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(idea, company):
    return PilotFactory(idea=idea, companies=[company], stage=PilotStage.RECRUITING)


def _messages_box(html: str) -> str:
    box = html[html.index('<ul class="messages">') :]
    return box[: box.index("</ul>")]


def test_an_empty_milestone_is_refused_naming_both_fields(client, staff_user, pilot):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"

    response = client.post(
        f"/pilots/{pilot.pk}/manage/", {"action": "milestone", "title": "", "due_date": ""}
    )

    box = _messages_box(response.content.decode())
    assert response.status_code == 400
    assert "New milestone: This field is required." in box
    assert "Due date: This field is required." in box
    assert not PilotMilestone.objects.exists()


def test_a_wrong_date_is_named_and_the_title_typed_is_kept(client, staff_user, pilot):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"

    response = client.post(
        f"/pilots/{pilot.pk}/manage/", {"action": "milestone", "title": "기기 설치", "due_date": "내일"}
    )

    html = response.content.decode()
    assert "Due date: Enter a valid date." in _messages_box(html)
    assert "New milestone:" not in _messages_box(html)
    assert 'name="title" value="기기 설치"' in html


def test_a_refused_cancellation_names_the_reason_field(client, staff_user, pilot):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"

    response = client.post(f"/pilots/{pilot.pk}/manage/", {"action": "stage", "stage": "cancelled"})

    box = _messages_box(response.content.decode())
    assert "Reason (when cancelling): Tell the participants why the pilot is cancelled." in box
    assert box.count("Tell the participants why") == 1


def test_a_valid_milestone_is_added(client, staff_user, pilot):
    client.force_login(staff_user)

    response = client.post(
        f"/pilots/{pilot.pk}/manage/", {"action": "milestone", "title": "기기 설치", "due_date": "2027-03-01"}
    )

    assert response.status_code == 302
    assert PilotMilestone.objects.get(pilot=pilot).due_date.isoformat() == "2027-03-01"


def test_the_management_address_reloaded_leads_to_the_pilot_page(client, staff_user, pilot):
    client.force_login(staff_user)

    response = client.get(f"/pilots/{pilot.pk}/manage/")

    assert response.status_code == 302
    assert response["Location"] == f"/pilots/{pilot.pk}/#manage"
