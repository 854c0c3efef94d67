"""The data request API: anyone who sees a pilot reads its requests, current and replaced; only
staff change one, in place until anyone consented, then as a new request.

Personas as in tests/pilots/factories.py; dave's company (other_company) runs another pilot.
"""

import pytest

from donations import services
from pilots.models import PilotConsent, PilotDataRequest, PilotStage
from tests.conftest import client_for
from tests.pilots.factories import PILOT_PERSONAS, PilotFactory, pilot_personas

from .factories import BLOOD_PRESSURE_FIELDS, blood_pressure_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(idea, company):
    return PilotFactory(idea=idea, companies=[company], stage=PilotStage.RECRUITING)


@pytest.fixture
def other_pilot(other_company):
    return PilotFactory(companies=[other_company], stage=PilotStage.RUNNING)


@pytest.fixture
def everyone(personas, pilot, other_pilot):
    return pilot_personas(personas, pilot)


@pytest.fixture
def data_request(pilot):
    return blood_pressure_request(pilot)


def url(data_request) -> str:
    return f"/api/v1/pilots/{data_request.pilot_id}/data-requests/{data_request.pk}/"


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_everyone_reads_the_requests_current_first_then_replaced(everyone, pilot, data_request, persona):
    services.consent_give(volunteer=pilot.volunteers.get(), data_request=data_request)
    new = services.data_request_change(data_request=data_request, by=everyone["staff"], retention_days=60)
    client = client_for(everyone[persona])

    listed = client.get(f"/api/v1/pilots/{pilot.pk}/data-requests/")
    old = client.get(url(data_request))

    assert listed.status_code == 200
    assert [(r["id"], r["is_current"], r["replaced_by"]) for r in listed.json()] == [
        (new.pk, True, None),
        (data_request.pk, False, new.pk),
    ]
    assert [f["code"] for f in listed.json()[0]["fields"]] == ["systolic", "diastolic", "pulse"]
    assert old.status_code == 200 and old.json()["retention_days"] == 30


def test_the_list_reads_a_fixed_number_of_queries(api, pilot, company, django_assert_num_queries):
    for code in ("blood_pressure", "pulse", "steps"):
        blood_pressure_request(pilot, code=code)

    with django_assert_num_queries(3):  # the pilot, the requests, their companies
        response = api().get(f"/api/v1/pilots/{pilot.pk}/data-requests/")

    assert len(response.json()) == 3


def test_a_pilot_in_planning_hides_its_requests_from_all_but_staff(everyone, pilot, data_request):
    PilotFactory._meta.model.objects.filter(pk=pilot.pk).update(
        stage=PilotStage.PLANNING, went_public_at=None
    )

    hidden = client_for(everyone["author"]).get(f"/api/v1/pilots/{pilot.pk}/data-requests/")
    shown = client_for(everyone["staff"]).get(f"/api/v1/pilots/{pilot.pk}/data-requests/")

    assert (hidden.status_code, shown.status_code) == (404, 200)


def test_another_pilots_request_is_not_found_under_this_pilot(everyone, pilot, other_pilot):
    other = blood_pressure_request(other_pilot)

    response = client_for(everyone["staff"]).get(f"/api/v1/pilots/{pilot.pk}/data-requests/{other.pk}/")
    changed = client_for(everyone["staff"]).patch(
        f"/api/v1/pilots/{pilot.pk}/data-requests/{other.pk}/", {"retention_days": 9}, format="json"
    )

    assert (response.status_code, changed.status_code) == (404, 404)
    other.refresh_from_db()
    assert other.retention_days == 30


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 403),
        ("author", 403),
        ("other_citizen", 403),
        ("company_member", 403),
        ("other_company_member", 403),
        ("volunteer", 403),
        ("staff", 200),
    ],
)
def test_only_staff_change_a_request(everyone, data_request, persona, expected):
    response = client_for(everyone[persona]).patch(url(data_request), {"retention_days": 90}, format="json")

    assert response.status_code == expected
    data_request.refresh_from_db()
    assert data_request.retention_days == (90 if expected == 200 else 30)
    assert PilotDataRequest.objects.count() == 1


def test_an_unconsented_request_is_changed_under_its_own_id(everyone, data_request):
    response = client_for(everyone["staff"]).patch(
        url(data_request), {"purpose": "혈압 변화를 연구하기 위해"}, format="json"
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["id"], body["is_current"], body["purpose"]) == (
        data_request.pk,
        True,
        "혈압 변화를 연구하기 위해",
    )
    assert "혈압 변화를 연구하기 위해" in body["consent_text"]
    assert PilotDataRequest.objects.count() == 1


def test_a_consented_request_is_replaced_and_the_answer_is_the_new_one(everyone, pilot, data_request):
    consent = services.consent_give(volunteer=pilot.volunteers.get(), data_request=data_request)

    response = client_for(everyone["staff"]).patch(url(data_request), {"retention_days": 90}, format="json")

    body = response.json()
    data_request.refresh_from_db()
    assert response.status_code == 200 and body["id"] != data_request.pk
    assert data_request.replaced_by_id == body["id"]
    assert PilotConsent.objects.get(pk=consent.pk).data_request_id == data_request.pk
    # The old one can no longer be changed, nor consented to.
    again = client_for(everyone["staff"]).patch(url(data_request), {"retention_days": 7}, format="json")
    consent_again = client_for(everyone["author"]).post(f"{url(data_request)}consent/", {"agree": True})
    assert again.status_code == 409
    assert consent_again.status_code in (404, 409)


OTHER_FIELDS = {
    "min above max": [{"code": "pulse", "label": "맥박", "unit": "bpm", "min": 220, "max": 30}],
    "bad field code": [{"code": "Pulse rate", "label": "맥박", "unit": "bpm", "min": 30, "max": 220}],
    "duplicate codes": [BLOOD_PRESSURE_FIELDS[2], BLOOD_PRESSURE_FIELDS[2]],
    "no field": [],
    "escape in a name": [{"code": "sys", "label": "수축기\x1b[31m", "unit": "mmHg", "min": 1, "max": 2}],
    "bell in a unit": [{"code": "sys", "label": "수축기", "unit": "mm\x07Hg", "min": 1, "max": 2}],
    "line break in an english name": [
        {"code": "sys", "label": "수축기", "label_en": "sys\ntolic", "min": 1, "max": 2}
    ],
}


@pytest.mark.parametrize("method", ["post", "patch"])
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        *[({"fields": fields}, "fields") for fields in OTHER_FIELDS.values()],
        ({"category_code": "blood pressure"}, "category_code"),
        ({"recipient_companies": ["no-such-company"]}, "recipient_companies"),
        ({"recipient_companies": ["mudeung-mobility"]}, "recipient_companies"),
        ({"retention_days": 0}, "retention_days"),
        ({"consent_text": "동의합니다\x07\x1b[2J\x0c"}, "consent_text"),
        ({"consent_text": "동의합니다", "consent_text_en": "I agree\x08"}, "consent_text_en"),
    ],
    ids=[
        *OTHER_FIELDS,
        "bad category code",
        "unknown company",
        "another pilot's company",
        "kept 0 days",
        "control characters in the consent text",
        "a control character in the english consent text",
    ],
)
def test_bad_input_is_named_and_stores_nothing(everyone, pilot, data_request, method, changes, field):
    client = client_for(everyone["staff"])
    if method == "post":
        payload = {
            "category_code": "blood_pressure_2",
            "category_label": "혈압",
            "purpose": "다시",
            "retention_days": 30,
            "fields": BLOOD_PRESSURE_FIELDS,
            **changes,
        }
        response = client.post(f"/api/v1/pilots/{pilot.pk}/data-requests/", payload, format="json")
    else:
        response = client.patch(url(data_request), changes, format="json")

    assert response.status_code == 400, response.content
    named = response.json()["error"]["fields"]
    assert any(name == field or name.startswith(f"{field}.") for name in named), named
    assert list(PilotDataRequest.objects.all()) == [data_request]
    data_request.refresh_from_db()
    assert (data_request.retention_days, data_request.category_code) == (30, "blood_pressure")
