"""GET /api/v1/me/data/: everything the product holds about me, and nothing about anyone else."""

import json

import pytest

from accounts.models import Notification, NotificationKind, NotificationPreference
from ideas.models import Follow, Report, Support
from pilots.models import PilotFollow
from tests.conftest import client_for
from tests.ideas.factories import CommentFactory, IdeaFactory
from tests.pilots.factories import (
    PILOT_PERSONAS,
    PilotFactory,
    VolunteerFactory,
    data_request,
    pilot_personas,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(idea, company):
    return PilotFactory(idea=idea, companies=[company])


@pytest.fixture
def bobs_life(api, bob, alice, idea, pilot):
    """bob's traces everywhere, next to alice's, which must never leak into his export."""
    blood_pressure = data_request(pilot)
    heart_rate = data_request(pilot, code="heart_rate", label="심박수")
    bobs_idea = IdeaFactory(author=bob, title="공원 건강측정소가 있었으면 해요")
    CommentFactory(idea=idea, author=bob, body="저도 같은 불편을 겪어요.")
    CommentFactory(idea=idea, author=alice, body="앨리스의 댓글입니다.")
    Support.objects.create(idea=idea, user=bob)
    Follow.objects.create(idea=idea, user=bob)
    Report.objects.create(reporter=bob, idea=bobs_idea, reason="other", details="제 아이디어 중복")
    NotificationPreference.objects.create(user=bob, kind=NotificationKind.PILOT_UPDATE, email=True)
    Notification.objects.create(user=bob, kind=NotificationKind.PILOT_UPDATE, title="밥에게 온 소식")
    Notification.objects.create(user=alice, kind=NotificationKind.NEW_INTEREST, title="앨리스에게 온 소식")
    VolunteerFactory(pilot=pilot, user=bob, share_identity=True)
    VolunteerFactory(pilot=pilot, user=alice)
    PilotFollow.objects.create(pilot=pilot, user=bob)
    PilotFollow.objects.create(pilot=pilot, user=alice)
    client = api(bob)
    client.post(f"/api/v1/pilots/{pilot.pk}/data-requests/{blood_pressure.pk}/consent/", {"agree": True})
    client.post(f"/api/v1/pilots/{pilot.pk}/data-requests/{heart_rate.pk}/consent/", {"agree": True})
    client.delete(f"/api/v1/pilots/{pilot.pk}/data-requests/{heart_rate.pk}/consent/")
    api(alice).post(f"/api/v1/pilots/{pilot.pk}/data-requests/{blood_pressure.pk}/consent/", {"agree": True})
    return {"idea": bobs_idea, "blood_pressure": blood_pressure, "heart_rate": heart_rate}


def test_my_data_holds_my_account_activity_and_consents(api, bob, idea, pilot, bobs_life):
    response = api(bob).get("/api/v1/me/data/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-data.json"'
    data = response.json()
    assert data["account"]["username"] == "bob"
    assert [i["title"] for i in data["ideas"]] == ["공원 건강측정소가 있었으면 해요"]
    assert [c["body"] for c in data["comments"]] == ["저도 같은 불편을 겪어요."]
    assert [s["idea"] for s in data["supports"]] == [idea.pk]
    assert [f["idea"] for f in data["follows"]] == [idea.pk]
    assert [r["details"] for r in data["reports"]] == ["제 아이디어 중복"]
    assert [(v["pilot"], v["share_identity"]) for v in data["volunteering"]] == [(pilot.pk, True)]
    assert [(f["pilot"], f["pilot_title"]) for f in data["pilot_follows"]] == [(pilot.pk, pilot.title)]
    assert [n["title"] for n in data["notifications"]] == ["밥에게 온 소식"]
    assert data["notification_preferences"] == [{"kind": "pilot_update", "in_app": True, "email": True}]
    given, withdrawn = data["consents"]
    assert (given["category_code"], given["consent_text"]) == (
        "blood_pressure",
        bobs_life["blood_pressure"].consent_text,
    )
    assert given["given_at"] and given["withdrawn_at"] is None
    assert (withdrawn["category_code"], withdrawn["consent_text"]) == (
        "heart_rate",
        bobs_life["heart_rate"].consent_text,
    )
    assert withdrawn["withdrawn_at"] is not None


def test_my_data_has_no_password_and_nothing_of_anyone_else(api, bob, alice, bobs_life):
    data = api(bob).get("/api/v1/me/data/").json()

    raw = json.dumps(data, ensure_ascii=False)
    assert "password" not in raw and bob.password not in raw
    assert "앨리스의 댓글" not in raw and "앨리스에게 온 소식" not in raw
    assert {c["id"] for c in data["consents"]}.isdisjoint(
        alice.volunteering.values_list("consents__id", flat=True)
    )


def test_my_data_query_count_does_not_grow_with_my_activity(api, bob, bobs_life, django_assert_num_queries):
    # one query per section, related rows joined in
    with django_assert_num_queries(12):
        api(bob).get("/api/v1/me/data/")


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_everyone_signed_in_downloads_their_own_data_only(personas, pilot, persona):
    everyone = pilot_personas(personas, pilot)

    response = client_for(everyone[persona]).get("/api/v1/me/data/")

    if persona == "anonymous":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert response.json()["account"]["id"] == everyone[persona].pk


def test_my_data_holds_the_company_invitations_i_received(api, bob, carol, company):
    from companies.models import CompanyInvitation, InvitationStatus

    CompanyInvitation.objects.create(company=company, user=bob, invited_by=carol)
    CompanyInvitation.objects.create(
        company=company, user=carol, invited_by=carol, status=InvitationStatus.DECLINED
    )

    document = api(bob).get("/api/v1/me/data/").json()

    assert [(i["company"], i["status"]) for i in document["company_invitations"]] == [
        (company.slug, InvitationStatus.PENDING)
    ]
