"""GET /api/v1/me/data/: everything the product holds about me, and nothing about anyone else."""

import json

import pytest

from accounts.models import Notification, NotificationKind, NotificationPreference, User
from ideas.models import Follow, Idea, IdeaStatus, Report, Support
from pilots.models import PilotFollow, PilotStage
from tests.accounts.factories import UserFactory
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
    # one query per section, related rows joined in (the donation sections included)
    with django_assert_num_queries(16):
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


@pytest.mark.parametrize(
    "change",
    [{"is_hidden": True}, {"status": IdeaStatus.REJECTED, "rejection_reason": "중복"}],
    ids=["hidden", "unpublished"],
)
def test_an_idea_i_may_no_longer_see_is_named_by_its_id_alone(api, bob, idea, change):
    CommentFactory(idea=idea, author=bob, body="저도 같은 불편을 겪어요.")
    Support.objects.create(idea=idea, user=bob)
    Follow.objects.create(idea=idea, user=bob)
    # Their own idea, hidden too, they still see: it keeps its title.
    own = IdeaFactory(author=bob, title="제가 올린 아이디어", is_hidden=True)
    Follow.objects.create(idea=own, user=bob)
    Idea.objects.filter(pk=idea.pk).update(title="숨긴 뒤 바뀐 제목", **change)
    assert api(bob).get(f"/api/v1/ideas/{idea.pk}/").status_code == 404

    response = api(bob).get("/api/v1/me/data/")

    data = response.json()
    assert [(s["idea"], s["idea_title"]) for s in data["supports"]] == [(idea.pk, None)]
    assert [(f["idea"], f["idea_title"]) for f in data["follows"]] == [
        (idea.pk, None),
        (own.pk, "제가 올린 아이디어"),
    ]
    assert all(row["created_at"] for row in data["supports"] + data["follows"])
    # What they wrote stays theirs, by the idea's id.
    assert [(c["idea"], c["body"]) for c in data["comments"]] == [(idea.pk, "저도 같은 불편을 겪어요.")]
    assert "숨긴 뒤 바뀐 제목" not in response.content.decode()


def test_a_pilot_i_may_no_longer_see_is_named_by_its_id_alone(api, idea, company):
    former_staff = UserFactory(username="former-staff", is_staff=True)
    planned = PilotFactory(idea=idea, companies=[company], stage=PilotStage.PLANNING, title="기획 중인 실증")
    PilotFollow.objects.create(pilot=planned, user=former_staff)
    User.objects.filter(pk=former_staff.pk).update(is_staff=False)
    former_staff.refresh_from_db()

    follows = api(former_staff).get("/api/v1/me/data/").json()["pilot_follows"]

    assert [(f["pilot"], f["pilot_title"], f["pilot_title_en"]) for f in follows] == [
        (planned.pk, None, None)
    ]


# --- Donations: what I gave, with its values, who read it, my results, deletions ------------


@pytest.fixture
def bobs_donations(bob, alice, company, carol, pilot, bobs_life):
    from donations import services as donation_services
    from donations.models import (
        DataRead,
        DataReadDonor,
        DeletionReason,
        DonationDeletion,
        DonationResult,
        DonationSource,
        ResultLevel,
    )

    blood_pressure = bobs_life["blood_pressure"]
    bob_volunteer = bob.volunteering.get()
    alice_volunteer = alice.volunteering.get()

    def give(volunteer, *values):
        return donation_services.donation_store(
            volunteer=volunteer,
            data_request=blood_pressure,
            readings=[donation_services.ReadingInput(values={"systolic": v}) for v in values],
            source=DonationSource.UPLOAD,
        )

    donation = give(bob_volunteer, 131, 142)
    give(alice_volunteer, 199)
    read = DataRead.objects.create(pilot=pilot, company=company, user=carol, rows=3)
    DataReadDonor.objects.create(read=read, volunteer=bob_volunteer, data_request=blood_pressure, rows=2)
    DataReadDonor.objects.create(read=read, volunteer=alice_volunteer, data_request=blood_pressure, rows=1)
    DonationResult.objects.create(
        pilot=pilot,
        company=company,
        volunteer=bob_volunteer,
        donation=donation,
        text="밥의 혈압은 조금 높습니다.",
        value=142,
        unit="mmHg",
        level=ResultLevel.WATCH,
    )
    DonationResult.objects.create(
        pilot=pilot,
        company=company,
        volunteer=alice_volunteer,
        text="앨리스의 결과",
        level=ResultLevel.NORMAL,
    )
    DonationDeletion.objects.create(
        volunteer=bob_volunteer,
        data_request=bobs_life["heart_rate"],
        reason=DeletionReason.WITHDRAWAL,
        donations=1,
        readings=4,
    )
    return donation


def test_my_data_holds_my_donations_with_values_reads_results_and_deletions(
    api, bob, company, pilot, bobs_donations
):
    data = api(bob).get("/api/v1/me/data/").json()

    (donation,) = data["donations"]
    assert (donation["id"], donation["pilot"], donation["category_code"], donation["source"]) == (
        bobs_donations.pk,
        pilot.pk,
        "blood_pressure",
        "upload",
    )
    assert [r["values"] for r in donation["readings"]] == [{"systolic": 131.0}, {"systolic": 142.0}]
    assert donation["delete_after"]
    assert [(r["company"], r["rows"], r["category_code"]) for r in data["donation_reads"]] == [
        (company.name, 2, "blood_pressure")
    ]
    (result,) = data["donation_results"]
    assert (result["text"], result["level"], result["unit"], result["donation"]) == (
        "밥의 혈압은 조금 높습니다.",
        "watch",
        "mmHg",
        bobs_donations.pk,
    )
    assert float(result["value"]) == 142
    assert data["donation_deletions"] == [
        {
            "pilot": pilot.pk,
            "category_code": "heart_rate",
            "reason": "withdrawal",
            "donations": 1,
            "readings": 4,
            "deleted_at": data["donation_deletions"][0]["deleted_at"],
        }
    ]


def test_my_data_holds_nothing_of_anyone_elses_donations(api, bob, bobs_donations):
    response = api(bob).get("/api/v1/me/data/")
    data = response.json()

    assert "앨리스의 결과" not in response.content.decode()
    # Alice gave 199 to the same request and has her own result; timestamps may hold "199" too,
    # so the values are compared where they live rather than searched for in the raw text
    readings = [r["values"] for d in data["donations"] for r in d["readings"]]
    assert {"systolic": 199.0} not in readings
    assert [d["id"] for d in data["donations"]] == [bobs_donations.pk]
    assert [r["text"] for r in data["donation_results"]] == ["밥의 혈압은 조금 높습니다."]
    assert [r["rows"] for r in data["donation_reads"]] == [2]


def test_my_data_query_count_does_not_grow_with_my_donations(
    api, bob, bobs_donations, django_assert_num_queries
):
    # the sections above, and the readings of my donations
    with django_assert_num_queries(17):
        api(bob).get("/api/v1/me/data/")


def test_my_data_gives_the_pilots_title_in_korean_and_in_english(api, bob, pilot, bobs_life):
    pilot.title_en = "Blood pressure in the park"
    pilot.save(update_fields=["title_en"])
    other = PilotFactory(title="복약 알림 실증")
    PilotFollow.objects.create(pilot=other, user=bob)

    # Read in English, the download still holds both titles as written.
    data = api(bob).get("/api/v1/me/data/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert [(v["pilot_title"], v["pilot_title_en"]) for v in data["volunteering"]] == [
        (pilot.title, "Blood pressure in the park")
    ]
    assert {(f["pilot_title"], f["pilot_title_en"]) for f in data["pilot_follows"]} == {
        (pilot.title, "Blood pressure in the park"),
        ("복약 알림 실증", ""),
    }
