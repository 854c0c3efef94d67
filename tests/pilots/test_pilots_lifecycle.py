"""A pilot's life: stages, milestones and progress, public updates and who hears of them."""

import pytest
from django.utils import timezone

from accounts.models import AuditEntry, Notification, NotificationKind
from ideas.models import Follow, Idea, IdeaStatus
from pilots.models import Pilot, PilotMilestone, PilotStage
from tests.accounts.factories import UserFactory
from tests.matching.factories import MatchFactory
from tests.pilots.factories import MilestoneFactory, PilotFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(idea, company):
    # A pilot in planning leaves its published idea as it was.
    return PilotFactory(idea=idea, companies=[company], stage=PilotStage.PLANNING)


def _stage(client, pilot, stage, reason=None):
    payload = {"stage": stage} if reason is None else {"stage": stage, "reason": reason}
    return client.post(f"/api/v1/pilots/{pilot.pk}/stage/", payload)


# --- Progress -------------------------------------------------------------------------------


def test_progress_is_the_share_of_milestones_done(api, pilot):
    assert pilot.progress == 0
    milestones = MilestoneFactory.create_batch(3, pilot=pilot)

    def progress():
        return Pilot.objects.prefetch_related("milestones").get(pk=pilot.pk).progress

    assert progress() == 0
    PilotMilestone.objects.filter(pk=milestones[0].pk).update(is_done=True)
    assert progress() == 33
    PilotMilestone.objects.filter(pilot=pilot).update(is_done=True)
    assert progress() == 100


def test_marking_a_milestone_done_moves_the_progress(api, staff_user, pilot):
    first, _second = MilestoneFactory.create_batch(2, pilot=pilot)

    response = api(staff_user).patch(f"/api/v1/pilots/{pilot.pk}/milestones/{first.pk}/", {"is_done": True})

    assert response.status_code == 200
    assert response.json()["progress"] == 50
    assert PilotMilestone.objects.get(pk=first.pk).is_done
    audit = AuditEntry.objects.get(action="pilot_milestone_change")
    assert (audit.target_id, audit.before["is_done"], audit.after["is_done"]) == (pilot.pk, False, True)


def test_staff_add_and_remove_milestones(api, staff_user, pilot):
    client = api(staff_user)

    added = client.post(
        f"/api/v1/pilots/{pilot.pk}/milestones/", {"title": "디스펜서 설치", "due_date": "2026-05-01"}
    )
    milestone = PilotMilestone.objects.get(pilot=pilot)
    removed = client.delete(f"/api/v1/pilots/{pilot.pk}/milestones/{milestone.pk}/")

    assert added.status_code == 201
    assert added.json()["milestones"] == [
        {
            "id": milestone.pk,
            "title": "디스펜서 설치",
            "title_language": "ko",
            "texts": {"ko": {"title": "디스펜서 설치"}, "en": {"title": ""}},
            "due_date": "2026-05-01",
            "is_done": False,
        }
    ]
    assert removed.status_code == 204
    assert not PilotMilestone.objects.exists()
    actions = AuditEntry.objects.filter(target_id=pilot.pk).order_by("id").values_list("action", flat=True)
    assert list(actions) == ["pilot_milestone_add", "pilot_milestone_remove"]


def test_milestone_fields_are_named(api, staff_user, pilot):
    response = api(staff_user).post(
        f"/api/v1/pilots/{pilot.pk}/milestones/", {"title": "", "due_date": "soon"}
    )

    assert set(response.json()["error"]["fields"]) == {"title", "due_date"}
    assert not PilotMilestone.objects.exists()


def test_a_milestone_of_another_pilot_is_not_found(api, staff_user, pilot):
    stranger = MilestoneFactory()

    response = api(staff_user).patch(
        f"/api/v1/pilots/{pilot.pk}/milestones/{stranger.pk}/", {"is_done": True}
    )

    assert response.status_code == 404
    assert not PilotMilestone.objects.get(pk=stranger.pk).is_done


# --- Stages ---------------------------------------------------------------------------------


def test_a_pilot_goes_through_its_stages_in_order_and_completes_its_idea(api, staff_user, pilot, idea, bob):
    Follow.objects.create(idea=idea, user=bob)
    client = api(staff_user)

    stages = [
        _stage(client, pilot, stage).json()["stage"]
        for stage in ("recruiting", "running", "evaluating", "completed")
    ]

    assert stages == ["recruiting", "running", "evaluating", "completed"]
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.COMPLETED
    notified = Notification.objects.filter(kind=NotificationKind.IDEA_STATUS)
    assert set(notified.values_list("user__username", flat=True)) == {"alice", "bob"}
    audits = AuditEntry.objects.filter(action="pilot_stage", target_id=pilot.pk).order_by("id")
    assert [(a.before["stage"], a.after["stage"]) for a in audits] == [
        ("planning", "recruiting"),
        ("recruiting", "running"),
        ("running", "evaluating"),
        ("evaluating", "completed"),
    ]


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (PilotStage.PLANNING, PilotStage.RUNNING),
        (PilotStage.PLANNING, PilotStage.COMPLETED),
        (PilotStage.RUNNING, PilotStage.RECRUITING),
        (PilotStage.RECRUITING, PilotStage.RECRUITING),
        (PilotStage.COMPLETED, PilotStage.CANCELLED),
        (PilotStage.CANCELLED, PilotStage.RECRUITING),
    ],
)
def test_stages_cannot_be_skipped_reversed_or_reopened(api, staff_user, pilot, current, target):
    Pilot.objects.filter(pk=pilot.pk).update(stage=current, cancellation_reason="예산 부족")

    response = _stage(api(staff_user), pilot, target, reason="다시")

    assert response.status_code == 409
    assert list(response.json()["error"]["fields"]) == ["stage"]
    assert Pilot.objects.get(pk=pilot.pk).stage == current
    assert not AuditEntry.objects.filter(action="pilot_stage").exists()


def test_cancelling_needs_a_reason(api, staff_user, pilot, idea):
    client = api(staff_user)

    refused = _stage(client, pilot, "cancelled", reason="  ")
    cancelled = _stage(client, pilot, "cancelled", reason="참여 기업의 사정으로 중단합니다.")

    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["reason"]
    assert cancelled.status_code == 200
    assert cancelled.json()["cancellation_reason"] == "참여 기업의 사정으로 중단합니다."
    pilot.refresh_from_db()
    assert pilot.stage == PilotStage.CANCELLED
    assert pilot.cancellation_reason == "참여 기업의 사정으로 중단합니다."
    assert AuditEntry.objects.get(action="pilot_stage").after == {
        "stage": "cancelled",
        "cancellation_reason": "참여 기업의 사정으로 중단합니다.",
    }
    # Cancelled in planning, the pilot never put the idea in pilot: it is still simply published.
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.PUBLISHED


def test_cancelling_the_last_open_pilot_returns_the_idea_to_its_matches(
    api, staff_user, pilot, idea, company
):
    MatchFactory(idea=idea, company=company, rank_for_idea=1)
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.MATCHED)
    second = PilotFactory(idea=idea, companies=[company], stage=PilotStage.PLANNING)
    client = api(staff_user)
    _stage(client, pilot, "recruiting")
    _stage(client, second, "recruiting")
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.IN_PILOT

    _stage(client, pilot, "cancelled", reason="예산 부족")
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.IN_PILOT  # the second pilot still runs

    _stage(client, second, "cancelled", reason="예산 부족")
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.MATCHED
    # Staff can pilot it again; the idea is in pilot again once the new pilot recruits.
    created = client.post(
        "/api/v1/pilots/",
        {
            "idea": idea.pk,
            "companies": [company.slug],
            "title": "다시 하는 실증",
            "description": "두 번째 시도",
        },
    )
    assert created.status_code == 201
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.MATCHED
    _stage(client, Pilot.objects.get(pk=created.json()["id"]), "recruiting")
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.IN_PILOT


def test_cancelling_a_second_pilot_leaves_an_idea_the_first_completed(api, staff_user, pilot, idea, company):
    second = PilotFactory(idea=idea, companies=[company], stage=PilotStage.PLANNING)
    _stage(api(staff_user), second, "recruiting")
    client = api(staff_user)
    for stage in ("recruiting", "running", "evaluating", "completed"):
        _stage(client, pilot, stage)
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.COMPLETED

    _stage(client, second, "cancelled", reason="첫 실증으로 충분합니다.")

    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.COMPLETED


def test_an_unknown_stage_is_named(api, staff_user, pilot):
    response = _stage(api(staff_user), pilot, "sleeping")

    assert list(response.json()["error"]["fields"]) == ["stage"]


# --- Public updates -------------------------------------------------------------------------


def test_an_update_notifies_the_ideas_followers_and_the_pilots_volunteers(
    api, staff_user, pilot, idea, bob, dave
):
    Pilot.objects.filter(pk=pilot.pk).update(stage=PilotStage.RUNNING, went_public_at=timezone.now())
    Follow.objects.create(idea=idea, user=bob)
    erin = VolunteerFactory(pilot=pilot, user=UserFactory(username="erin", preferred_language="en")).user
    gone = VolunteerFactory(pilot=pilot, user=UserFactory(username="frank")).user
    pilot.volunteers.filter(user=gone).update(left_at="2026-01-01T00:00Z")
    # A follower who also volunteers hears once.
    Follow.objects.create(idea=idea, user=erin)
    Follow.objects.create(idea=idea, user=staff_user)

    response = api(staff_user).post(
        f"/api/v1/pilots/{pilot.pk}/updates/", {"body": "30가구 설치를 마쳤습니다."}
    )

    assert response.status_code == 201
    assert response.json()["body"] == "30가구 설치를 마쳤습니다."
    notifications = Notification.objects.filter(kind=NotificationKind.PILOT_UPDATE)
    assert sorted(notifications.values_list("user__username", flat=True)) == ["bob", "erin"]
    assert {n.link for n in notifications} == {f"/pilots/{pilot.pk}/"}
    assert all(pilot.title in n.title for n in notifications)
    assert notifications.get(user=bob).body == "30가구 설치를 마쳤습니다."
    # Erin reads English, and the news was written in Korean only.
    assert notifications.get(user=erin).body == "30가구 설치를 마쳤습니다.\n(written in Korean only)"
    [public] = api().get(f"/api/v1/pilots/{pilot.pk}/").json()["updates"]
    assert public["body"] == "30가구 설치를 마쳤습니다."
    assert AuditEntry.objects.get(action="pilot_update_post").after["body"] == "30가구 설치를 마쳤습니다."


def test_a_stage_change_tells_volunteers_and_followers_in_their_language(api, staff_user, pilot, idea, bob):
    Pilot.objects.filter(pk=pilot.pk).update(stage=PilotStage.RECRUITING, went_public_at=timezone.now())
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.IN_PILOT)  # as recruiting made it
    Follow.objects.create(idea=idea, user=bob)
    erin = VolunteerFactory(pilot=pilot, user=UserFactory(username="erin", preferred_language="en")).user
    client = api(staff_user)

    _stage(client, pilot, "running")

    running = Notification.objects.filter(kind=NotificationKind.PILOT_UPDATE)
    assert {n.user.username: n.title for n in running} == {
        "bob": f"“{pilot.title}” 실증 사업의 단계가 바뀌었습니다: 진행 중",
        "erin": f"The pilot “{pilot.title}” is now: Running",
    }

    running.delete()
    _stage(client, pilot, "cancelled", reason="예산 부족")

    # The follower hears that the idea's status changed, once; the volunteer hears of the
    # cancellation with its reason.
    cancelled = Notification.objects.filter(kind=NotificationKind.PILOT_UPDATE).get()
    assert (cancelled.user, cancelled.body) == (erin, "예산 부족")
    assert Notification.objects.filter(user=bob, kind=NotificationKind.IDEA_STATUS).count() == 1


def test_no_public_update_while_planning(api, staff_user, pilot):
    response = api(staff_user).post(f"/api/v1/pilots/{pilot.pk}/updates/", {"body": "아직 비공개"})

    assert response.status_code == 409
    assert not pilot.updates.exists()


def test_an_empty_update_is_refused(api, staff_user, pilot):
    Pilot.objects.filter(pk=pilot.pk).update(stage=PilotStage.RUNNING, went_public_at=timezone.now())

    response = api(staff_user).post(f"/api/v1/pilots/{pilot.pk}/updates/", {"body": ""})

    assert list(response.json()["error"]["fields"]) == ["body"]
