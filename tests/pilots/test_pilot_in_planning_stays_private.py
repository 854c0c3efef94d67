"""A pilot in planning is not public, so neither is the fact that its idea is being piloted: the
idea is "in pilot" only once a pilot of it recruits."""

import importlib

import pytest
from django.apps import apps

from accounts.models import Notification
from ideas.models import Follow, Idea, IdeaStatus
from pilots.models import Pilot, PilotFollow, PilotStage
from tests.accounts.factories import UserFactory
from tests.conftest import PERSONAS, client_for
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import MatchFactory
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


def _create(client, idea, company, title="북구 복약 알림 실증"):
    response = client.post(
        "/api/v1/pilots/",
        {"idea": idea.pk, "companies": [company.slug], "title": title, "description": "8주 동안 봅니다."},
    )
    assert response.status_code == 201
    return Pilot.objects.get(pk=response.json()["id"])


def _done_steps(client, idea) -> int:
    return client.get(f"/ideas/{idea.pk}/").content.decode().count('<li class="done">')


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_planned_pilot_leaves_the_idea_as_everyone_saw_it(
    personas, persona, api, client, staff_user, idea, company
):
    pilot = _create(api(staff_user), idea, company)
    viewer = client_for(personas[persona])

    assert viewer.get(f"/api/v1/ideas/{idea.pk}/").json()["status"] == "published"
    in_pilot = viewer.get("/api/v1/ideas/", {"status": "in_pilot"}).json()["results"]
    assert in_pilot == []
    if personas[persona] is not None:
        client.force_login(personas[persona])
    assert _done_steps(client, idea) == 2  # submitted, published; not "in pilot"
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.PUBLISHED

    api(staff_user).post(f"/api/v1/pilots/{pilot.pk}/stage/", {"stage": "recruiting"})

    assert viewer.get(f"/api/v1/ideas/{idea.pk}/").json()["status"] == "in_pilot"
    # Matched too: the city chose the pilot's companies, whatever the matcher said.
    assert _done_steps(client, idea) == 4


def test_cancelling_the_last_recruiting_pilot_returns_the_idea_while_another_is_planned(
    api, staff_user, idea, company
):
    MatchFactory(idea=idea, company=company, rank_for_idea=1)
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.MATCHED)
    staff = api(staff_user)
    recruiting = _create(staff, idea, company)
    staff.post(f"/api/v1/pilots/{recruiting.pk}/stage/", {"stage": "recruiting"})
    planned = _create(staff, idea, company, title="두 번째 실증")
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.IN_PILOT

    staff.post(f"/api/v1/pilots/{recruiting.pk}/stage/", {"stage": "cancelled", "reason": "예산 부족"})

    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.MATCHED
    assert api().get(f"/api/v1/ideas/{idea.pk}/").json()["status"] == "matched"
    assert Pilot.objects.get(pk=planned.pk).stage == PilotStage.PLANNING


@pytest.mark.parametrize(
    "change",
    [
        {"status": IdeaStatus.REJECTED, "rejection_reason": "중복"},
        {"is_hidden": True},
        {"status": IdeaStatus.SUBMITTED},
    ],
)
def test_a_pilot_of_an_idea_no_longer_published_does_not_recruit(api, staff_user, idea, company, change):
    pilot = _create(api(staff_user), idea, company)
    Idea.objects.filter(pk=idea.pk).update(**change)
    before = Idea.objects.get(pk=idea.pk).status

    response = api(staff_user).post(f"/api/v1/pilots/{pilot.pk}/stage/", {"stage": "recruiting"})

    assert response.status_code == 409
    assert list(response.json()["error"]["fields"]) == ["stage"]
    assert Pilot.objects.get(pk=pilot.pk).stage == PilotStage.PLANNING
    assert Idea.objects.get(pk=idea.pk).status == before


def test_a_merged_idea_pilot_does_not_recruit(api, staff_user, idea, company):
    pilot = _create(api(staff_user), idea, company)
    api(staff_user).post(f"/api/v1/ideas/{idea.pk}/merge/", {"target": IdeaFactory().pk})

    response = api(staff_user).post(f"/api/v1/pilots/{pilot.pk}/stage/", {"stage": "recruiting"})

    assert response.status_code == 409
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.MERGED


def test_the_migration_returns_ideas_whose_pilots_are_all_in_planning(company):
    migration = importlib.import_module("pilots.migrations.0003_ideas_in_planning_are_not_in_pilot")
    matched = PilotFactory(stage=PilotStage.PLANNING).idea
    MatchFactory(idea=matched, company=company, rank_for_idea=1)
    published = PilotFactory(stage=PilotStage.PLANNING).idea
    PilotFactory(idea=published, stage=PilotStage.CANCELLED, cancellation_reason="예산 부족")
    recruiting = PilotFactory(stage=PilotStage.RECRUITING).idea
    PilotFactory(idea=recruiting, stage=PilotStage.PLANNING)
    Idea.objects.filter(pk__in=[matched.pk, published.pk, recruiting.pk]).update(status=IdeaStatus.IN_PILOT)

    migration.ideas_in_planning_return(apps, None)

    statuses = dict(Idea.objects.values_list("pk", "status"))
    assert (statuses[matched.pk], statuses[published.pk], statuses[recruiting.pk]) == (
        IdeaStatus.MATCHED,
        IdeaStatus.PUBLISHED,
        IdeaStatus.IN_PILOT,
    )


def test_a_pilot_cancelled_while_planned_stays_private_and_one_cancelled_later_stays_public(api, staff_user):
    from pilots.models import Pilot, PilotStage
    from tests.pilots.factories import PilotFactory

    never_public = PilotFactory(stage=PilotStage.PLANNING, title="기획 중에 취소된 실증")
    was_public = PilotFactory(stage=PilotStage.PLANNING, title="모집 후 취소된 실증")
    client = api(staff_user)
    client.post(f"/api/v1/pilots/{was_public.pk}/stage/", {"stage": PilotStage.RECRUITING})
    for pilot in (never_public, was_public):
        client.post(
            f"/api/v1/pilots/{pilot.pk}/stage/", {"stage": PilotStage.CANCELLED, "reason": "예산 부족"}
        )

    public = [row["title"] for row in api(None).get("/api/v1/pilots/").json()["results"]]

    assert Pilot.objects.filter(stage=PilotStage.CANCELLED).count() == 2
    assert public == ["모집 후 취소된 실증"]
    assert api(None).get(f"/api/v1/pilots/{never_public.pk}/").status_code == 404


def test_cancelling_a_planned_pilot_tells_no_one_who_cannot_see_it(
    api, staff_user, idea, company, bob, carol
):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.PLANNING, title="비공개 기획 실증")
    colleague = UserFactory(username="colleague", is_staff=True)
    # A citizen and a member of the pilot's company follow the idea; neither may open the pilot.
    for follower in (bob, carol, colleague):
        Follow.objects.create(idea=idea, user=follower)
    PilotFollow.objects.create(pilot=pilot, user=colleague)
    assert api(bob).get(f"/api/v1/pilots/{pilot.pk}/").status_code == 404
    assert api(carol).get(f"/api/v1/pilots/{pilot.pk}/").status_code == 404

    response = api(staff_user).post(
        f"/api/v1/pilots/{pilot.pk}/stage/", {"stage": "cancelled", "reason": "A사 협상 결렬"}
    )

    assert response.status_code == 200
    told = Notification.objects.values_list("user__username", "body", "link")
    assert list(told) == [("colleague", "A사 협상 결렬", f"/pilots/{pilot.pk}/")]


def test_a_pilot_cancelled_in_planning_takes_no_public_update(api, client, staff_user, idea, company, bob):
    pilot = PilotFactory(
        idea=idea,
        companies=[company],
        stage=PilotStage.CANCELLED,
        cancellation_reason="예산 부족",
        went_public_at=None,
    )
    Follow.objects.create(idea=idea, user=bob)
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"

    response = api(staff_user).post(f"/api/v1/pilots/{pilot.pk}/updates/", {"body": "결과를 알려드립니다."})
    html = client.get(f"/pilots/{pilot.pk}/").content.decode()

    assert response.status_code == 409
    assert not pilot.updates.exists() and not Notification.objects.exists()
    assert "This pilot was cancelled before it went public: it has no public updates." in html
    assert 'value="update"' not in html and "A public update can still be posted" not in html
