"""A donation station's place in Korean and, if staff give one, in English: entered on the
stations page, the API and the admin, checked like the Korean place, and shown in the reader's
language wherever people read it, with the Korean, said to be so, where no English was given
(core.bilingual, as a pilot's venue)."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import AuditAction, AuditEntry
from donations import services
from donations.models import Station
from pilots.models import Pilot
from tests.accounts.factories import UserFactory
from tests.core.test_control_characters_refused import ONE_LINE_KO
from tests.pages import KOREAN_ONLY_ON_PAGE, signed_in_client

from .factories import NORMAL_READING, donation_pilot
from .stations import station_client

pytestmark = pytest.mark.django_db

KOREAN = "운천저수지 공원 2번 출입구"
ENGLISH = "Unchon Reservoir Park, gate 2"
KOREAN_ONLY = "풍암호수 건강측정소"
NOTE = '<span class="korean-only">(written in Korean only)</span>'


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


@pytest.fixture
def bilingual(setup, staff_user):
    return services.station_register(pilot=setup.pilot, by=staff_user, name=KOREAN, name_en=ENGLISH)


@pytest.fixture
def korean_only(setup, staff_user):
    return services.station_register(pilot=setup.pilot, by=staff_user, name=KOREAN_ONLY)


def _page(pilot) -> str:
    return f"/pilots/{pilot.pk}/stations/"


def _register(client, pilot, **fields):
    return client.post(_page(pilot), {"action": "register", "name": KOREAN, **fields})


def _donate_at(registered, setup) -> None:
    _donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)
    visit = services.station_visit_open(station=registered.station, code=code)
    services.station_reading_add(
        station=registered.station, visit=visit, category="blood_pressure", values=NORMAL_READING
    )


# --- The model ------------------------------------------------------------------------------


def test_the_place_is_shown_in_the_readers_language(bilingual, korean_only):
    station, fallback = bilingual.station, korean_only.station
    with translation.override("en"):
        english, korean_in_english = station.shown_name, fallback.shown_name
    with translation.override("ko"):
        korean = station.shown_name

    assert (english.text, english.language, english.korean_only) == (ENGLISH, "en", False)
    assert (korean_in_english.text, korean_in_english.language, korean_in_english.korean_only) == (
        KOREAN_ONLY,
        "ko",
        True,
    )
    assert (korean.text, korean.language, korean.korean_only) == (KOREAN, "ko", False)


@pytest.mark.parametrize(
    "name_en", ["Gate 2\x1b[31m", "Gate\n2", "x" * 151], ids=["escape", "newline", "long"]
)
def test_the_model_checks_the_english_place_as_the_korean_one(bilingual, name_en):
    station = bilingual.station
    station.name_en = name_en

    with pytest.raises(ValidationError) as refused:
        station.full_clean()

    assert list(refused.value.message_dict) == ["name_en"]


def test_the_service_refuses_a_control_character_in_the_english_place(setup, staff_user):
    with pytest.raises(ValidationError) as refused:
        services.station_register(pilot=setup.pilot, by=staff_user, name=KOREAN, name_en="Gate\x002")

    assert list(refused.value.message_dict) == ["name_en"]
    assert not Station.objects.exists()


# --- The staff page -------------------------------------------------------------------------


def test_staff_give_the_english_place_when_registering(setup, staff_user):
    client = signed_in_client(staff_user, "en")

    form = client.get(_page(setup.pilot)).content.decode()
    response = _register(client, setup.pilot, name_en=f"  {ENGLISH} ")

    assert 'name="name_en"' in form and "place in English" in form
    assert response.status_code == 200 and response.context["registered"] is not None
    assert Station.objects.get().name_en == ENGLISH
    audit = AuditEntry.objects.get(action=AuditAction.STATION_REGISTER)
    assert (audit.after["name"], audit.after["name_en"]) == (KOREAN, ENGLISH)


def test_the_english_place_is_optional(setup, staff_user):
    response = _register(signed_in_client(staff_user, "ko"), setup.pilot)

    assert response.status_code == 200
    assert (Station.objects.get().name, Station.objects.get().name_en) == (KOREAN, "")


@pytest.mark.parametrize(
    "name_en", ["Gate 2\x07", "Gate\r\n2", "x" * 151], ids=["bell", "line break", "long"]
)
def test_a_bad_english_place_is_named_on_its_field_and_stores_nothing(setup, staff_user, name_en):
    response = _register(signed_in_client(staff_user, "ko"), setup.pilot, name_en=name_en)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["name_en"]
    assert not Station.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.STATION_REGISTER).exists()


def test_a_control_character_in_the_english_place_is_refused_in_words(setup, staff_user):
    response = _register(signed_in_client(staff_user, "ko"), setup.pilot, name_en="Gate\x1b2")

    assert response.context["form"].errors["name_en"] == [ONE_LINE_KO]


def test_the_stations_page_reads_each_place_in_the_staff_members_language(
    setup, staff_user, bilingual, korean_only
):
    # Each live station's form to correct its place holds both places as written: left out here.
    english, korean = (
        re.sub(
            r'<details class="fold edit-place".*?</details>',
            "",
            signed_in_client(staff_user, language).get(_page(setup.pilot)).content.decode(),
            flags=re.DOTALL,
        )
        for language in ("en", "ko")
    )

    assert f'<td data-label="Place">{ENGLISH}</td>' in english
    # Said once, under the page's title, not in the place's cell.
    assert f'<td data-label="Place"><span lang="ko">{KOREAN_ONLY}</span></td>' in english
    assert english.count(KOREAN_ONLY_ON_PAGE) == 1 and NOTE not in english
    assert english.index("</h1>") < english.index(KOREAN_ONLY_ON_PAGE) < english.index(KOREAN_ONLY)
    assert f"Revoke “{ENGLISH}”" in english and KOREAN not in english
    assert (
        f'<td data-label="장소">{KOREAN}</td>' in korean
        and f'<td data-label="장소">{KOREAN_ONLY}</td>' in korean
    )
    assert ENGLISH not in korean and "korean-only" not in korean


def test_the_stations_page_says_nothing_of_korean_when_staff_wrote_everything_in_english(
    setup, staff_user, bilingual
):
    Pilot.objects.filter(pk=setup.pilot.pk).update(title_en="Blood pressure in the park")

    english = signed_in_client(staff_user, "en").get(_page(setup.pilot)).content.decode()

    assert f'<td data-label="Place">{ENGLISH}' in english and KOREAN_ONLY_ON_PAGE not in english


def test_the_new_key_and_the_revoke_message_name_the_place_in_english(setup, staff_user):
    client = signed_in_client(staff_user, "en")

    added = _register(client, setup.pilot, name_en=ENGLISH).content.decode()
    station = Station.objects.get()
    revoked = client.post(_page(setup.pilot), {"action": "revoke", "station": station.pk}, follow=True)

    assert f"The key of “{ENGLISH}”" in added
    assert f"The station “{ENGLISH}” was revoked" in revoked.content.decode()


# --- The donor's pages ----------------------------------------------------------------------


def test_my_donations_names_the_station_in_the_donors_language(setup, bilingual):
    _donate_at(bilingual, setup)

    english = signed_in_client(setup.volunteer.user, "en").get("/me/donations/").content.decode()
    korean = signed_in_client(setup.volunteer.user, "ko").get("/me/donations/").content.decode()

    assert f" · {ENGLISH} · " in english and KOREAN not in english
    assert f" · {KOREAN} · " in korean and ENGLISH not in korean


def test_my_donations_marks_a_place_written_in_korean_only(setup, korean_only):
    _donate_at(korean_only, setup)

    english = signed_in_client(setup.volunteer.user, "en").get("/me/donations/").content.decode()
    korean = signed_in_client(setup.volunteer.user, "ko").get("/me/donations/").content.decode()

    assert f' · <span lang="ko">{KOREAN_ONLY}</span> · ' in english
    # Said once, under the page's title, not after the place.
    assert english.count(KOREAN_ONLY_ON_PAGE) == 1 and NOTE not in english
    assert f" · {KOREAN_ONLY} · " in korean and "한국어로만" not in korean


def test_the_donors_data_export_names_the_station_in_their_language(api, setup, bilingual):
    _donate_at(bilingual, setup)
    client = api(setup.volunteer.user)

    english = client.get("/api/v1/me/data/", HTTP_ACCEPT_LANGUAGE="en").json()
    korean = client.get("/api/v1/me/data/", HTTP_ACCEPT_LANGUAGE="ko").json()

    assert [donation["station"] for donation in english["donations"]] == [ENGLISH]
    assert [donation["station"] for donation in korean["donations"]] == [KOREAN]


# --- The kiosk ------------------------------------------------------------------------------


def test_the_station_api_gives_the_place_in_the_screens_language(bilingual, korean_only):
    english = station_client(bilingual.key, "en").get("/api/v1/station/").json()
    korean = station_client(bilingual.key, "ko").get("/api/v1/station/").json()
    fallback = station_client(korean_only.key, "en").get("/api/v1/station/").json()

    assert (english["name"], english["name_language"]) == (ENGLISH, "en")
    assert (korean["name"], korean["name_language"]) == (KOREAN, "ko")
    assert (fallback["name"], fallback["name_language"]) == (KOREAN_ONLY, "ko")


def test_the_kiosk_page_has_one_hidden_note_for_a_place_or_title_in_korean_only(client):
    client.cookies["django_language"] = "en"

    page = client.get("/kiosk/").content.decode()

    # kiosk.js words and shows it when the station's place or the pilot's title comes in
    # another language than the screen's: one note in the header, whichever it is.
    header = page[page.index('<header class="kiosk-header">') : page.index("</header>")]
    assert header.count('class="korean-only"') == 1
    assert '<span class="korean-only" id="kiosk-korean-note" hidden></span>' in header
    strings = page[page.index('id="kiosk-strings"') :]
    assert '"placeKoreanOnly": "(place written in Korean only)"' in strings
    assert '"placeAndPilotKoreanOnly": "(place and pilot\'s name written in Korean only)"' in strings


# --- The staff API and the admin ------------------------------------------------------------


def test_the_api_takes_and_lists_the_english_place_as_written(api, setup, staff_user):
    client = api(staff_user)

    added = client.post(
        f"/api/v1/pilots/{setup.pilot.pk}/stations/", {"name": KOREAN, "name_en": f" {ENGLISH}"}
    )
    without = client.post(f"/api/v1/pilots/{setup.pilot.pk}/stations/", {"name": KOREAN_ONLY})
    listed = client.get(f"/api/v1/pilots/{setup.pilot.pk}/stations/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert (added.status_code, without.status_code) == (201, 201)
    assert (added.json()["name"], added.json()["name_en"]) == (KOREAN, ENGLISH)
    assert (without.json()["name"], without.json()["name_en"]) == (KOREAN_ONLY, "")
    assert sorted((row["name"], row["name_en"]) for row in listed) == [(KOREAN, ENGLISH), (KOREAN_ONLY, "")]


@pytest.mark.parametrize("name_en", ["Gate 2\x07", "x" * 151], ids=["bell", "long"])
def test_the_api_refuses_a_bad_english_place(api, setup, staff_user, name_en):
    response = api(staff_user).post(
        f"/api/v1/pilots/{setup.pilot.pk}/stations/", {"name": KOREAN, "name_en": name_en}
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["name_en"]
    assert not Station.objects.exists()


def test_the_admin_edits_and_finds_the_english_place(client, bilingual):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get(f"/admin/donations/station/{bilingual.station.pk}/change/").content.decode()
    found = client.get("/admin/donations/station/", {"q": "Unchon"}).content.decode()
    changed = client.post(
        f"/admin/donations/station/{bilingual.station.pk}/change/",
        {"pilot": bilingual.station.pilot_id, "name": KOREAN, "name_en": "Unchon Park\x1b"},
    )

    assert 'name="name_en"' in page and f'value="{ENGLISH}"' in page
    assert f"{KOREAN}</a>" in found
    assert changed.status_code == 200 and ONE_LINE_KO in changed.content.decode()
    assert Station.objects.get().name_en == ENGLISH
