"""Volunteering and data donation consent: kept with the exact text, withdrawn on the record,
and companies never learn who donated unless the volunteer chose to tell them."""

import json

import pytest

from accounts.models import AuditEntry
from pilots.models import PilotConsent, PilotDataRequest, PilotStage, PilotVolunteer
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
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
    return PilotFactory(
        idea=idea, companies=[company], stage=PilotStage.RECRUITING, title="북구 복약 알림 실증"
    )


@pytest.fixture
def blood_pressure(pilot):
    return data_request(pilot)


@pytest.fixture
def everyone(personas, pilot, other_company):
    return pilot_personas(personas, pilot)


def _consent_url(pilot, request):
    return f"/api/v1/pilots/{pilot.pk}/data-requests/{request.pk}/consent/"


# --- Data requests --------------------------------------------------------------------------


def test_staff_ask_for_a_category_and_the_consent_text_is_written_from_it(api, staff_user, pilot):
    response = api(staff_user).post(
        f"/api/v1/pilots/{pilot.pk}/data-requests/",
        {
            "category_code": "home_electricity",
            "category_label": "가정 전력 사용량",
            "purpose": "Find where electricity is wasted.",
            "recipient": "광주에너지랩",
            "retention_days": 180,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 201
    # Written in both languages whatever language staff use; the English frame holds the parts
    # staff wrote in Korean only as they are, with no note inside the text people agree to.
    body = response.json()
    english = (
        "I agree to donate the following data to the pilot “북구 복약 알림 실증”: "
        "가정 전력 사용량. "
        "Purpose: Find where "
        "electricity is wasted. Recipient: 광주에너지랩. It is kept for 180 days and then deleted. "
        "I can withdraw this consent at any time."
    )
    assert body["consent_text"] == english and body["consent_text_language"] == "en"
    data_request = PilotDataRequest.objects.get(pilot=pilot)
    assert data_request.consent_text_en == english
    assert data_request.consent_text.startswith("“북구 복약 알림 실증” 실증 사업에 나의 가정 전력 사용량")
    audited = AuditEntry.objects.get(action="pilot_data_request_add").after
    assert audited["consent_text"] == data_request.consent_text
    assert audited["consent_text_en"] == english


def test_consent_text_is_written_in_korean_by_default(api, staff_user, pilot):
    response = api(staff_user).post(
        f"/api/v1/pilots/{pilot.pk}/data-requests/",
        {
            "category_code": "heart_rate",
            "category_label": "심박수",
            "purpose": "운동 전후 심박 변화를 보기 위해",
            "recipient": "광주헬스랩",
            "retention_days": 30,
        },
    )

    assert response.json()["consent_text"] == (
        "“북구 복약 알림 실증” 실증 사업에 나의 심박수 데이터를 기부하는 데 동의합니다. "
        "이용 목적: 운동 전후 심박 변화를 보기 위해. 제공받는 자: 광주헬스랩. "
        "이 데이터는 30일 동안 보관된 후 삭제됩니다. 이 동의는 언제든지 철회할 수 있습니다."
    )


def test_data_request_fields_are_named(api, staff_user, pilot, blood_pressure):
    client = api(staff_user)

    invalid = client.post(
        f"/api/v1/pilots/{pilot.pk}/data-requests/",
        {
            "category_code": "혈 압",
            "category_label": "",
            "purpose": "",
            "recipient": "",
            "retention_days": 0,
        },
    )
    duplicate = client.post(
        f"/api/v1/pilots/{pilot.pk}/data-requests/",
        {
            "category_code": "blood_pressure",
            "category_label": "혈압",
            "purpose": "다시",
            "recipient": "시청",
            "retention_days": 30,
        },
    )

    assert set(invalid.json()["error"]["fields"]) == {
        "category_code",
        "category_label",
        "purpose",
        "recipient",
        "retention_days",
    }
    assert list(duplicate.json()["error"]["fields"]) == ["category_code"]
    assert PilotDataRequest.objects.count() == 1


# --- Volunteering ---------------------------------------------------------------------------


def test_a_citizen_volunteers_once_and_can_leave(api, bob, pilot):
    client = api(bob)

    joined = client.post(f"/api/v1/pilots/{pilot.pk}/volunteer/", {})
    again = client.post(f"/api/v1/pilots/{pilot.pk}/volunteer/", {})
    left = client.delete(f"/api/v1/pilots/{pilot.pk}/volunteer/")

    assert joined.status_code == 201
    assert (joined.json()["share_identity"], joined.json()["is_active"]) == (False, True)
    assert again.status_code == 409
    assert left.status_code == 200
    assert left.json()["is_active"] is False
    volunteer = PilotVolunteer.objects.get(pilot=pilot, user=bob)
    assert volunteer.left_at is not None
    assert api().get(f"/api/v1/pilots/{pilot.pk}/").json()["volunteers_count"] == 0


def test_coming_back_reuses_the_volunteer_and_keeps_the_consent_history(api, bob, pilot, blood_pressure):
    client = api(bob)
    client.post(f"/api/v1/pilots/{pilot.pk}/volunteer/", {})
    client.post(_consent_url(pilot, blood_pressure), {"agree": True})
    client.delete(f"/api/v1/pilots/{pilot.pk}/volunteer/")

    back = client.post(f"/api/v1/pilots/{pilot.pk}/volunteer/", {"share_identity": True})

    assert back.status_code == 201
    assert back.json()["share_identity"] is True
    assert PilotVolunteer.objects.filter(pilot=pilot, user=bob).count() == 1
    [consent] = back.json()["consents"]
    assert consent["withdrawn_at"] is not None


@pytest.mark.parametrize("stage", [PilotStage.RUNNING, PilotStage.COMPLETED, PilotStage.CANCELLED])
def test_volunteers_join_only_while_the_pilot_recruits(api, bob, idea, company, stage):
    pilot = PilotFactory(idea=idea, companies=[company], stage=stage, cancellation_reason="사정")

    response = api(bob).post(f"/api/v1/pilots/{pilot.pk}/volunteer/", {})

    assert response.status_code == 409
    assert not PilotVolunteer.objects.exists()


# --- Consent --------------------------------------------------------------------------------


def test_consent_is_recorded_with_the_exact_text_and_time(api, bob, pilot, blood_pressure):
    VolunteerFactory(pilot=pilot, user=bob)

    response = api(bob).post(_consent_url(pilot, blood_pressure), {"agree": True})

    assert response.status_code == 201
    consent = PilotConsent.objects.get()
    assert consent.consent_text == blood_pressure.consent_text
    assert consent.given_at is not None and consent.withdrawn_at is None
    assert response.json()["consent_text"] == blood_pressure.consent_text
    assert response.json()["category_code"] == "blood_pressure"


def test_the_text_agreed_to_stays_even_if_the_request_text_changes(api, bob, pilot, blood_pressure):
    VolunteerFactory(pilot=pilot, user=bob)
    api(bob).post(_consent_url(pilot, blood_pressure), {"agree": True})

    PilotDataRequest.objects.filter(pk=blood_pressure.pk).update(consent_text="다른 문구")

    assert PilotConsent.objects.get().consent_text == blood_pressure.consent_text


@pytest.mark.parametrize("payload", [{}, {"agree": False}])
def test_consent_is_never_implied(api, bob, pilot, blood_pressure, payload):
    VolunteerFactory(pilot=pilot, user=bob)

    response = api(bob).post(_consent_url(pilot, blood_pressure), payload)

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["agree"]
    assert not PilotConsent.objects.exists()


def test_withdrawal_is_recorded_and_consenting_again_makes_a_new_record(api, bob, pilot, blood_pressure):
    VolunteerFactory(pilot=pilot, user=bob)
    client = api(bob)

    client.post(_consent_url(pilot, blood_pressure), {"agree": True})
    twice = client.post(_consent_url(pilot, blood_pressure), {"agree": True})
    withdrawn = client.delete(_consent_url(pilot, blood_pressure))
    again = client.post(_consent_url(pilot, blood_pressure), {"agree": True})
    history = client.get(f"/api/v1/pilots/{pilot.pk}/volunteer/").json()["consents"]

    assert twice.status_code == 409
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_at"] is not None
    assert again.status_code == 201
    first, second = PilotConsent.objects.order_by("id")
    assert first.withdrawn_at is not None and second.withdrawn_at is None
    assert first.consent_text == second.consent_text == blood_pressure.consent_text
    assert [(c["id"], c["is_active"]) for c in history] == [(first.pk, False), (second.pk, True)]


def test_withdrawing_what_was_not_given_is_not_found(api, bob, pilot, blood_pressure):
    VolunteerFactory(pilot=pilot, user=bob)

    response = api(bob).delete(_consent_url(pilot, blood_pressure))

    assert response.status_code == 404


def test_leaving_withdraws_every_consent_but_keeps_the_records(api, bob, pilot, blood_pressure):
    heart_rate = data_request(pilot, code="heart_rate", label="심박수")
    VolunteerFactory(pilot=pilot, user=bob)
    client = api(bob)
    client.post(_consent_url(pilot, blood_pressure), {"agree": True})
    client.post(_consent_url(pilot, heart_rate), {"agree": True})

    client.delete(f"/api/v1/pilots/{pilot.pk}/volunteer/")

    assert PilotConsent.objects.count() == 2
    assert not PilotConsent.objects.filter(withdrawn_at__isnull=True).exists()
    assert client.post(_consent_url(pilot, blood_pressure), {"agree": True}).status_code == 404


@pytest.mark.parametrize("stage", [PilotStage.EVALUATING, PilotStage.COMPLETED, PilotStage.CANCELLED])
def test_consent_is_given_only_while_data_is_collected_but_withdrawn_any_time(
    api, bob, pilot, blood_pressure, stage
):
    VolunteerFactory(pilot=pilot, user=bob)
    client = api(bob)
    client.post(_consent_url(pilot, blood_pressure), {"agree": True})
    pilot.stage, pilot.cancellation_reason = stage, "사정"
    pilot.save()

    withdrawn = client.delete(_consent_url(pilot, blood_pressure))
    given = client.post(_consent_url(pilot, blood_pressure), {"agree": True})

    assert withdrawn.status_code == 200
    assert given.status_code == 409
    assert PilotConsent.objects.filter(withdrawn_at__isnull=True).count() == 0


def test_consent_rows_cannot_be_deleted_by_deleting_the_volunteer(bob, pilot, blood_pressure):
    from django.db.models import ProtectedError

    volunteer = VolunteerFactory(pilot=pilot, user=bob)
    PilotConsent.objects.create(volunteer=volunteer, data_request=blood_pressure, consent_text="동의")

    with pytest.raises(ProtectedError):
        volunteer.delete()


# --- What companies and staff see -----------------------------------------------------------


@pytest.fixture
def donors(api, pilot, blood_pressure):
    heart_rate = data_request(pilot, code="heart_rate", label="심박수")
    hidden = UserFactory(username="hidden-donor", display_name="숨은기부자", email="hidden@example.org")
    known = UserFactory(username="known-donor", display_name="공개기부자", email="known@example.org")
    VolunteerFactory(pilot=pilot, user=hidden, share_identity=False)
    VolunteerFactory(pilot=pilot, user=known, share_identity=True)
    for user, requests in ((hidden, [blood_pressure, heart_rate]), (known, [blood_pressure])):
        for request in requests:
            api(user).post(_consent_url(pilot, request), {"agree": True})
    return {"hidden": hidden, "known": known}


def test_companies_see_counts_and_only_the_identities_shared(api, carol, pilot, donors):
    response = api(carol).get(f"/api/v1/pilots/{pilot.pk}/donations/")

    assert response.status_code == 200
    body = response.json()
    assert body["volunteers_count"] == 2
    assert [(c["category_code"], c["consents_count"]) for c in body["categories"]] == [
        ("blood_pressure", 2),
        ("heart_rate", 1),
    ]
    assert body["identified_volunteers"] == [
        {"name": "공개기부자", "email": "known@example.org", "categories": ["blood_pressure"]}
    ]
    raw = json.dumps(body, ensure_ascii=False)
    assert "hidden" not in raw and "숨은기부자" not in raw


def test_a_volunteer_may_decide_later_to_be_known(api, carol, pilot, donors):
    api(donors["hidden"]).patch(f"/api/v1/pilots/{pilot.pk}/volunteer/", {"share_identity": True})

    body = api(carol).get(f"/api/v1/pilots/{pilot.pk}/donations/").json()

    names = [volunteer["name"] for volunteer in body["identified_volunteers"]]

    assert sorted(names) == ["공개기부자", "숨은기부자"]


def test_changing_the_choice_needs_the_choice(api, pilot, donors):
    response = api(donors["hidden"]).patch(f"/api/v1/pilots/{pilot.pk}/volunteer/", {})

    assert list(response.json()["error"]["fields"]) == ["share_identity"]
    assert not PilotVolunteer.objects.get(user=donors["hidden"]).share_identity


def test_withdrawn_consents_leave_the_counts_and_the_identities(api, carol, pilot, blood_pressure, donors):
    api(donors["known"]).delete(_consent_url(pilot, blood_pressure))

    body = api(carol).get(f"/api/v1/pilots/{pilot.pk}/donations/").json()

    assert body["categories"][0]["consents_count"] == 1
    # Known "with the data I donate": donating nothing any more, they are no longer shown.
    assert body["identified_volunteers"] == []


def test_staff_see_every_volunteer_and_every_consent(
    api, staff_user, pilot, blood_pressure, donors, django_assert_num_queries
):
    api(donors["known"]).delete(_consent_url(pilot, blood_pressure))

    # the pilot, count, page with users, consents with their requests
    with django_assert_num_queries(4):
        response = api(staff_user).get(f"/api/v1/pilots/{pilot.pk}/volunteers/")

    rows = {row["user"]["name"]: row for row in response.json()["results"]}
    assert set(rows) == {"숨은기부자", "공개기부자"}
    assert rows["숨은기부자"]["email"] == "hidden@example.org"
    assert [c["category_code"] for c in rows["숨은기부자"]["consents"]] == ["blood_pressure", "heart_rate"]
    [withdrawn] = rows["공개기부자"]["consents"]
    assert withdrawn["withdrawn_at"] is not None and withdrawn["consent_text"] == blood_pressure.consent_text


# --- Permission matrices --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 403),
        ("author", 201),
        ("other_citizen", 201),
        ("company_member", 201),
        ("other_company_member", 201),
        ("staff", 201),
        ("volunteer", 409),
    ],
)
def test_join_permission_matrix(everyone, pilot, persona, expected):
    response = client_for(everyone[persona]).post(f"/api/v1/pilots/{pilot.pk}/volunteer/", {})

    assert response.status_code == expected
    if persona != "anonymous":
        assert PilotVolunteer.objects.filter(pilot=pilot, user=everyone[persona]).count() == 1


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_my_volunteering_is_mine_only(everyone, pilot, persona, method):
    response = getattr(client_for(everyone[persona]), method)(
        f"/api/v1/pilots/{pilot.pk}/volunteer/", {"share_identity": True}
    )

    expected = {"anonymous": 403, "volunteer": 200}.get(persona, 404)
    assert response.status_code == expected
    volunteer = PilotVolunteer.objects.get(pilot=pilot)
    assert volunteer.share_identity == (persona == "volunteer" and method == "patch")
    assert volunteer.is_active == (persona != "volunteer" or method != "delete")


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_only_the_volunteer_consents_and_withdraws(everyone, pilot, blood_pressure, persona):
    client = client_for(everyone[persona])

    given = client.post(_consent_url(pilot, blood_pressure), {"agree": True})
    withdrawn = client.delete(_consent_url(pilot, blood_pressure))

    if persona == "volunteer":
        assert (given.status_code, withdrawn.status_code) == (201, 200)
        assert PilotConsent.objects.get().withdrawn_at is not None
    else:
        expected = 403 if persona == "anonymous" else 404
        assert (given.status_code, withdrawn.status_code) == (expected, expected)
        assert not PilotConsent.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 403),
        ("author", 403),
        ("other_citizen", 403),
        ("company_member", 200),
        ("other_company_member", 403),
        ("staff", 200),
        ("volunteer", 403),
    ],
)
def test_donations_permission_matrix(everyone, pilot, blood_pressure, persona, expected):
    response = client_for(everyone[persona]).get(f"/api/v1/pilots/{pilot.pk}/donations/")

    assert response.status_code == expected
    if expected == 200:
        assert response.json()["volunteers_count"] == 1


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_nothing_of_a_pilot_in_planning_is_reachable_but_for_staff(everyone, pilot, blood_pressure, persona):
    pilot.stage = PilotStage.PLANNING
    pilot.went_public_at = None
    pilot.save()
    client = client_for(everyone[persona])

    responses = [
        client.get(f"/api/v1/pilots/{pilot.pk}/donations/"),
        client.post(f"/api/v1/pilots/{pilot.pk}/volunteer/", {}),
        client.post(_consent_url(pilot, blood_pressure), {"agree": True}),
    ]

    if persona == "anonymous":
        assert [r.status_code for r in responses] == [403, 403, 403]
    elif persona == "staff":
        assert responses[0].status_code == 200
    else:
        assert [r.status_code for r in responses] == [404, 404, 404]
