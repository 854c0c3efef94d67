"""Each of staff's actions on the pilot page says what it did and who was told of it, as the
services do it, instead of a bare "Saved."."""

import pytest

from accounts.models import Notification, NotificationKind
from ideas.models import IdeaStatus
from pilots.models import PilotStage
from tests.pilots.factories import MilestoneFactory, PilotFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def _said(client, pilot, data: dict, language: str = "en") -> str:
    client.cookies["django_language"] = language
    response = client.post(f"/pilots/{pilot.pk}/manage/", data, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    box = html[html.index('<ul class="messages">') :]
    box = box[: box.index("</ul>")]
    assert '<li class="success">' in box and "Saved." not in box and "저장했습니다." not in box
    return box


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    return client


def test_going_public_names_the_stage_and_the_idea_now_in_pilot_and_who_was_told(staff, idea, company, bob):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.PLANNING)

    box = _said(staff, pilot, {"action": "stage", "stage": "recruiting"})

    assert (
        "The stage is now Recruiting participants and the idea is now In pilot; the pilot&#x27;s "
        "volunteers and followers and the idea&#x27;s author and followers were told." in box
    )
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.IN_PILOT
    assert Notification.objects.filter(user=idea.author).exists()


def test_a_next_stage_names_it_and_who_was_told_in_korean(staff, idea, company, bob):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RECRUITING)
    VolunteerFactory(pilot=pilot, user=bob)

    box = _said(staff, pilot, {"action": "stage", "stage": "running"}, language="ko")

    assert "이제 ‘진행 중’ 단계입니다. 실증 사업의 참여자와 구독자, 아이디어 구독자에게 알렸습니다." in box
    assert Notification.objects.filter(user=bob, kind=NotificationKind.PILOT_UPDATE).exists()


def test_a_milestone_added_is_named(staff, idea, company):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)

    box = _said(staff, pilot, {"action": "milestone", "title": "기기 설치", "due_date": "2027-03-01"})

    assert "Milestone added: “기기 설치”." in box


@pytest.mark.parametrize(
    ("is_done", "said"), [("1", "Marked “기기 설치” done."), ("0", "Marked “기기 설치” not done.")]
)
def test_a_milestone_marked_says_how(staff, idea, company, is_done, said):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)
    milestone = MilestoneFactory(pilot=pilot, title="기기 설치", is_done=is_done == "0")

    box = _said(staff, pilot, {"action": "milestone_done", "milestone": milestone.pk, "is_done": is_done})

    assert said in box


def test_news_posted_says_who_was_told(staff, idea, company, bob):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)
    VolunteerFactory(pilot=pilot, user=bob)

    box = _said(staff, pilot, {"action": "update", "body": "기기 설치를 마쳤습니다."})

    assert (
        "News posted; the pilot&#x27;s volunteers and followers and the idea&#x27;s followers were told."
        in box
    )
    assert Notification.objects.filter(user=bob, kind=NotificationKind.PILOT_UPDATE).exists()


def test_each_staff_form_is_a_box_under_its_own_name(staff, idea, company):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)
    staff.cookies["django_language"] = "en"

    html = staff.get(f"/pilots/{pilot.pk}/").content.decode()

    panel = html[html.index('id="manage"') : html.index("Data donation")]
    assert panel.count("<fieldset><legend>") == 3
    for legend in ("Stage", "Milestones", "Updates"):
        assert f"<legend>{legend}</legend>" in panel


def test_a_pilot_in_planning_offers_no_news_form_and_says_when_it_can(staff, idea, company):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.PLANNING)
    staff.cookies["django_language"] = "en"

    html = staff.get(f"/pilots/{pilot.pk}/").content.decode()

    panel = html[html.index('id="manage"') : html.index("Data donation")]
    assert 'value="update"' not in panel
    assert "Public updates can be posted once the pilot recruits" in panel
