"""A data request's texts in Korean and English: written once in both, shown in the reader's
language (the Korean, said to be so, where staff gave no English), and a consent keeps exactly
the text read, in the language it was read in."""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation

from core.errors import ApplicationError
from donations import services
from pilots.models import PilotConsent, PilotDataRequest, PilotStage
from tests.accounts.factories import UserFactory
from tests.pages import signed_in_client
from tests.pilots.factories import PilotFactory, VolunteerFactory

from .factories import BLOOD_PRESSURE_FIELDS, NORMAL_READING
from .stations import register_station, station_client

pytestmark = pytest.mark.django_db

PURPOSE_KO = "공원 건강측정소에서 혈압 변화를 실시간으로 분석해 알려 드리기 위해"
PURPOSE_EN = "To analyse changes in blood pressure at the health station in the park and tell you at once"
FIELDS_EN = [
    {**field, "label_en": english}
    for field, english in zip(
        BLOOD_PRESSURE_FIELDS, ["Systolic blood pressure", "Diastolic blood pressure", "Pulse"], strict=True
    )
]
KOREAN_ONLY = "(written in Korean only)"
KOREAN_ONLY_PAGE = "Parts of this page are in Korean only: staff did not write them in English."


@pytest.fixture
def staff():
    return UserFactory(username="steward", is_staff=True)


@pytest.fixture
def pilot(company):
    return PilotFactory(stage=PilotStage.RECRUITING, companies=[company], title="공원 혈압 실증")


def _english_request(pilot, staff) -> PilotDataRequest:
    return services.data_request_add(
        pilot=pilot,
        by=staff,
        category_code="blood_pressure",
        category_label="혈압과 맥박",
        category_label_en="Blood pressure and pulse",
        fields=FIELDS_EN,
        purpose=PURPOSE_KO,
        purpose_en=PURPOSE_EN,
        retention_days=30,
    )


def _korean_steps_request(pilot, staff, **given) -> PilotDataRequest:
    """A second request of the pilot, written in Korean only."""
    return services.data_request_add(
        pilot=pilot,
        by=staff,
        category_code="steps",
        category_label="걸음 수",
        fields=[{"code": "steps", "label": "걸음 수", "unit": "", "min": 0, "max": 100000}],
        purpose="걷기 습관 분석",
        **given,
    )


def _korean_request(pilot, staff) -> PilotDataRequest:
    return services.data_request_add(
        pilot=pilot,
        by=staff,
        category_code="blood_pressure",
        category_label="혈압과 맥박",
        fields=BLOOD_PRESSURE_FIELDS,
        purpose=PURPOSE_KO,
        retention_days=30,
    )


# --- Writing the consent text ---------------------------------------------------------------


@pytest.mark.parametrize("staff_language", ["ko", "en"])
def test_the_consent_text_is_written_in_both_languages_whatever_staff_read(pilot, staff, staff_language):
    with translation.override(staff_language):
        data_request = _english_request(pilot, staff)

    assert data_request.consent_text == (
        "“공원 혈압 실증” 실증 사업에 나의 혈압과 맥박 데이터를 기부하는 데 동의합니다. "
        f"이용 목적: {PURPOSE_KO}. 제공받는 자: 빛고을케어. 이 데이터는 30일 동안 보관된 후 삭제됩니다. "
        "이 동의는 언제든지 철회할 수 있습니다."
    )
    assert data_request.consent_text_en == (
        "I agree to donate the following data to the pilot “공원 혈압 실증”: Blood pressure and pulse. "
        f"Purpose: {PURPOSE_EN}. Recipient: 빛고을케어. It is kept for 30 days and then deleted. "
        "I can withdraw this consent at any time."
    )
    # Company names read the same in either language: no note that they are Korean only.
    assert data_request.recipient_en == "빛고을케어"
    assert [field["label_en"] for field in data_request.fields] == [
        "Systolic blood pressure",
        "Diastolic blood pressure",
        "Pulse",
    ]


def test_without_english_the_english_text_frames_the_korean_parts(pilot, staff):
    data_request = _korean_request(pilot, staff)

    assert data_request.category_label_en == "" and data_request.purpose_en == ""
    # The Korean parts as staff wrote them: what people agree to holds no note about their
    # language (the pilot page says once, outside the text, what is in Korean only).
    assert data_request.consent_text_en == (
        "I agree to donate the following data to the pilot “공원 혈압 실증”: 혈압과 맥박. "
        f"Purpose: {PURPOSE_KO}. Recipient: 빛고을케어. It is kept for 30 days and then deleted. "
        "I can withdraw this consent at any time."
    )


def test_each_text_falls_back_to_the_korean_for_a_reader_of_english(pilot, staff):
    data_request = _korean_request(pilot, staff)

    with translation.override("en"):
        label, purpose = data_request.shown_category_label, data_request.shown_purpose
        recipient = data_request.shown_recipient
    with translation.override("ko"):
        korean = data_request.shown_category_label

    assert (label.text, label.language, label.korean_only) == ("혈압과 맥박", "ko", True)
    assert (purpose.text, purpose.korean_only) == (PURPOSE_KO, True)
    assert recipient.korean_only is False and recipient.language == "en"
    assert (korean.text, korean.korean_only) == ("혈압과 맥박", False)


def test_a_korean_consent_text_of_staffs_own_is_not_replaced_by_a_written_english_one(pilot, staff):
    own = "나는 혈압 데이터를 기부하는 데 동의합니다. 결과는 문자로 받습니다."

    data_request = services.data_request_add(
        pilot=pilot,
        by=staff,
        category_code="blood_pressure",
        category_label="혈압과 맥박",
        category_label_en="Blood pressure and pulse",
        fields=FIELDS_EN,
        purpose=PURPOSE_KO,
        purpose_en=PURPOSE_EN,
        retention_days=30,
        consent_text=own,
    )

    assert data_request.consent_text == own and data_request.consent_text_en == ""
    shown = data_request.consent_text_in("en")
    assert (shown.text, shown.language, shown.korean_only) == (own, "ko", True)


def test_changing_the_korean_alone_drops_the_english_that_no_longer_says_the_same(pilot, staff):
    data_request = _english_request(pilot, staff)

    changed = services.data_request_change(
        data_request=data_request, by=staff, purpose="혈압과 낙상의 관계 분석"
    )

    assert changed.purpose_en == "" and changed.category_label_en == "Blood pressure and pulse"
    assert "Purpose: 혈압과 낙상의 관계 분석. Recipient:" in changed.consent_text_en


def test_requests_made_before_english_get_an_english_frame_around_their_korean(pilot, staff):
    written = _korean_request(pilot, staff)
    own = _korean_steps_request(pilot, staff, retention_days=1, consent_text="걸음 수 기부에 동의합니다.")
    PilotDataRequest.objects.update(recipient_en="", consent_text_en="")
    migration = importlib.import_module("pilots.migrations.0007_bilingual_data_requests")

    migration.write_english(apps, None)

    written.refresh_from_db()
    own.refresh_from_db()
    assert written.consent_text_en.startswith(
        "I agree to donate my 혈압과 맥박 to the pilot “공원 혈압 실증”."
    )
    assert written.consent_text_en.endswith(
        "It is kept for 30 days and then deleted. I can withdraw this consent at any time."
    )
    assert written.recipient_en == "빛고을케어"
    # A text staff wrote themselves stays Korean only rather than be paired with other words.
    assert own.consent_text_en == "" and own.consent_text == "걸음 수 기부에 동의합니다."


def test_english_consent_texts_written_with_notes_lose_them_and_consents_keep_theirs(pilot, staff):
    data_request = _korean_request(pilot, staff)
    marked = data_request.consent_text_en.replace(
        ": 혈압과 맥박.", ": 혈압과 맥박 (written in Korean only)."
    ).replace(f"{PURPOSE_KO}.", f"{PURPOSE_KO} (written in Korean only).")
    PilotDataRequest.objects.filter(pk=data_request.pk).update(consent_text_en=marked)
    volunteer, _client = _volunteer_client(pilot, "en")
    consent = services.consent_give(
        volunteer=volunteer, data_request=PilotDataRequest.objects.get(), language="en"
    )
    migration = importlib.import_module("pilots.migrations.0012_consent_text_en_without_notes")

    migration.drop_notes(apps, None)

    unmarked = data_request.consent_text_en
    data_request.refresh_from_db()
    consent.refresh_from_db()
    assert marked.count(KOREAN_ONLY) == 2 and KOREAN_ONLY not in unmarked
    assert data_request.consent_text_en == unmarked
    # What was agreed to stays word for word.
    assert consent.consent_text == marked


# --- The pilot page and the consent kept ----------------------------------------------------


def _volunteer_client(pilot, language: str):
    user = UserFactory(username=f"erin-{language}", preferred_language=language)
    volunteer = VolunteerFactory(pilot=pilot, user=user)
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return volunteer, client


def _donated_once(volunteer, data_request) -> None:
    services.donation_store(
        volunteer=volunteer,
        data_request=data_request,
        readings=[services.ReadingInput(values=NORMAL_READING)],
        source="upload",
    )


def _consent(client, pilot, data_request, language: str):
    return client.post(
        f"/pilots/{pilot.pk}/participation/",
        {"action": "consent", "data_request": data_request.pk, "agree": "on", "consent_language": language},
    )


def test_a_reader_of_english_consents_to_the_english_text_and_it_is_kept(pilot, staff):
    # The pilot's title, description and venue in English too: nothing on the page is left in
    # Korean only.
    pilot.title_en = "Blood pressure in the park"
    pilot.description_en = "Blood pressure is measured at the park's health station."
    pilot.venue_en = "Buk-gu public health centre"
    pilot.save(update_fields=["title_en", "description_en", "venue_en"])
    data_request = _english_request(pilot, staff)
    volunteer, client = _volunteer_client(pilot, "en")

    page = client.get(f"/pilots/{pilot.pk}/").content.decode()
    response = _consent(client, pilot, data_request, "en")

    assert '<html lang="en"' in page
    assert data_request.consent_text_en in page and data_request.consent_text not in page
    assert PURPOSE_EN in page and "Blood pressure and pulse" in page and KOREAN_ONLY not in page
    assert "the pilot “Blood pressure in the park”" in data_request.consent_text_en
    assert 'name="consent_language" value="en"' in page
    assert response.status_code == 302
    consent = PilotConsent.objects.get(volunteer=volunteer)
    assert consent.consent_text == data_request.consent_text_en and consent.language == "en"


def test_a_reader_of_korean_consents_to_the_korean_text(pilot, staff):
    data_request = _english_request(pilot, staff)
    volunteer, client = _volunteer_client(pilot, "ko")

    page = client.get(f"/pilots/{pilot.pk}/").content.decode()
    _consent(client, pilot, data_request, "ko")

    assert data_request.consent_text in page and PURPOSE_EN not in page
    consent = PilotConsent.objects.get(volunteer=volunteer)
    assert consent.consent_text == data_request.consent_text and consent.language == "ko"


def test_a_reader_of_english_is_told_what_is_written_in_korean_only(pilot, staff):
    data_request = _korean_request(pilot, staff)
    data_request.consent_text_en = ""
    data_request.save(update_fields=["consent_text_en"])
    volunteer, client = _volunteer_client(pilot, "en")

    page = client.get(f"/pilots/{pilot.pk}/").content.decode()
    _consent(client, pilot, data_request, "ko")

    # Said once, near the top, for every text of the page in Korean only, rather than after each:
    # the title, the category, the purpose, the field names and the consent text.
    assert page.count(KOREAN_ONLY_PAGE) == 1
    assert page.index(KOREAN_ONLY_PAGE) < page.index('id="take-part"')
    assert KOREAN_ONLY not in page and "Names written in Korean only." not in page
    assert f'<span lang="ko">{PURPOSE_KO}</span>' in page
    assert '<span lang="ko">수축기 혈압</span> (50–250 mmHg)' in page
    # The text agreed to carries no note inside it.
    assert f'<p class="consent-text"><span lang="ko">{data_request.consent_text}</span></p>' in page
    # The text shown was the Korean one: that is what the consent keeps.
    assert 'name="consent_language" value="ko"' in page
    consent = PilotConsent.objects.get(volunteer=volunteer)
    assert consent.consent_text == data_request.consent_text and consent.language == "ko"


def test_my_donations_shows_the_readings_under_english_names(pilot, staff):
    data_request = _english_request(pilot, staff)
    volunteer, client = _volunteer_client(pilot, "en")
    services.consent_give(volunteer=volunteer, data_request=data_request, language="en")
    Pilot = type(pilot)
    Pilot.objects.filter(pk=pilot.pk).update(stage=PilotStage.RUNNING, title_en="Blood pressure in the park")
    _donated_once(volunteer, data_request)

    page = client.get("/me/donations/").content.decode()

    assert "Systolic blood pressure" in page and "수축기 혈압" not in page
    assert KOREAN_ONLY not in page and KOREAN_ONLY_PAGE not in page
    assert PURPOSE_EN in page and data_request.consent_text_en in page


def test_my_donations_says_once_under_its_title_what_is_in_korean_only(pilot, staff):
    data_request = _korean_request(pilot, staff)
    volunteer, client = _volunteer_client(pilot, "en")
    services.consent_give(volunteer=volunteer, data_request=data_request, language="en")
    type(pilot).objects.filter(pk=pilot.pk).update(stage=PilotStage.RUNNING)
    _donated_once(volunteer, data_request)

    page = client.get("/me/donations/").content.decode()
    korean = signed_in_client(volunteer.user, "ko").get("/me/donations/").content.decode()

    # The pilot's title, the category, its purpose and its column names are each in Korean,
    # marked so for a screen reader, with no note after any of them.
    assert page.count(KOREAN_ONLY_PAGE) == 1
    assert page.index("</h1>") < page.index(KOREAN_ONLY_PAGE) < page.index(pilot.title)
    assert KOREAN_ONLY not in page and "Column names written in Korean only." not in page
    for text in (pilot.title, "혈압과 맥박", PURPOSE_KO, "수축기 혈압"):
        assert f'<span lang="ko">{text}</span>' in page
    assert "한국어로만" not in korean and 'lang="ko">혈압과 맥박' not in korean


# --- The API and the station ----------------------------------------------------------------


def test_the_api_gives_each_text_in_the_readers_language_with_its_language(api, pilot, staff):
    data_request = _korean_request(pilot, staff)
    data_request.category_label_en = "Blood pressure and pulse"
    data_request.save(update_fields=["category_label_en"])
    url = f"/api/v1/pilots/{pilot.pk}/data-requests/{data_request.pk}/"

    english = api(staff).get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    korean = api(staff).get(url, HTTP_ACCEPT_LANGUAGE="ko").json()

    assert (english["category_label"], english["category_label_language"]) == (
        "Blood pressure and pulse",
        "en",
    )
    assert (english["purpose"], english["purpose_language"]) == (PURPOSE_KO, "ko")
    assert english["fields"][0]["label"] == "수축기 혈압" and english["fields"][0]["label_language"] == "ko"
    assert english["consent_text"] == data_request.consent_text_en
    assert (korean["category_label"], korean["category_label_language"]) == ("혈압과 맥박", "ko")
    assert korean["texts"]["en"]["category_label"] == "Blood pressure and pulse"
    assert korean["texts"]["ko"]["fields"] == {
        "systolic": "수축기 혈압",
        "diastolic": "이완기 혈압",
        "pulse": "맥박",
    }


def test_the_api_takes_the_english_texts(api, pilot, staff):
    response = api(staff).post(
        f"/api/v1/pilots/{pilot.pk}/data-requests/",
        {
            "category_code": "blood_pressure",
            "category_label": "혈압과 맥박",
            "category_label_en": "Blood pressure and pulse",
            "fields": FIELDS_EN,
            "purpose": PURPOSE_KO,
            "purpose_en": PURPOSE_EN,
            "recipient": "광주 보건소",
            "recipient_en": "Gwangju Public Health Centre",
            "retention_days": 30,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    stored = PilotDataRequest.objects.get(pk=response.json()["id"])
    assert stored.recipient_en == "Gwangju Public Health Centre"
    assert "Recipient: Gwangju Public Health Centre." in stored.consent_text_en
    assert stored.fields[2]["label_en"] == "Pulse"


def test_the_station_speaks_the_screens_language(pilot, staff):
    data_request = _english_request(pilot, staff)
    other = _korean_steps_request(pilot, staff, retention_days=30)
    volunteer = VolunteerFactory(pilot=pilot, user=UserFactory(username="erin"))
    services.consent_give(volunteer=volunteer, data_request=data_request)
    services.consent_give(volunteer=volunteer, data_request=other)
    registered = register_station(pilot)
    english, korean = station_client(registered.key, "en"), station_client(registered.key, "ko")

    station = english.get("/api/v1/station/").json()
    _, code = services.donor_code_issue(volunteer=volunteer)
    visit = english.post("/api/v1/station/visits/", {"code": code}).json()
    reading = english.post(
        f"/api/v1/station/visits/{visit['id']}/readings/",
        {"category": "blood_pressure", "values": NORMAL_READING},
        format="json",
    ).json()
    korean_station = korean.get("/api/v1/station/").json()

    labels = {item["code"]: (item["label"], item["label_language"]) for item in station["data_requests"]}
    assert labels == {"blood_pressure": ("Blood pressure and pulse", "en"), "steps": ("걸음 수", "ko")}
    assert [f["label"] for f in station["data_requests"][0]["fields"]] == [
        "Systolic blood pressure",
        "Diastolic blood pressure",
        "Pulse",
    ]
    assert {item["label"] for item in visit["categories"]} == {"Blood pressure and pulse", "걸음 수"}
    assert reading["category_label"] == "Blood pressure and pulse"
    assert [(v["label"], v["label_language"]) for v in reading["values"]][0] == (
        "Systolic blood pressure",
        "en",
    )
    assert korean_station["data_requests"][0]["label"] == "혈압과 맥박"


def test_saving_a_request_made_before_english_unchanged_changes_nothing(pilot, staff):
    data_request = _korean_request(pilot, staff)
    volunteer = VolunteerFactory(pilot=pilot, user=UserFactory(username="erin"))
    services.consent_give(volunteer=volunteer, data_request=data_request)
    # As stored before field names had English: no label_en key at all.
    old_fields = [
        {key: value for key, value in field.items() if key != "label_en"} for field in data_request.fields
    ]
    PilotDataRequest.objects.filter(pk=data_request.pk).update(fields=old_fields)
    data_request.refresh_from_db()

    with pytest.raises(ApplicationError) as refused:
        services.data_request_change(data_request=data_request, by=staff, fields=old_fields)

    assert refused.value.code == "unchanged"
    assert PilotDataRequest.objects.count() == 1
