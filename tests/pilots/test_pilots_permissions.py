"""Who may do what with pilots, per persona (tests/pilots/factories.py)."""

import pytest

from accounts.models import AuditEntry
from ideas.models import Idea, IdeaStatus
from pilots.models import Pilot, PilotStage
from tests.conftest import client_for
from tests.pilots.factories import PILOT_PERSONAS, MilestoneFactory, PilotFactory, pilot_personas

pytestmark = pytest.mark.django_db

STAFF_ONLY = {persona: 403 for persona in PILOT_PERSONAS}


def _staff_only(ok: int) -> dict:
    return {**STAFF_ONLY, "staff": ok}


@pytest.fixture
def pilot(idea, company):
    return PilotFactory(idea=idea, companies=[company], stage=PilotStage.RECRUITING)


@pytest.fixture
def everyone(personas, pilot, other_company):
    return pilot_personas(personas, pilot)


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_everyone_reads_pilots_out_of_planning(everyone, pilot, persona):
    client = client_for(everyone[persona])

    listed = client.get("/api/v1/pilots/")
    detail = client.get(f"/api/v1/pilots/{pilot.pk}/")

    assert [row["id"] for row in listed.json()["results"]] == [pilot.pk]
    assert detail.status_code == 200
    assert detail.json()["title"] == pilot.title


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_only_staff_see_a_pilot_in_planning(everyone, pilot, persona):
    Pilot.objects.filter(pk=pilot.pk).update(stage=PilotStage.PLANNING, went_public_at=None)
    client = client_for(everyone[persona])

    listed = [row["id"] for row in client.get("/api/v1/pilots/").json()["results"]]
    detail = client.get(f"/api/v1/pilots/{pilot.pk}/")

    if persona == "staff":
        assert (listed, detail.status_code) == ([pilot.pk], 200)
    else:
        assert (listed, detail.status_code) == ([], 404)


def _create(pilot):
    return (
        "post",
        "/api/v1/pilots/",
        {
            "idea": pilot.idea_id,
            "companies": ["bitgoeul-care"],
            "title": "두 번째 실증",
            "description": "설명입니다.",
        },
    )


def _edit(pilot):
    return "patch", f"/api/v1/pilots/{pilot.pk}/", {"venue": "광주 도서관"}


def _stage(pilot):
    return "post", f"/api/v1/pilots/{pilot.pk}/stage/", {"stage": "running"}


def _add_milestone(pilot):
    return "post", f"/api/v1/pilots/{pilot.pk}/milestones/", {"title": "설치", "due_date": "2026-05-01"}


def _change_milestone(pilot):
    milestone = MilestoneFactory(pilot=pilot)
    return "patch", f"/api/v1/pilots/{pilot.pk}/milestones/{milestone.pk}/", {"is_done": True}


def _remove_milestone(pilot):
    milestone = MilestoneFactory(pilot=pilot)
    return "delete", f"/api/v1/pilots/{pilot.pk}/milestones/{milestone.pk}/", None


def _post_update(pilot):
    return "post", f"/api/v1/pilots/{pilot.pk}/updates/", {"body": "설치를 마쳤습니다."}


def _add_data_request(pilot):
    return (
        "post",
        f"/api/v1/pilots/{pilot.pk}/data-requests/",
        {
            "category_code": "heart_rate",
            "category_label": "심박수",
            "purpose": "활동량 분석",
            "recipient": "빛고을케어",
            "retention_days": 30,
        },
    )


def _list_volunteers(pilot):
    return "get", f"/api/v1/pilots/{pilot.pk}/volunteers/", None


STAFF_ACTIONS = {
    "create": (_create, 201),
    "edit": (_edit, 200),
    "stage": (_stage, 200),
    "add_milestone": (_add_milestone, 201),
    "change_milestone": (_change_milestone, 200),
    "remove_milestone": (_remove_milestone, 204),
    "post_update": (_post_update, 201),
    "add_data_request": (_add_data_request, 201),
    "list_volunteers": (_list_volunteers, 200),
}


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
@pytest.mark.parametrize("action", sorted(STAFF_ACTIONS))
def test_only_staff_run_pilots(everyone, pilot, persona, action):
    build, ok = STAFF_ACTIONS[action]
    method, url, payload = build(pilot)
    stage_before = Pilot.objects.get(pk=pilot.pk).stage

    response = getattr(client_for(everyone[persona]), method)(url, payload)

    assert response.status_code == _staff_only(ok)[persona], response.content
    if persona == "staff":
        # Every staff action is on the record (reading the volunteers is not an action).
        assert AuditEntry.objects.filter(target_type="pilot", actor=everyone["staff"]).exists() == (
            action != "list_volunteers"
        )
    else:
        assert response.json()["error"]["code"] in ("not_authenticated", "permission_denied")
        assert not AuditEntry.objects.exists()
        assert Pilot.objects.count() == 1
        assert Pilot.objects.get(pk=pilot.pk).stage == stage_before


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_staff_actions_on_a_planning_pilot_answer_the_same(everyone, pilot, persona):
    """Refusals come before the lookup, so they do not reveal whether a hidden pilot exists."""
    Pilot.objects.filter(pk=pilot.pk).update(stage=PilotStage.PLANNING, went_public_at=None)
    client = client_for(everyone[persona])

    response = client.post(f"/api/v1/pilots/{pilot.pk}/stage/", {"stage": "recruiting"})
    missing = client.post("/api/v1/pilots/999999/stage/", {"stage": "recruiting"})

    assert response.status_code == (200 if persona == "staff" else 403)
    assert missing.status_code == (404 if persona == "staff" else 403)


def test_the_idea_status_moves_only_for_staff(everyone, idea):
    for persona in PILOT_PERSONAS:
        client_for(everyone[persona]).post(
            "/api/v1/pilots/",
            {"idea": idea.pk, "companies": ["bitgoeul-care"], "title": "실증", "description": "설명"},
        )
    planned = Pilot.objects.get(idea=idea, stage=PilotStage.PLANNING)
    assert Pilot.objects.filter(idea=idea).count() == 2  # the fixture's and staff's
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.PUBLISHED  # planning is not public

    for persona in PILOT_PERSONAS:
        client_for(everyone[persona]).post(f"/api/v1/pilots/{planned.pk}/stage/", {"stage": "recruiting"})

    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.IN_PILOT
