"""Staff correct a station's place, in Korean and in English, from the stations page and the API:
checked as when registering, refused for a revoked station, audited, and with the key left as it
was, so the device keeps working under the corrected place.
Personas as in tests/pilots/factories.py; dave's company (other_company) runs another pilot.
"""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts.models import AuditAction, AuditEntry
from core.errors import ApplicationError, ErrorKind
from donations import services
from donations.models import Station
from donations.selectors import station_authenticate
from tests.conftest import client_for
from tests.core.test_control_characters_refused import ONE_LINE_KO
from tests.donations import stations
from tests.donations.stations import station_client
from tests.pages import signed_in_client
from tests.pilots.factories import PILOT_PERSONAS

pytestmark = pytest.mark.django_db

# A running pilot with its company, another company's, and the permission matrix's personas.
pilot, other_pilot, everyone = stations.pilot, stations.other_pilot, stations.everyone

OLD = "운천저수지 공원 2번 출입구"
NEW = "운천저수지 공원 3번 출입구"
NEW_EN = "Unchon Reservoir Park, gate 3"
STAFF_ONLY_KO = "시 담당자만 실증 사업을 운영할 수 있습니다."
REVOKED_KO = "폐기된 측정소라서 장소를 더 이상 바꿀 수 없습니다."
REVOKED_EN = "This station was revoked, so its place can no longer be changed."
BLANK_KO = "이 필드는 빈 칸으로 둘 수 없습니다."
ONE_LINE_EN = "Write this on one line, without line breaks, tabs or other control characters."


@pytest.fixture
def registered(pilot, staff_user):
    """A station registered before stations had an English place."""
    return services.station_register(pilot=pilot, by=staff_user, name=OLD)


def _place(station: Station) -> tuple[str, str]:
    station.refresh_from_db()
    return station.name, station.name_en


def _page(pilot) -> str:
    return f"/pilots/{pilot.pk}/stations/"


def _rename(client, pilot, station, **fields):
    return client.post(
        _page(pilot), {"action": "rename", "station": station.pk, "name": NEW, "name_en": NEW_EN, **fields}
    )


def _api(pilot, station) -> str:
    return f"/api/v1/pilots/{pilot.pk}/stations/{station.pk}/"


# --- The service ----------------------------------------------------------------------------


def test_staff_correct_the_place_and_the_station_keeps_its_key(registered, staff_user):
    station = registered.station
    key_hash = station.key_hash

    services.station_rename(station=station, by=staff_user, name=f"  {NEW} ", name_en=f" {NEW_EN}  ")

    assert _place(station) == (NEW, NEW_EN)
    assert station.key_hash == key_hash
    assert station_authenticate(key=registered.key) == station
    # The device, with the key it was given, now reads the corrected place.
    assert station_client(registered.key, "en").get("/api/v1/station/").json()["name"] == NEW_EN
    assert station_client(registered.key, "ko").get("/api/v1/station/").json()["name"] == NEW


@pytest.mark.parametrize("persona", ["author", "company_member", "other_company_member", "volunteer"])
def test_only_city_staff_correct_a_place(everyone, registered, persona):
    with pytest.raises(ApplicationError) as refused:
        services.station_rename(station=registered.station, by=everyone[persona], name=NEW, name_en=NEW_EN)

    assert refused.value.message == STAFF_ONLY_KO
    assert _place(registered.station) == (OLD, "")
    assert not AuditEntry.objects.filter(action=AuditAction.STATION_RENAME).exists()


@pytest.mark.parametrize(("language", "message"), [("ko", REVOKED_KO), ("en", REVOKED_EN)])
def test_a_revoked_station_keeps_its_place(registered, staff_user, language, message):
    services.station_revoke(station=registered.station, by=staff_user)

    with translation.override(language), pytest.raises(ApplicationError) as refused:
        services.station_rename(station=registered.station, by=staff_user, name=NEW, name_en=NEW_EN)

    assert (refused.value.message, refused.value.kind) == (message, ErrorKind.CONFLICT)
    assert _place(registered.station) == (OLD, "")
    assert not AuditEntry.objects.filter(action=AuditAction.STATION_RENAME).exists()


@pytest.mark.parametrize(
    ("name", "name_en", "field"),
    [
        ("", NEW_EN, "name"),
        ("   ", NEW_EN, "name"),
        ("가" * 151, NEW_EN, "name"),
        ("공원\x00입구", NEW_EN, "name"),
        ("공원\n입구", NEW_EN, "name"),
        (NEW, "Gate\x072", "name_en"),
        (NEW, "x" * 151, "name_en"),
    ],
    ids=["empty", "spaces", "too long", "NUL", "line break", "bell in English", "English too long"],
)
def test_a_bad_place_is_refused_on_its_field_and_changes_nothing(
    registered, staff_user, name, name_en, field
):
    with pytest.raises(ValidationError) as refused:
        services.station_rename(station=registered.station, by=staff_user, name=name, name_en=name_en)

    assert list(refused.value.message_dict) == [field]
    assert _place(registered.station) == (OLD, "")
    assert not AuditEntry.objects.filter(action=AuditAction.STATION_RENAME).exists()


@pytest.mark.parametrize(
    ("language", "blank", "one_line"),
    [
        ("ko", BLANK_KO, ONE_LINE_KO),
        ("en", "This field cannot be blank.", ONE_LINE_EN),
    ],
)
def test_the_refusals_are_in_the_staff_members_language(registered, staff_user, language, blank, one_line):
    with translation.override(language):
        with pytest.raises(ValidationError) as empty:
            services.station_rename(station=registered.station, by=staff_user, name=" ", name_en="")
        with pytest.raises(ValidationError) as escape:
            services.station_rename(station=registered.station, by=staff_user, name=NEW, name_en="Gate\x1b3")
        # The messages are lazy: read in the language they were refused in.
        refusals = (empty.value.message_dict, escape.value.message_dict)

    assert refusals == ({"name": [blank]}, {"name_en": [one_line]})


def test_the_change_is_audited_with_both_places_before_and_after_and_no_key(registered, staff_user):
    services.station_rename(station=registered.station, by=staff_user, name=NEW, name_en=NEW_EN)

    entry = AuditEntry.objects.get(action=AuditAction.STATION_RENAME)
    assert (entry.actor, entry.target_type, entry.target_id) == (staff_user, "station", registered.station.pk)
    assert (entry.before["name"], entry.before["name_en"]) == (OLD, "")
    assert (entry.after["name"], entry.after["name_en"]) == (NEW, NEW_EN)
    assert entry.after["revoked_at"] is None and entry.after["pilot_id"] == registered.station.pilot_id
    logged = json.dumps([entry.before, entry.after, entry.target_label])
    assert registered.key not in logged and registered.station.key_prefix not in logged


def test_the_same_place_again_changes_nothing_and_records_nothing(registered, staff_user):
    services.station_rename(station=registered.station, by=staff_user, name=f" {OLD} ", name_en="")

    assert _place(registered.station) == (OLD, "")
    assert not AuditEntry.objects.filter(action=AuditAction.STATION_RENAME).exists()


def test_the_audit_log_names_the_change_in_the_staff_members_language(registered, staff_user):
    services.station_rename(station=registered.station, by=staff_user, name=OLD, name_en=NEW_EN)

    korean = signed_in_client(staff_user, "ko").get("/staff/audit/?action=station_rename").content.decode()
    english = signed_in_client(staff_user, "en").get("/staff/audit/?action=station_rename").content.decode()

    assert "기부 측정소 장소 수정" in korean and f"→ {NEW_EN}" in korean
    assert "Changed a donation station&#x27;s place" in english and f"→ {NEW_EN}" in english


# --- The stations page ----------------------------------------------------------------------


@pytest.mark.parametrize(("language", "summary"), [("ko", "장소 수정…"), ("en", "Edit place…")])
def test_staff_find_each_live_stations_place_form_filled_in(pilot, staff_user, language, summary):
    live = services.station_register(pilot=pilot, by=staff_user, name=NEW, name_en=NEW_EN).station
    revoked = services.station_register(pilot=pilot, by=staff_user, name=OLD).station
    services.station_revoke(station=revoked, by=staff_user)

    page = signed_in_client(staff_user, language).get(_page(pilot)).content.decode()

    row = page[page.index(f'id="station-{live.pk}"') :].split("</tr>")[0]
    revoked_row = page[page.index(f'id="station-{revoked.pk}"') :].split("</tr>")[0]
    assert f"<summary>{summary}</summary>" in row
    assert f'name="name" value="{NEW}"' in row and f'name="name_en" value="{NEW_EN}"' in row
    assert f'id="id_station{live.pk}_name"' in row and 'value="rename"' in row
    assert "edit-place" not in revoked_row and 'value="rename"' not in revoked_row


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ko", f"측정소 장소를 고쳤습니다. 이제 장소는 “{NEW}”입니다."),
        ("en", f"The station&#x27;s place is now “{NEW_EN}”."),
    ],
)
def test_staff_save_a_corrected_place_and_are_told_it_in_their_language(
    pilot, staff_user, registered, language, message
):
    client = signed_in_client(staff_user, language)

    response = _rename(client, pilot, registered.station)
    page = client.get(response["Location"]).content.decode()

    assert response.status_code == 302 and response["Location"] == _page(pilot)
    assert _place(registered.station) == (NEW, NEW_EN)
    assert message in page
    assert station_authenticate(key=registered.key) == registered.station
    assert AuditEntry.objects.filter(action=AuditAction.STATION_RENAME, actor=staff_user).count() == 1


@pytest.mark.parametrize(
    ("language", "blank", "one_line"),
    [
        ("ko", "필수 항목입니다.", ONE_LINE_KO),
        ("en", "This field is required.", ONE_LINE_EN),
    ],
)
def test_a_bad_place_is_shown_on_its_field_with_what_was_typed(
    pilot, staff_user, registered, language, blank, one_line
):
    client = signed_in_client(staff_user, language)

    empty = _rename(client, pilot, registered.station, name=" ")
    escape = _rename(client, pilot, registered.station, name_en="Gate\x1b3")

    assert (empty.status_code, escape.status_code) == (400, 400)
    assert empty.context["place_form"].errors == {"name": [blank]}
    assert escape.context["place_form"].errors == {"name_en": [one_line]}
    page = escape.content.decode()
    row = page[page.index(f'id="station-{registered.station.pk}"') :].split("</tr>")[0]
    # The row's form is open, with the error under its field and what was typed still in it.
    assert '<details class="fold edit-place" open>' in row
    assert one_line in row and f'name="name" value="{NEW}"' in row
    assert f'href="#id_station{registered.station.pk}_name_en"' in row
    assert 'class="error-summary"' in row
    assert _place(registered.station) == (OLD, "")
    assert not AuditEntry.objects.filter(action=AuditAction.STATION_RENAME).exists()


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("ko", f'<h3 id="error-summary-heading">측정소 “{OLD}”: 장소를 저장하지 못했습니다</h3>'),
        ("en", f'<h3 id="error-summary-heading">Station “{OLD}”: the place was not saved</h3>'),
    ],
)
def test_a_bad_place_is_told_in_its_stations_row_not_above_the_registration_form(
    pilot, staff_user, registered, language, heading
):
    other = services.station_register(pilot=pilot, by=staff_user, name=NEW).station

    page = _rename(
        signed_in_client(staff_user, language), pilot, registered.station, name=" "
    ).content.decode()

    row = page[page.index(f'id="station-{registered.station.pk}"') :].split("</tr>")[0]
    other_row = page[page.index(f'id="station-{other.pk}"') :].split("</tr>")[0]
    # The error box is in the form that failed, naming its station; nothing above the
    # registration form, nor in the other station's row, reads as failed.
    assert page.count('class="error-summary"') == 1
    assert heading in row and row.index("error-summary") < row.index('name="name"')
    assert "error-summary" not in page[: page.index('id="register"')] and "errorlist" not in other_row


def test_a_revoked_station_is_not_renamed_from_the_page(pilot, staff_user, registered):
    services.station_revoke(station=registered.station, by=staff_user)
    client = signed_in_client(staff_user, "ko")

    response = _rename(client, pilot, registered.station)

    assert response.status_code == 302
    assert REVOKED_KO in client.get(_page(pilot)).content.decode()
    assert _place(registered.station) == (OLD, "")


def test_the_page_and_the_service_refuse_a_revoked_station_in_the_same_words(pilot, staff_user, registered):
    services.station_revoke(station=registered.station, by=staff_user)
    client = signed_in_client(staff_user, "en")

    _rename(client, pilot, registered.station)

    with translation.override("en"):
        said = services.revoked_station_place_message()
        with pytest.raises(ApplicationError) as refused:
            services.station_rename(station=registered.station, by=staff_user, name=NEW, name_en=NEW_EN)
    assert refused.value.message == said == REVOKED_EN
    assert REVOKED_EN in client.get(_page(pilot)).content.decode()


def test_a_bad_place_for_a_station_revoked_meanwhile_is_told_why_nothing_changed(
    pilot, staff_user, registered
):
    """Its row no longer has a form to show the field's error in: the page says the station was
    revoked, rather than coming back with nothing said."""
    services.station_revoke(station=registered.station, by=staff_user)
    client = signed_in_client(staff_user, "ko")

    response = _rename(client, pilot, registered.station, name=" ")

    assert response.status_code == 302
    assert REVOKED_KO in client.get(_page(pilot)).content.decode()
    assert _place(registered.station) == (OLD, "")


def test_another_pilots_station_is_not_renamed_from_this_pilots_page(pilot, other_pilot, staff_user):
    theirs = services.station_register(pilot=other_pilot, by=staff_user, name=OLD).station

    response = _rename(signed_in_client(staff_user, "ko"), pilot, theirs)

    assert response.status_code == 404
    assert _place(theirs) == (OLD, "")


@pytest.mark.parametrize("station", ["", "abc", "-1", "99999999999999999999999"])
def test_an_altered_place_form_renames_nothing(pilot, staff_user, registered, station):
    response = signed_in_client(staff_user, "ko").post(
        _page(pilot), {"action": "rename", "station": station, "name": NEW, "name_en": NEW_EN}
    )

    assert response.status_code in (302, 404)
    assert _place(registered.station) == (OLD, "")


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_only_staff_rename_from_the_page(everyone, pilot, registered, persona):
    client = client_for()
    if everyone[persona] is not None:
        client = signed_in_client(everyone[persona], "ko")

    response = _rename(client, pilot, registered.station)

    if persona == "staff":
        assert response.status_code == 302 and _place(registered.station) == (NEW, NEW_EN)
    else:
        assert response.status_code in (302, 403) and _place(registered.station) == (OLD, "")


# --- The API --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_only_staff_rename_through_the_api(everyone, pilot, registered, persona):
    response = client_for(everyone[persona]).patch(
        _api(pilot, registered.station), {"name_en": NEW_EN}, format="json"
    )

    if persona == "staff":
        assert response.status_code == 200
        assert (response.json()["name"], response.json()["name_en"]) == (OLD, NEW_EN)
        assert _place(registered.station) == (OLD, NEW_EN)
    else:
        assert response.status_code == 403
        assert response.json()["error"]["code"] in ("not_authenticated", "permission_denied")
        assert _place(registered.station) == (OLD, "")


def test_the_api_answers_the_station_as_listed_and_keeps_the_key(api, pilot, staff_user, registered):
    client = api(staff_user)

    changed = client.patch(
        _api(pilot, registered.station), {"name": f" {NEW}", "name_en": NEW_EN}, format="json"
    )
    listed = client.get(f"/api/v1/pilots/{pilot.pk}/stations/").json()

    assert changed.status_code == 200
    assert listed == [changed.json()]
    assert (changed.json()["name"], changed.json()["name_en"], changed.json()["is_active"]) == (
        NEW,
        NEW_EN,
        True,
    )
    assert "key" not in changed.json()
    assert station_authenticate(key=registered.key) == registered.station


def test_another_pilots_station_is_not_found_through_this_pilot(api, pilot, other_pilot, staff_user):
    theirs = services.station_register(pilot=other_pilot, by=staff_user, name=OLD).station

    response = api(staff_user).patch(_api(pilot, theirs), {"name": NEW}, format="json")

    assert response.status_code == 404
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert _place(theirs) == (OLD, "")


@pytest.mark.parametrize(
    ("body", "field"),
    [({"name": ""}, "name"), ({"name": "가" * 151}, "name"), ({"name_en": "Gate\x073"}, "name_en")],
    ids=["empty", "too long", "bell in English"],
)
def test_the_api_names_a_bad_place_in_the_error_shape(api, pilot, staff_user, registered, body, field):
    response = api(staff_user).patch(_api(pilot, registered.station), body, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"} and list(error["fields"]) == [field]
    assert _place(registered.station) == (OLD, "")


@pytest.mark.parametrize(("language", "message"), [("ko", REVOKED_KO), ("en", REVOKED_EN)])
def test_the_api_refuses_a_revoked_station_in_the_callers_language(
    api, pilot, staff_user, registered, language, message
):
    services.station_revoke(station=registered.station, by=staff_user)

    response = api(staff_user).patch(
        _api(pilot, registered.station), {"name": NEW}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 409
    assert response.json() == {"error": {"code": "invalid_status", "message": message, "fields": {}}}
    assert _place(registered.station) == (OLD, "")
