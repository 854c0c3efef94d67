"""The station API: a donation point identifies a donor by a one-time code and posts readings.

Every refusal is asserted in Korean (the default) and English, and with the database unchanged.
"""

import datetime

import pytest
import segno
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from accounts.models import User
from donations import services
from donations.authentication import StationRateThrottle
from donations.models import Donation, DonationResult, DonorCode, Reading, ResultLevel, Station, StationVisit
from pilots.models import Pilot, PilotStage
from tests.accounts.factories import UserFactory

from .factories import BLOOD_PRESSURE_FIELDS, NORMAL_READING, donation_pilot
from .stations import register_station, station_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


@pytest.fixture
def registered(setup):
    return register_station(setup.pilot)


@pytest.fixture
def station(registered):
    return station_client(registered.key)


def _open_visit(setup, station) -> dict:
    _donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)
    response = station.post("/api/v1/station/visits/", {"code": code})
    assert response.status_code == 201, response.content
    return response.json()


def _error(response) -> str:
    return response.json()["error"]["message"]


def _nothing_stored():
    return not Donation.objects.exists() and not Reading.objects.exists()


# --- The station and its visits -------------------------------------------------------------


def test_the_station_learns_its_place_pilot_and_what_it_may_take(station, setup):
    response = station.get("/api/v1/station/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "운천저수지 공원 2번 출입구"
    assert body["pilot_title"] == setup.pilot.title and body["is_collecting"] is True
    assert body["data_requests"] == [
        {
            "code": "blood_pressure",
            "label": "혈압과 맥박",
            "label_language": "ko",
            "fields": [{**field, "label_language": "ko"} for field in BLOOD_PRESSURE_FIELDS],
        }
    ]
    # Running: new volunteers are not taken, so the kiosk is given no page to send them to.
    assert body["is_recruiting"] is False and body["pilot_url_qr"] is None
    assert body["pilot_url"] == f"http://127.0.0.1:8000/pilots/{setup.pilot.pk}/"


def test_while_the_pilot_recruits_the_station_gets_its_page_address_as_a_qr_code(station, setup, settings):
    settings.SITE_URL = "https://pilots.gwangju.example/"
    Pilot.objects.filter(pk=setup.pilot.pk).update(stage=PilotStage.RECRUITING)

    body = station.get("/api/v1/station/").json()

    url = f"https://pilots.gwangju.example/pilots/{setup.pilot.pk}/"
    assert body["is_recruiting"] is True and body["is_collecting"] is True
    assert body["pilot_url"] == url
    assert body["pilot_url_qr"] == segno.make(url, error="m", micro=False).svg_data_uri(
        scale=6, dark="#000", light="#fff"
    )


def test_a_code_opens_a_visit_naming_the_donor_only_by_pseudonym(station, setup):
    visit = _open_visit(setup, station)

    assert set(visit) == {"id", "donor_id", "started_at", "closes_at", "categories"}
    assert visit["donor_id"] == setup.volunteer.donor_id
    assert visit["categories"] == [{"code": "blood_pressure", "label": "혈압과 맥박", "label_language": "ko"}]
    assert "erin" not in str(visit)
    stored = StationVisit.objects.get()
    assert stored.volunteer == setup.volunteer and stored.code.used_at is not None
    minutes = (stored.closes_at - stored.started_at).total_seconds() / 60
    assert 9.9 < minutes <= 10


@pytest.mark.parametrize(
    ("language", "message"),
    [("ko", "이미 사용한 코드입니다"), ("en", "This code was already used")],
)
def test_a_reused_code_is_refused(station, setup, language, message):
    _donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)
    station.post("/api/v1/station/visits/", {"code": code})

    again = station.post("/api/v1/station/visits/", {"code": code}, HTTP_ACCEPT_LANGUAGE=language)

    assert again.status_code == 409 and message in _error(again)
    assert StationVisit.objects.count() == 1


@pytest.mark.parametrize(("language", "message"), [("ko", "만료"), ("en", "This code has expired")])
def test_an_expired_code_is_refused(station, setup, language, message):
    donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)
    DonorCode.objects.filter(pk=donor_code.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    response = station.post("/api/v1/station/visits/", {"code": code}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 409 and message in _error(response)
    assert not StationVisit.objects.exists() and DonorCode.objects.get().used_at is None


@pytest.mark.parametrize(
    ("code", "status", "language", "message"),
    [
        ("ZZZ ZZZ", 404, "ko", "이 실증에서 쓰는 코드가 아닙니다"),
        ("ZZZ ZZZ", 404, "en", "This code is not known for this pilot"),
        ("12", 400, "ko", "글자와 숫자 6개"),
        ("12", 400, "en", "A donor code is 6 letters and digits"),
    ],
)
def test_an_unknown_or_malformed_code_is_refused(station, setup, code, status, language, message):
    response = station.post("/api/v1/station/visits/", {"code": code}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == status and message in _error(response)
    assert not StationVisit.objects.exists()


@pytest.mark.parametrize(
    ("code", "language", "message"),
    [
        ("ABC123", "ko", "코드에는 0, 1, I, L, O가 쓰이지 않습니다. 다시 확인해 주세요."),
        ("ABC123", "en", "Codes never use 0, 1, I, L or O. Please check the code again."),
        ("k7p 3qo", "en", "Codes never use 0, 1, I, L or O. Please check the code again."),
        # Not a look-alike of a code's character: the general words.
        ("K7P#3Q", "en", "A donor code is 6 letters and digits, such as K7P 3QX."),
        ("ABC1234", "ko", "기부 코드는 K7P 3QX처럼 글자와 숫자 6개입니다."),
    ],
)
def test_a_code_with_characters_codes_never_use_says_which_they_are(station, setup, code, language, message):
    response = station.post("/api/v1/station/visits/", {"code": code}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert _error(response) == message
    assert response.json()["error"]["fields"] == {"code": [message]}
    assert not StationVisit.objects.exists()


@pytest.mark.parametrize(
    ("refusal", "language", "status", "field_message"),
    [
        ("unknown", "ko", 404, "이 실증의 코드가 아닙니다."),
        ("unknown", "en", 404, "Not known for this pilot."),
        ("malformed", "en", 400, "A donor code is 6 letters and digits, such as K7P 3QX."),
        ("used", "ko", 409, "이미 사용했습니다."),
        ("expired", "en", 409, "Expired."),
    ],
)
def test_every_refused_code_is_an_error_on_the_code_field(
    station, setup, refusal, language, status, field_message
):
    """So the kiosk can mark the box the code was typed in, whatever was wrong with it."""
    donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)
    if refusal == "unknown":
        code = "ZZZ ZZZ"
    elif refusal == "malformed":
        code = "12"
    elif refusal == "used":
        station.post("/api/v1/station/visits/", {"code": code})
    else:
        DonorCode.objects.filter(pk=donor_code.pk).update(expires_at=timezone.now())

    response = station.post("/api/v1/station/visits/", {"code": code}, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == status
    assert response.json()["error"]["fields"] == {"code": [field_message]}


def test_the_device_finds_the_open_visit(station, setup):
    first = _open_visit(setup, station)
    second = _open_visit(setup, station)

    open_visits = station.get("/api/v1/station/visits/?open=true").json()
    every_visit = station.get("/api/v1/station/visits/").json()

    assert [v["id"] for v in open_visits["results"]] == [second["id"]]
    assert open_visits["results"][0]["categories"] == ["blood_pressure"]
    assert open_visits["results"][0]["readings_count"] == 0
    assert [v["id"] for v in every_visit["results"]] == [second["id"], first["id"]]
    assert "donor_id" not in open_visits["results"][0]


# --- Readings -------------------------------------------------------------------------------


def test_a_reading_is_stored_as_a_donation_of_the_visit(station, setup, registered):
    visit = _open_visit(setup, station)

    response = station.post(
        f"/api/v1/station/visits/{visit['id']}/readings/",
        {"category": "blood_pressure", "values": NORMAL_READING},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["category"] == "blood_pressure"
    assert body["values"][0] == {
        "code": "systolic",
        "label": "수축기 혈압",
        "label_language": "ko",
        "unit": "mmHg",
        "value": 118.0,
    }
    donation = Donation.objects.get()
    assert (donation.volunteer, donation.station, donation.visit_id) == (
        setup.volunteer,
        registered.station,
        visit["id"],
    )
    assert donation.source == "station" and donation.readings.get().values == NORMAL_READING
    assert body["donation_id"] == donation.pk


@pytest.mark.parametrize(
    ("body", "language", "message", "field"),
    [
        (
            {"category": "blood_pressure", "values": {**NORMAL_READING, "pulse": 400}},
            "ko",
            "맥박 값은 30~220 bpm 사이여야 합니다. 받은 값은 400입니다. 아무것도 저장하지 않았습니다.",
            "values",
        ),
        (
            {"category": "blood_pressure", "values": {**NORMAL_READING, "pulse": 400}},
            "en",
            "must be between 30 and 220 bpm; it was 400. Nothing was stored.",
            "values",
        ),
        (
            {"category": "blood_pressure", "values": {**NORMAL_READING, "systolic": "high"}},
            "en",
            "must be a number",
            "values",
        ),
        (
            {"category": "blood_pressure", "values": {**NORMAL_READING, "pulse": True}},
            "en",
            "must be a number",
            "values",
        ),
        ({"category": "blood_pressure", "values": {"systolic": 120}}, "en", "is missing", "values"),
        (
            {"category": "blood_pressure", "values": {**NORMAL_READING, "glucose": 90}},
            "en",
            "This data request has no field glucose.",
            "values",
        ),
        (
            {"category": "blood_pressure", "values": {**NORMAL_READING, "glucose": 90}},
            "ko",
            "이 데이터 요청에는 glucose 항목이 없습니다.",
            "values",
        ),
        (
            {"category": "sleep", "values": NORMAL_READING},
            "en",
            "This pilot asks for no data of the category “sleep”",
            "category",
        ),
        (
            {"category": "sleep", "values": NORMAL_READING},
            "ko",
            "“sleep” 분야의 데이터를 요청하지 않습니다",
            "category",
        ),
        ({"values": NORMAL_READING}, "en", "Please correct the fields below.", "category"),
        (
            {"category": "blood_pressure", "values": {}},
            "ko",
            "측정값에는 항목마다 값이 있어야 합니다.",
            "values",
        ),
        (
            {"category": "blood_pressure", "values": NORMAL_READING, "measured_at": "2020-01-01T00:00:00Z"},
            "en",
            "measured before this visit started",
            "measured_at",
        ),
    ],
)
def test_a_bad_reading_is_refused_and_nothing_is_stored(station, setup, body, language, message, field):
    visit = _open_visit(setup, station)

    response = station.post(
        f"/api/v1/station/visits/{visit['id']}/readings/", body, HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 400
    assert message in _error(response) or message in str(response.json()["error"]["fields"])
    assert field in response.json()["error"]["fields"]
    assert _nothing_stored()


@pytest.mark.parametrize(
    ("measured_at", "language", "message"),
    [
        ("0001-01-01T00:00:00", "en", "The time of measurement is before 2000"),
        ("0001-01-01T00:00:00", "ko", "측정 시각이 2000년보다 이전입니다."),
        ("1970-01-01T00:00:00Z", "en", "The time of measurement is before 2000"),
        ("2025-05-01T08:30:00+23:59", "en", "a UTC offset of +23:59"),
        ("2099-01-01T00:00:00-15:00", "ko", "측정 시각의 UTC 시차(-15:00)가 범위를 벗어납니다."),
        ("9999-12-31T23:59:59-12:00", "en", "The time of measurement lies in the future."),
    ],
)
def test_a_reading_dated_before_any_pilot_or_with_an_impossible_offset_is_refused(
    station, setup, measured_at, language, message
):
    visit = _open_visit(setup, station)

    response = station.post(
        f"/api/v1/station/visits/{visit['id']}/readings/",
        {"category": "blood_pressure", "values": NORMAL_READING, "measured_at": measured_at},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 400
    assert message in response.json()["error"]["fields"]["measured_at"][0]
    assert _nothing_stored()


def test_a_reading_in_the_future_is_refused(station, setup):
    visit = _open_visit(setup, station)
    later = (timezone.now() + datetime.timedelta(hours=1)).isoformat()

    response = station.post(
        f"/api/v1/station/visits/{visit['id']}/readings/",
        {"category": "blood_pressure", "values": NORMAL_READING, "measured_at": later},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400 and "future" in _error(response)
    assert _nothing_stored()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ko", "이 실증에 혈압과 맥박 기부 동의가 없어 아무것도 저장하지 않았습니다."),
        ("en", "There is no consent to donate 혈압과 맥박 to this pilot: nothing was stored."),
    ],
)
def test_a_reading_after_the_donor_withdrew_consent_is_refused(station, setup, language, message):
    visit = _open_visit(setup, station)
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)

    response = station.post(
        f"/api/v1/station/visits/{visit['id']}/readings/",
        {"category": "blood_pressure", "values": NORMAL_READING},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert response.status_code == 403 and message in _error(response)
    assert _nothing_stored()


@pytest.mark.parametrize(
    ("language", "message"), [("ko", "방문이 끝났습니다"), ("en", "This visit has closed")]
)
def test_a_reading_for_a_closed_visit_is_refused(station, setup, language, message):
    visit = _open_visit(setup, station)
    closed = station.post(f"/api/v1/station/visits/{visit['id']}/close/")

    response = station.post(
        f"/api/v1/station/visits/{visit['id']}/readings/",
        {"category": "blood_pressure", "values": NORMAL_READING},
        HTTP_ACCEPT_LANGUAGE=language,
    )

    assert closed.status_code == 200 and closed.json()["is_open"] is False
    assert response.status_code == 409 and message in _error(response)
    assert _nothing_stored()


@pytest.mark.parametrize(
    "body", ["{not json", b"\xff\xfe", "[1, 2", '{"category": "blood_pressure", "values": [1, 2]}']
)
def test_a_malformed_body_is_refused(station, setup, body):
    visit = _open_visit(setup, station)

    response = station.post(
        f"/api/v1/station/visits/{visit['id']}/readings/", body, content_type="application/json"
    )
    english = station.post(
        f"/api/v1/station/visits/{visit['id']}/readings/",
        body,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == english.status_code == 400
    assert _error(response) in ("요청 본문을 읽을 수 없습니다.", "아래 항목을 확인해 주세요.")
    assert _error(english) in ("The request body could not be read.", "Please correct the fields below.")
    assert _nothing_stored()


def test_a_reading_while_the_pilot_does_not_collect_is_refused(station, setup):
    visit = _open_visit(setup, station)
    setup.pilot.stage = "evaluating"
    setup.pilot.save(update_fields=["stage"])

    response = station.post(
        f"/api/v1/station/visits/{visit['id']}/readings/",
        {"category": "blood_pressure", "values": NORMAL_READING},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409 and "not collecting data" in _error(response)
    assert _nothing_stored()


# --- Keys: revoked, another pilot's, another station's visit -------------------------------


@pytest.mark.parametrize(
    ("language", "message"), [("ko", "키가 폐기되었습니다"), ("en", "This station's key was revoked")]
)
def test_a_revoked_key_is_refused(station, setup, registered, staff_user, language, message):
    visit = _open_visit(setup, station)
    services.station_revoke(station=registered.station, by=staff_user)

    responses = [
        station.get("/api/v1/station/", HTTP_ACCEPT_LANGUAGE=language),
        station.post(
            f"/api/v1/station/visits/{visit['id']}/readings/",
            {"category": "blood_pressure", "values": NORMAL_READING},
            HTTP_ACCEPT_LANGUAGE=language,
        ),
    ]

    for response in responses:
        assert response.status_code == 401 and message in _error(response)
        assert response["WWW-Authenticate"] == "Station"
    assert _nothing_stored()


@pytest.mark.parametrize(
    ("header", "language", "message"),
    [
        ("Station st_not-a-key-at-all", "ko", "알 수 없는 측정소 키입니다."),
        ("Station st_not-a-key-at-all", "en", "This station key is not known."),
        ("Station two words", "en", "with no space in the key"),
        ("Station", "en", "with no space in the key"),
    ],
)
def test_an_unknown_key_is_refused(setup, header, language, message):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header, HTTP_ACCEPT_LANGUAGE=language)

    response = client.get("/api/v1/station/")

    assert response.status_code == 401 and message in _error(response)


def test_another_pilots_station_can_neither_open_nor_post_to_this_pilots_visits(station, setup, company):
    other = donation_pilot(company=company, volunteer_user=UserFactory(username="frank"))
    other_station = station_client(register_station(other.pilot, name="광주천 산책로").key, "en")
    visit = _open_visit(setup, station)
    _donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)

    opened = other_station.post("/api/v1/station/visits/", {"code": code})
    posted = other_station.post(
        f"/api/v1/station/visits/{visit['id']}/readings/",
        {"category": "blood_pressure", "values": NORMAL_READING},
    )
    shown = other_station.get(f"/api/v1/station/visits/{visit['id']}/")
    closed = other_station.post(f"/api/v1/station/visits/{visit['id']}/close/")

    assert opened.status_code == 404 and "not known for this pilot" in _error(opened)
    assert posted.status_code == shown.status_code == closed.status_code == 404
    assert "This station has no such visit." in _error(posted)
    assert StationVisit.objects.count() == 1 and StationVisit.objects.get().is_open
    assert _nothing_stored()


def test_another_station_of_the_same_pilot_cannot_post_to_this_visit(station, setup):
    neighbour = station_client(register_station(setup.pilot, name="운천저수지 공원 1번 출입구").key, "en")
    visit = _open_visit(setup, station)

    posted = neighbour.post(
        f"/api/v1/station/visits/{visit['id']}/readings/",
        {"category": "blood_pressure", "values": NORMAL_READING},
    )

    assert posted.status_code == 404 and "This station has no such visit." in _error(posted)
    assert _nothing_stored()


# --- The screen: readings and results -------------------------------------------------------


def _visit_with_a_reading(setup, station) -> dict:
    visit = _open_visit(setup, station)
    station.post(
        f"/api/v1/station/visits/{visit['id']}/readings/",
        {"category": "blood_pressure", "values": NORMAL_READING},
    )
    return visit


def _normal_result(setup, company, author, text: str) -> DonationResult:
    """The company's result on the reading: systolic 118 mmHg, normal, in `text`'s words."""
    return DonationResult.objects.create(
        pilot=setup.pilot,
        company=company,
        author=author,
        volunteer=setup.volunteer,
        donation=Donation.objects.get(),
        text=text,
        value=118,
        unit="mmHg",
        level=ResultLevel.NORMAL,
    )


def test_the_screen_shows_the_visits_readings_then_the_companys_result(station, setup, company, carol):
    visit = _visit_with_a_reading(setup, station)
    before = station.get(f"/api/v1/station/visits/{visit['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()
    _normal_result(setup, company, carol, "혈압이 정상 범위입니다.")

    after = station.get(f"/api/v1/station/visits/{visit['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert before["is_open"] is True and len(before["readings"]) == 1 and before["results"] == []
    assert [v["value"] for v in after["readings"][0]["values"]] == [118, 76, 68]
    result = after["results"][0]
    assert {k: result[k] for k in ("text", "value", "unit", "level", "level_label", "company")} == {
        "text": "혈압이 정상 범위입니다.",
        "value": 118.0,
        "unit": "mmHg",
        "level": "normal",
        "level_label": "Normal",
        "company": "빛고을케어",
    }
    assert result["value_stated"] is False


def test_a_result_whose_words_give_its_number_says_so_to_the_screen(station, setup, company, carol):
    visit = _visit_with_a_reading(setup, station)
    _normal_result(setup, company, carol, "수축기 혈압 118 mmHg, 정상입니다.")

    [result] = station.get(f"/api/v1/station/visits/{visit['id']}/").json()["results"]

    # As on My donations: the kiosk then does not add the number after the words.
    assert result["value_stated"] is True


def test_a_result_for_the_donors_other_donation_is_not_on_this_screen(station, setup, company):
    from .factories import donate

    visit = _open_visit(setup, station)
    DonationResult.objects.create(
        pilot=setup.pilot,
        company=company,
        volunteer=setup.volunteer,
        donation=donate(setup),
        text="업로드 결과",
    )

    screen = station.get(f"/api/v1/station/visits/{visit['id']}/").json()

    assert screen["results"] == [] and screen["readings"] == []


def test_a_closed_visit_shows_nothing_of_the_donor(station, setup):
    visit = _visit_with_a_reading(setup, station)
    StationVisit.objects.filter(pk=visit["id"]).update(closes_at=timezone.now())

    screen = station.get(f"/api/v1/station/visits/{visit['id']}/").json()

    assert screen["is_open"] is False
    assert screen["readings"] == screen["results"] == screen["categories"] == []
    assert Reading.objects.count() == 1


def test_the_visit_list_reads_in_a_fixed_number_of_queries(station, setup, django_assert_max_num_queries):
    for _ in range(4):
        _open_visit(setup, station)

    with django_assert_max_num_queries(7):
        response = station.get("/api/v1/station/visits/")

    assert [v["categories"] for v in response.json()["results"]] == [["blood_pressure"]] * 4


def test_the_screen_reads_in_a_fixed_number_of_queries(station, setup, django_assert_max_num_queries):
    visit = _open_visit(setup, station)
    for _ in range(3):
        station.post(
            f"/api/v1/station/visits/{visit['id']}/readings/",
            {"category": "blood_pressure", "values": NORMAL_READING},
        )

    with django_assert_max_num_queries(6):
        response = station.get(f"/api/v1/station/visits/{visit['id']}/")

    assert len(response.json()["readings"]) == 3


# --- Who may call what ----------------------------------------------------------------------


STATION_CALLS = [
    ("get", "/api/v1/station/", None),
    ("get", "/api/v1/station/visits/", None),
    ("post", "/api/v1/station/visits/", {"code": "ABC DEF"}),
    ("get", "/api/v1/station/visits/{visit}/", None),
    (
        "post",
        "/api/v1/station/visits/{visit}/readings/",
        {"category": "blood_pressure", "values": NORMAL_READING},
    ),
    ("post", "/api/v1/station/visits/{visit}/close/", None),
]


@pytest.mark.parametrize(
    "persona",
    ["anonymous", "author", "other_citizen", "company_member", "other_company_member", "staff", "volunteer"],
)
def test_no_person_can_call_the_station_api(personas, setup, station, persona):
    user = setup.volunteer.user if persona == "volunteer" else personas[persona]
    visit = _open_visit(setup, station)
    client = APIClient()
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        client.force_authenticate(user)

    for method, path, body in STATION_CALLS:
        response = getattr(client, method)(path.format(visit=visit["id"]), body)
        assert response.status_code == 401, (method, path)
        assert "Only a donation station can call this" in _error(response)
    assert _nothing_stored() and StationVisit.objects.get().is_open


def test_a_users_token_is_no_station_key(setup, station):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=setup.volunteer.user).key}")

    own = client.get(f"/api/v1/pilots/{setup.pilot.pk}/volunteer/")
    responses = [getattr(client, method)(path.format(visit=0), body) for method, path, body in STATION_CALLS]

    assert own.status_code == 200
    assert [response.status_code for response in responses] == [401] * len(STATION_CALLS)
    assert not StationVisit.objects.exists() and _nothing_stored()


def test_a_station_key_opens_no_user_endpoint(setup, station, registered):
    data_request = setup.data_request
    calls = [
        station.get(f"/api/v1/pilots/{setup.pilot.pk}/volunteer/"),
        station.post(f"/api/v1/pilots/{setup.pilot.pk}/volunteer/", {}),
        station.delete(f"/api/v1/pilots/{setup.pilot.pk}/data-requests/{data_request.pk}/consent/"),
        station.post(
            f"/api/v1/pilots/{setup.pilot.pk}/data-requests/",
            {"category_code": "sleep", "category_label": "수면", "purpose": "x", "retention_days": 1},
        ),
        station.get("/api/v1/me/data/"),
    ]

    assert all(response.status_code in (401, 403, 404) for response in calls), [r.status_code for r in calls]
    assert setup.consent.__class__.objects.get(pk=setup.consent.pk).withdrawn_at is None
    assert setup.pilot.data_requests.count() == 1 and not User.objects.filter(username="station").exists()


def test_last_seen_is_written_at_most_once_a_minute(station, registered, django_assert_num_queries):
    station.get("/api/v1/station/")
    first = Station.objects.get().last_seen_at
    station.get("/api/v1/station/")
    assert Station.objects.get().last_seen_at == first is not None

    Station.objects.update(last_seen_at=timezone.now() - datetime.timedelta(minutes=2))
    station.get("/api/v1/station/")
    assert Station.objects.get().last_seen_at > first


def test_each_station_is_throttled_on_its_own(station, setup, monkeypatch):
    monkeypatch.setattr(
        StationRateThrottle, "THROTTLE_RATES", {**api_settings.DEFAULT_THROTTLE_RATES, "station": "3/minute"}
    )
    neighbour = station_client(register_station(setup.pilot, name="운천저수지 공원 1번 출입구").key, "en")

    statuses = [station.get("/api/v1/station/").status_code for _ in range(4)]
    others = neighbour.get("/api/v1/station/", HTTP_ACCEPT_LANGUAGE="en")

    assert statuses == [200, 200, 200, 429]
    assert others.status_code == 200


# --- The schema ------------------------------------------------------------------------------


def test_the_schema_documents_the_station_key_and_every_station_operation():
    openapi = SchemaGenerator().get_schema(request=None, public=True)

    scheme = openapi["components"]["securitySchemes"]["stationKey"]
    assert scheme == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": scheme["description"],
    }
    operations = [
        ("/api/v1/station/", "get"),
        ("/api/v1/station/visits/", "get"),
        ("/api/v1/station/visits/", "post"),
        ("/api/v1/station/visits/{visit_id}/", "get"),
        ("/api/v1/station/visits/{visit_id}/readings/", "post"),
        ("/api/v1/station/visits/{visit_id}/close/", "post"),
    ]
    for path, method in operations:
        operation = openapi["paths"][path][method]
        assert operation["security"] == [{"stationKey": []}], path
        assert {"401", "429"} <= set(operation["responses"]), path
    assert {"open", "page", "page_size"} <= {
        p["name"] for p in openapi["paths"]["/api/v1/station/visits/"]["get"]["parameters"]
    }
