"""The whole journey from a citizen's idea to a completed pilot, through the API, with a real
Celery worker, Redis, the real model and PostgreSQL + pgvector."""

import pytest

from accounts.models import Notification
from config import celery_app
from matching.models import Embedding
from pilots.models import PilotConsent
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory
from tests.matching.conftest import COMPANIES
from tests.matching.worker import Worker, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TIMEOUT = 120


def test_from_idea_to_completed_pilot(api, alice, bob, carol, staff_user, tmp_path):
    celery_app.control.purge()
    worker = Worker(tmp_path).start()
    try:
        care = CompanyFactory(**COMPANIES["care"])
        for key in ("traffic", "farm", "flood"):
            CompanyFactory(**COMPANIES[key])
        care.memberships.create(user=carol, role="owner")
        celery_app.send_task("matching.tasks.matching_sweep")
        wait_until(
            lambda: Embedding.objects.filter(company__isnull=False).count() == 4, TIMEOUT, message="profiles"
        )

        # A citizen submits; staff publish; the matcher suggests.
        idea_id = (
            api(alice)
            .post(
                "/api/v1/ideas/",
                {
                    "title": "혼자 사시는 어머니가 약을 자꾸 잊으세요",
                    "problem": "어머니가 혈압약을 드셨는지 기억을 못 하셔서 매일 전화로 확인해요.",
                    "proposal": "약 드실 시간을 알려 주고, "
                    "안 드시면 가족에게 알려 주는 기계가 있으면 좋겠어요.",
                    "category": "elderly_care",
                    "district": "seo_gu",
                },
            )
            .json()["id"]
        )
        follower = UserFactory(username="follower")
        assert api(staff_user).post(f"/api/v1/ideas/{idea_id}/publish/").status_code == 200
        api(follower).post(f"/api/v1/ideas/{idea_id}/follow/")

        def care_match():
            rows = api(carol).get(f"/api/v1/companies/{care.slug}/matches/").json()["results"]
            return next((row for row in rows if row["idea"]["id"] == idea_id), None)

        match = wait_until(care_match, TIMEOUT, message="the company's match")
        assert (
            api().get(f"/api/v1/ideas/{idea_id}/matches/").json()["results"][0]["company"]["slug"]
            == care.slug
        )

        # The company expresses interest with a pilot proposal.
        interest = api(carol).post(
            f"/api/v1/matches/{match['id']}/feedback/",
            {
                "status": "interested",
                "proposal_plan": "서구 어르신 20가구에 복약 디스펜서 설치",
                "proposal_data_needed": "복약 시각 기록",
                "proposal_duration_weeks": 8,
            },
        )
        assert interest.status_code == 200, interest.content
        assert Notification.objects.filter(user=alice, kind="new_interest").exists()
        interests = api().get(f"/api/v1/ideas/{idea_id}/interests/").json()["results"]
        assert [row["company"]["slug"] for row in interests] == [care.slug]
        assert interests[0]["proposal"] is None  # the proposal is for the author and staff

        # Staff create a pilot and open recruiting with a data request.
        pilot = api(staff_user).post(
            "/api/v1/pilots/",
            {
                "idea": idea_id,
                "companies": [care.slug],
                "title": "서구 복약 알림 실증",
                "description": "8주 동안 복약 디스펜서로 복약률을 봅니다.",
                "district": "seo_gu",
                "venue": "서구 보건소",
            },
        )
        assert pilot.status_code == 201, pilot.content
        pilot_id = pilot.json()["id"]
        # Planned, the pilot is not public yet, and neither is the idea's being piloted.
        assert api().get(f"/api/v1/ideas/{idea_id}/").json()["status"] != "in_pilot"
        request = (
            api(staff_user)
            .post(
                f"/api/v1/pilots/{pilot_id}/data-requests/",
                {
                    "category_code": "medication_times",
                    "category_label": "복약 시각",
                    "purpose": "복약률 측정",
                    "recipient": care.name,
                    "retention_days": 90,
                },
            )
            .json()
        )
        assert (
            api(staff_user).post(f"/api/v1/pilots/{pilot_id}/stage/", {"stage": "recruiting"}).status_code
            == 200
        )
        assert api().get(f"/api/v1/ideas/{idea_id}/").json()["status"] == "in_pilot"

        # A citizen volunteers and consents.
        assert api(bob).post(
            f"/api/v1/pilots/{pilot_id}/volunteer/", {"share_identity": False}
        ).status_code in (200, 201)
        consent = api(bob).post(
            f"/api/v1/pilots/{pilot_id}/data-requests/{request['id']}/consent/", {"agree": True}
        )
        assert consent.status_code in (200, 201), consent.content
        donations = api(carol).get(f"/api/v1/pilots/{pilot_id}/donations/").json()
        assert donations["categories"][0]["consents_count"] == 1
        assert donations["identified_volunteers"] == []  # bob did not share his identity

        # A public update notifies the idea's followers.
        api(staff_user).post(f"/api/v1/pilots/{pilot_id}/stage/", {"stage": "running"})
        api(staff_user).post(f"/api/v1/pilots/{pilot_id}/updates/", {"body": "첫 주 복약률 92%입니다."})
        assert Notification.objects.filter(user=follower, kind="pilot_update").exists()

        # The volunteer withdraws consent; the record stays, marked withdrawn.
        assert api(bob).delete(
            f"/api/v1/pilots/{pilot_id}/data-requests/{request['id']}/consent/"
        ).status_code in (200, 204)
        record = PilotConsent.objects.get(volunteer__user=bob)
        assert record.withdrawn_at is not None and "복약 시각" in record.consent_text

        # Staff complete the pilot.
        for stage in ("evaluating", "completed"):
            assert (
                api(staff_user).post(f"/api/v1/pilots/{pilot_id}/stage/", {"stage": stage}).status_code == 200
            )
        assert api().get(f"/api/v1/ideas/{idea_id}/").json()["status"] == "completed"
        assert api().get(f"/api/v1/pilots/{pilot_id}/").json()["stage"] == "completed"
    finally:
        worker.stop()
        celery_app.control.purge()
