"""Field units in English: given by staff beside the Korean one, shown to readers of English,
and the Korean unit as it is where none was given."""

import pytest
from django.test import Client
from django.utils import translation

from donations import services
from donations.fields import check_reading, parse_fields
from donations.forms import PRESETS_BY_KEY
from donations.templatetags.donation_tags import reading_field
from pilots.models import PilotDataRequest, PilotStage
from tests.accounts.factories import UserFactory
from tests.pilots.factories import PilotFactory, VolunteerFactory

from .stations import register_station, station_client

MEDICATION_FIELDS = [
    {"code": "doses_taken", "label": "복용한 횟수", "label_en": "Doses taken", "unit": "회/일",
     "unit_en": "times/day", "min": 0, "max": 12},
    {"code": "pulse", "label": "맥박", "label_en": "Pulse", "unit": "bpm", "min": 30, "max": 220},
]  # fmt: skip


@pytest.fixture
def staff():
    return UserFactory(username="steward", is_staff=True)


@pytest.fixture
def pilot(company):
    return PilotFactory(stage=PilotStage.RECRUITING, companies=[company], title="복약 기록 실증")


def _request(pilot, staff, fields=MEDICATION_FIELDS) -> PilotDataRequest:
    return services.data_request_add(
        pilot=pilot,
        by=staff,
        category_code="medication",
        category_label="복약 기록",
        category_label_en="Medication record",
        fields=fields,
        purpose="복약 습관 분석",
        retention_days=30,
    )


# --- Checking and showing -------------------------------------------------------------------


def test_the_english_unit_is_optional_trimmed_and_as_long_as_the_korean():
    taken, pulse = parse_fields([{**MEDICATION_FIELDS[0], "unit_en": "  times/day "}, MEDICATION_FIELDS[1]])
    assert (taken.unit, taken.unit_en) == ("회/일", "times/day")
    assert (pulse.unit, pulse.unit_en) == ("bpm", "")
    assert parse_fields([{**MEDICATION_FIELDS[0], "unit_en": "x" * 20}])[0].unit_en == "x" * 20
    with translation.override("en"), pytest.raises(ValueError, match="the unit in English is at most 20"):
        parse_fields([{**MEDICATION_FIELDS[0], "unit_en": "x" * 21}])


@pytest.mark.parametrize(
    ("language", "taken", "pulse"),
    [
        ("en", "Doses taken (0–12 times/day)", "Pulse (30–220 bpm)"),
        ("ko", "복용한 횟수 (0~12회/일)", "맥박 (30~220 bpm)"),
    ],
)
def test_volunteers_read_the_unit_in_their_language(language, taken, pulse):
    with translation.override(language):
        assert [str(reading_field(field)) for field in MEDICATION_FIELDS] == [taken, pulse]


def test_without_english_a_reader_of_english_reads_the_korean_unit_unmarked():
    field = parse_fields([{**MEDICATION_FIELDS[0], "unit_en": ""}])[0]
    with translation.override("en"):
        assert field.shown_unit == "회/일"
        assert str(reading_field(field.as_dict())) == "Doses taken (0–12회/일)"


def test_a_reading_out_of_range_names_the_unit_in_the_readers_language():
    fields = parse_fields(MEDICATION_FIELDS)
    with translation.override("en"), pytest.raises(ValueError, match="between 0 and 12 times/day"):
        check_reading(fields, {"doses_taken": 13, "pulse": 70})


# --- The API, the station and the pages -----------------------------------------------------


def test_the_api_takes_the_english_unit_and_gives_the_readers(api, pilot, staff):
    response = api(staff).post(
        f"/api/v1/pilots/{pilot.pk}/data-requests/",
        {
            "category_code": "medication",
            "category_label": "복약 기록",
            "fields": MEDICATION_FIELDS,
            "purpose": "복약 습관 분석",
            "retention_days": 30,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    url = f"/api/v1/pilots/{pilot.pk}/data-requests/{response.json()['id']}/"

    english = api(staff).get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    korean = api(staff).get(url, HTTP_ACCEPT_LANGUAGE="ko").json()

    assert [field["unit"] for field in english["fields"]] == ["times/day", "bpm"]
    assert [field["unit"] for field in korean["fields"]] == ["회/일", "bpm"]
    assert english["texts"]["ko"]["units"] == {"doses_taken": "회/일", "pulse": "bpm"}
    assert english["texts"]["en"]["units"] == {"doses_taken": "times/day", "pulse": ""}


def test_the_api_refuses_a_long_english_unit(api, pilot, staff):
    response = api(staff).post(
        f"/api/v1/pilots/{pilot.pk}/data-requests/",
        {
            "category_code": "medication",
            "category_label": "복약 기록",
            "fields": [{**MEDICATION_FIELDS[0], "unit_en": "x" * 21}],
            "purpose": "복약 습관 분석",
            "retention_days": 30,
        },
        format="json",
    )
    assert response.status_code == 400
    assert not PilotDataRequest.objects.exists()


def test_the_station_gives_the_unit_in_the_screens_language(pilot, staff):
    data_request = _request(pilot, staff)
    volunteer = VolunteerFactory(pilot=pilot, user=UserFactory(username="erin"))
    services.consent_give(volunteer=volunteer, data_request=data_request)
    registered = register_station(pilot)
    english = station_client(registered.key, "en")

    station = english.get("/api/v1/station/").json()
    _, code = services.donor_code_issue(volunteer=volunteer)
    visit = english.post("/api/v1/station/visits/", {"code": code}).json()
    reading = english.post(
        f"/api/v1/station/visits/{visit['id']}/readings/",
        {"category": "medication", "values": {"doses_taken": 2, "pulse": 70}},
        format="json",
    ).json()

    assert [field["unit"] for field in station["data_requests"][0]["fields"]] == ["times/day", "bpm"]
    assert [value["unit"] for value in reading["values"]] == ["times/day", "bpm"]


def test_my_donations_heads_the_columns_with_the_english_unit(pilot, staff):
    data_request = _request(pilot, staff)
    user = UserFactory(username="erin", preferred_language="en")
    volunteer = VolunteerFactory(pilot=pilot, user=user)
    services.consent_give(volunteer=volunteer, data_request=data_request, language="en")
    type(pilot).objects.filter(pk=pilot.pk).update(stage=PilotStage.RUNNING)
    services.donation_store(
        volunteer=volunteer,
        data_request=data_request,
        readings=[services.ReadingInput(values={"doses_taken": 2, "pulse": 70})],
        source="upload",
    )
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"

    page = client.get("/me/donations/").content.decode()

    assert "Doses taken (times/day)" in page and "회/일" not in page


def test_staff_give_the_english_unit_on_the_form(pilot, staff, company):
    data = {
        "category_code": "medication",
        "category_label": "복약 기록",
        "purpose": "복약 습관 분석",
        "recipient_companies": [company.pk],
        "retention_days": "30",
        "consent_text": "",
        "action": "save",
        "fields-TOTAL_FORMS": "1",
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "12",
    }
    for name, value in MEDICATION_FIELDS[0].items():
        data[f"fields-0-{name}"] = str(value)
    client = Client()
    client.force_login(staff)

    response = client.post(f"/pilots/{pilot.pk}/data-requests/new/", data)

    assert response.status_code == 302, response.context["form"].errors
    stored = PilotDataRequest.objects.get(pilot=pilot)
    assert (stored.fields[0]["unit"], stored.fields[0]["unit_en"]) == ("회/일", "times/day")
    change = client.get(f"/pilots/{pilot.pk}/data-requests/{stored.pk}/change/").content.decode()
    assert 'name="fields-0-unit_en"' in change and 'value="times/day"' in change


def test_a_preset_gives_an_english_unit_only_where_it_differs():
    steps = PRESETS_BY_KEY["steps"].rows()[0]
    pulse = PRESETS_BY_KEY["blood_pressure"].rows()[2]
    assert (steps["unit"], steps["unit_en"]) == ("걸음", "steps")
    assert pulse["unit"] == "bpm" and "unit_en" not in pulse


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        # Korean writes a range with a tilde and a Hangul unit against its number.
        ("ko", ["기상 시각 차이 (−60~120분)", "만족도 (1~5점)"]),
        # A bound below zero takes a true minus, and the dash spaces so it is not read as one.
        ("en", ["Wake-up shift (−60 – 120 min)", "Satisfaction (1–5 points)"]),
    ],
)
def test_a_range_is_written_as_each_language_writes_it(language, shown):
    fields = parse_fields(
        [
            {
                "code": "wake_shift",
                "label": "기상 시각 차이",
                "label_en": "Wake-up shift",
                "unit": "분",
                "unit_en": "min",
                "min": -60,
                "max": 120,
            },
            {
                "code": "satisfaction",
                "label": "만족도",
                "label_en": "Satisfaction",
                "unit": "점",
                "unit_en": "points",
                "min": 1,
                "max": 5,
            },
        ]
    )
    with translation.override(language):
        assert [str(reading_field(field.as_dict())) for field in fields] == shown
