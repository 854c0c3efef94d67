"""Staff make pilots from ideas and companies; anyone reads them once they leave planning."""

import pytest
from django.utils import translation

from accounts.models import AuditEntry, Notification, NotificationKind
from ideas.models import Follow, Idea, IdeaStatus
from pilots.models import Pilot, PilotStage
from tests.companies.factories import CompanyFactory
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import InterestFactory
from tests.pilots.factories import (
    MilestoneFactory,
    PilotFactory,
    VolunteerFactory,
    data_request,
)

pytestmark = pytest.mark.django_db


def _payload(idea, *companies, **overrides):
    return {
        "idea": idea.pk,
        "companies": [company.slug for company in companies],
        "title": "북구 독거 어르신 복약 알림 실증",
        "description": "복약 디스펜서 30대를 8주 동안 설치하고 복약률을 측정합니다.",
        "venue": "북구 보건소",
        **overrides,
    }


def test_staff_create_a_pilot_from_an_idea_and_its_interested_company(api, staff_user, idea, company, bob):
    InterestFactory(idea=idea, company=company)
    Follow.objects.create(idea=idea, user=bob)
    idea_updated_at = idea.updated_at

    response = api(staff_user).post("/api/v1/pilots/", _payload(idea, company))

    assert response.status_code == 201
    body = response.json()
    assert body["stage"] == "planning"
    assert body["progress"] == 0
    assert body["district"] == idea.district
    assert [(c["slug"], c["name"]) for c in body["companies"]] == [("bitgoeul-care", "빛고을케어")]
    assert (body["milestones"], body["updates"], body["data_requests"]) == ([], [], [])
    pilot = Pilot.objects.get(pk=body["id"])
    assert (pilot.idea, pilot.created_by, list(pilot.companies.all())) == (idea, staff_user, [company])
    idea.refresh_from_db()
    # A pilot in planning is not public: the idea stays as it was until the pilot recruits.
    assert idea.status == IdeaStatus.PUBLISHED
    assert idea.updated_at == idea_updated_at
    assert not Notification.objects.filter(kind=NotificationKind.IDEA_STATUS).exists()
    audit = AuditEntry.objects.get(action="pilot_create")
    assert (audit.actor, audit.target_type, audit.target_id) == (staff_user, "pilot", pilot.pk)
    assert audit.after["companies"] == ["bitgoeul-care"] and audit.after["stage"] == "planning"


def test_the_idea_is_in_pilot_once_its_first_pilot_recruits(api, staff_user, idea, company, bob):
    Follow.objects.create(idea=idea, user=bob)
    client = api(staff_user)
    first = client.post("/api/v1/pilots/", _payload(idea, company)).json()["id"]
    second = client.post("/api/v1/pilots/", _payload(idea, company, title="두 번째 실증")).json()["id"]
    idea_updated_at = Idea.objects.get(pk=idea.pk).updated_at

    response = client.post(f"/api/v1/pilots/{first}/stage/", {"stage": "recruiting"})

    assert response.status_code == 200
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.IN_PILOT
    # The text did not change, so the matcher must not see the idea as pending again.
    assert idea.updated_at == idea_updated_at
    status_news = Notification.objects.filter(kind=NotificationKind.IDEA_STATUS)
    assert set(status_news.values_list("user__username", flat=True)) == {"alice", "bob"}

    # The second pilot's recruiting does not tell them again that the idea is in pilot.
    client.post(f"/api/v1/pilots/{second}/stage/", {"stage": "recruiting"})
    assert status_news.count() == 2


def test_an_unverified_company_is_refused(api, staff_user, idea, company):
    unverified = CompanyFactory(name="검증 전 회사", is_verified=False)

    response = api(staff_user).post("/api/v1/pilots/", _payload(idea, company, unverified))

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["companies"]
    assert "검증 전 회사" in response.json()["error"]["fields"]["companies"][0]
    assert not Pilot.objects.exists()
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.PUBLISHED


def test_invalid_fields_are_named(api, staff_user, idea):
    response = api(staff_user).post(
        "/api/v1/pilots/", {"idea": idea.pk, "companies": ["no-such-company"], "district": "moon"}
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"companies", "title", "description", "district"}
    assert not Pilot.objects.exists()


def test_a_pilot_needs_at_least_one_company(api, staff_user, idea):
    response = api(staff_user).post("/api/v1/pilots/", _payload(idea))

    assert list(response.json()["error"]["fields"]) == ["companies"]


@pytest.mark.parametrize("status", [IdeaStatus.SUBMITTED, IdeaStatus.REJECTED, IdeaStatus.COMPLETED])
def test_only_a_published_idea_becomes_a_pilot(api, staff_user, alice, company, status):
    idea = IdeaFactory(author=alice, status=status)

    response = api(staff_user).post("/api/v1/pilots/", _payload(idea, company))

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["idea"]
    assert Idea.objects.get(pk=idea.pk).status == status


def test_planning_pilots_are_listed_for_staff_only(api, bob, staff_user, idea, company):
    planning = PilotFactory(idea=idea, companies=[company], stage=PilotStage.PLANNING)
    recruiting = PilotFactory(idea=idea, companies=[company])

    def ids(user):
        return [row["id"] for row in api(user).get("/api/v1/pilots/").json()["results"]]

    assert ids(None) == ids(bob) == [recruiting.pk]
    assert ids(staff_user) == [recruiting.pk, planning.pk]
    assert api(bob).get(f"/api/v1/pilots/{planning.pk}/").status_code == 404


def test_list_filters_by_stage_and_idea(api, idea, company):
    running = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)
    PilotFactory(idea=idea, companies=[company], stage=PilotStage.RECRUITING)
    elsewhere = PilotFactory(companies=[company], stage=PilotStage.RUNNING)

    by_stage = api().get("/api/v1/pilots/?stage=running").json()["results"]
    by_idea = api().get(f"/api/v1/pilots/?idea={idea.pk}&stage=running").json()["results"]
    bad = api().get("/api/v1/pilots/?stage=sleeping")

    assert {row["id"] for row in by_stage} == {running.pk, elsewhere.pk}
    assert [row["id"] for row in by_idea] == [running.pk]
    assert list(bad.json()["error"]["fields"]) == ["stage"]


def test_list_query_count_is_flat(api, company, other_company, django_assert_num_queries):
    for index in range(6):
        pilot = PilotFactory(companies=[company, other_company])
        MilestoneFactory.create_batch(3, pilot=pilot, is_done=index % 2 == 0)
        VolunteerFactory.create_batch(2, pilot=pilot)

    # count, page with ideas and volunteer counts, companies, milestones
    with django_assert_num_queries(4):
        response = api().get("/api/v1/pilots/")

    rows = response.json()["results"]
    assert len(rows) == 6
    assert {row["progress"] for row in rows} == {0, 100}
    assert {row["volunteers_count"] for row in rows} == {2}
    assert [(c["slug"], c["name"]) for c in rows[0]["companies"]] == [
        ("mudeung-mobility", "무등모빌리티"),
        ("bitgoeul-care", "빛고을케어"),
    ]


def test_detail_shows_stage_progress_milestones_updates_companies_and_data_asked_for(
    api, idea, company, staff_user
):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)
    MilestoneFactory(pilot=pilot, title="디스펜서 설치", is_done=True)
    MilestoneFactory(pilot=pilot, title="중간 점검")
    pilot.updates.create(author=staff_user, body="30가구 설치를 마쳤습니다.")
    data_request(pilot)

    body = api().get(f"/api/v1/pilots/{pilot.pk}/").json()

    with translation.override("ko"):
        running = ("running", PilotStage.RUNNING.label, 50)
    assert (body["stage"], body["stage_display"], body["progress"]) == running
    assert [m["title"] for m in body["milestones"]] == ["디스펜서 설치", "중간 점검"]
    assert body["updates"][0]["body"] == "30가구 설치를 마쳤습니다."
    assert body["updates"][0]["author"]["id"] == staff_user.pk
    assert body["companies"][0]["slug"] == "bitgoeul-care"
    assert (body["idea"]["id"], body["idea"]["title"], body["idea"]["status"]) == (
        idea.pk,
        idea.title,
        idea.status,
    )
    assert body["data_requests"][0]["category_code"] == "blood_pressure"
    assert "나의 혈압 데이터를 기부하는 데 동의합니다" in body["data_requests"][0]["consent_text"]


def test_staff_edit_a_pilot_and_the_change_is_audited(api, staff_user, idea, company):
    pilot = PilotFactory(idea=idea, companies=[company], venue="북구 보건소")

    response = api(staff_user).patch(f"/api/v1/pilots/{pilot.pk}/", {"venue": "중외공원 건강측정소"})

    assert response.status_code == 200, response.json()
    assert response.json()["venue"] == "중외공원 건강측정소"
    audit = AuditEntry.objects.get(action="pilot_edit", target_id=pilot.pk)
    assert (audit.before["venue"], audit.after["venue"]) == ("북구 보건소", "중외공원 건강측정소")


def test_edit_names_a_bad_field(api, staff_user, idea, company):
    pilot = PilotFactory(idea=idea, companies=[company])

    response = api(staff_user).patch(f"/api/v1/pilots/{pilot.pk}/", {"title": "", "district": "moon"})

    assert set(response.json()["error"]["fields"]) == {"title", "district"}


@pytest.mark.parametrize("stage", [PilotStage.COMPLETED, PilotStage.CANCELLED])
def test_a_closed_pilot_cannot_be_edited(api, staff_user, idea, company, stage):
    pilot = PilotFactory(idea=idea, companies=[company], stage=stage, cancellation_reason="예산 부족")

    response = api(staff_user).patch(f"/api/v1/pilots/{pilot.pk}/", {"venue": "다른 곳"})

    assert response.status_code == 409
    assert Pilot.objects.get(pk=pilot.pk).venue == "북구 보건소"
