"""Staff register a pilot's donation stations and revoke them, from the page and the API.

The key is answered once, to the registration itself: only its hash is stored, it is in no
session, message, log entry or later page, and a revoked key no longer authenticates.
Personas as in tests/pilots/factories.py; dave's company (other_company) runs another pilot.
"""

import hashlib
import json

import pytest
from django.test import Client

from accounts.models import AuditAction, AuditEntry
from donations.models import Station
from donations.selectors import station_authenticate
from donations.services import station_register
from pilots.models import Pilot, PilotStage
from tests.conftest import client_for
from tests.donations import stations
from tests.donations.stations import station_client
from tests.pilots.factories import PILOT_PERSONAS

pytestmark = pytest.mark.django_db

# A running pilot with its company, another company's, and the permission matrix's personas.
pilot, other_pilot, everyone = stations.pilot, stations.other_pilot, stations.everyone

PLACE = "운천저수지 공원 2번 출입구"


@pytest.fixture
def registered(pilot, staff_user):
    return station_register(pilot=pilot, by=staff_user, name="풍암호수 건강측정소")


def page_client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page_url(pilot) -> str:
    return f"/pilots/{pilot.pk}/stations/"


def _everything_stored(client: Client) -> str:
    """Every row of the tables a key could leak into, the session and the cookies, as text."""
    rows = [
        list(Station.objects.values()),
        list(AuditEntry.objects.values("before", "after", "target_label")),
    ]
    session = dict(client.session.items())
    return json.dumps([rows, session, {k: v.value for k, v in client.cookies.items()}], default=str)


# --- The page -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_only_staff_open_the_stations_page(everyone, pilot, registered, persona):
    response = page_client(everyone[persona]).get(page_url(pilot))

    if persona == "staff":
        assert response.status_code == 200 and "풍암호수 건강측정소" in response.content.decode()
    elif persona == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_only_staff_register_and_revoke(everyone, pilot, registered, persona):
    client = page_client(everyone[persona])

    added = client.post(page_url(pilot), {"action": "register", "name": PLACE})
    revoked = client.post(page_url(pilot), {"action": "revoke", "station": registered.station.pk})

    registered.station.refresh_from_db()
    if persona == "staff":
        assert (added.status_code, revoked.status_code) == (200, 302)
        assert Station.objects.filter(pilot=pilot, name=PLACE, revoked_at__isnull=True).count() == 1
        assert registered.station.revoked_at is not None
    else:
        assert added.status_code in (302, 403) and revoked.status_code in (302, 403)
        assert list(Station.objects.all()) == [registered.station]
        assert registered.station.revoked_at is None


def test_the_key_is_shown_once_right_after_registering_and_only_its_hash_is_kept(everyone, pilot, staff_user):
    client = page_client(staff_user)

    response = client.post(page_url(pilot), {"action": "register", "name": PLACE})

    key = response.context["registered"].key
    body = response.content.decode()
    station = Station.objects.get(name=PLACE)
    assert response.status_code == 200
    assert f"{key}</textarea>" in body and "한 번만" in body
    assert "no-store" in response["Cache-Control"]
    assert station.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert station_authenticate(key=key) == station
    assert key not in _everything_stored(client)
    # Never again: not on the next view of the page, not anywhere else it could be read from.
    later = client.get(page_url(pilot)).content.decode()
    assert key not in later and station.name in later


def test_registering_and_revoking_are_audited_without_the_key(everyone, pilot, staff_user):
    client = page_client(staff_user)
    key = client.post(page_url(pilot), {"action": "register", "name": PLACE}).context["registered"].key
    station = Station.objects.get(name=PLACE)

    client.post(page_url(pilot), {"action": "revoke", "station": station.pk})

    entries = AuditEntry.objects.filter(target_type="station", target_id=station.pk).order_by("id")
    assert [(e.action, e.actor) for e in entries] == [
        (AuditAction.STATION_REGISTER, staff_user),
        (AuditAction.STATION_REVOKE, staff_user),
    ]
    assert entries[0].after["name"] == PLACE and entries[0].after["pilot_id"] == pilot.pk
    assert entries[1].before["revoked_at"] is None and entries[1].after["revoked_at"]
    assert key not in _everything_stored(client)
    logged = json.dumps([[e.before, e.after, e.target_label] for e in entries])
    assert station.key_prefix not in logged


def test_a_revoked_key_no_longer_authenticates_and_revoking_again_changes_nothing(
    staff_user, pilot, registered
):
    client = page_client(staff_user)
    assert station_authenticate(key=registered.key) == registered.station

    first = client.post(page_url(pilot), {"action": "revoke", "station": registered.station.pk}, follow=True)
    revoked_at = Station.objects.get().revoked_at
    client.post(page_url(pilot), {"action": "revoke", "station": registered.station.pk})

    assert station_authenticate(key=registered.key) is None
    assert Station.objects.get().revoked_at == revoked_at
    assert AuditEntry.objects.filter(action=AuditAction.STATION_REVOKE).count() == 1
    body = first.content.decode()
    assert "폐기됨" in body and 'value="revoke"' not in body


@pytest.mark.parametrize(
    ("name", "status"),
    [("", 400), ("   ", 400), ("가" * 151, 400), ("공원\x00입구", 400), ("공원\n입구", 400)],
    ids=["empty", "spaces", "too long", "NUL", "line break"],
)
def test_a_bad_place_is_named_on_its_field_and_stores_nothing(staff_user, pilot, name, status):
    response = page_client(staff_user).post(page_url(pilot), {"action": "register", "name": name})

    assert response.status_code == status
    assert response.context["form"].errors["name"]
    assert response.context["registered"] is None
    assert not Station.objects.exists() and not AuditEntry.objects.exists()


def test_a_closed_pilot_takes_no_new_station_but_still_revokes(staff_user, pilot, registered):
    Pilot.objects.filter(pk=pilot.pk).update(stage=PilotStage.COMPLETED)
    client = page_client(staff_user)

    added = client.post(page_url(pilot), {"action": "register", "name": PLACE})
    revoked = client.post(page_url(pilot), {"action": "revoke", "station": registered.station.pk})

    assert added.status_code == 400 and added.context["form"].non_field_errors()
    assert revoked.status_code == 302
    assert list(Station.objects.all()) == [registered.station]
    assert station_authenticate(key=registered.key) is None


def test_another_pilots_station_cannot_be_revoked_from_this_pilots_page(staff_user, pilot, other_pilot):
    theirs = station_register(pilot=other_pilot, by=staff_user, name="다른 측정소")

    page_client(staff_user).post(page_url(pilot), {"action": "revoke", "station": theirs.station.pk})

    assert station_authenticate(key=theirs.key) == theirs.station


@pytest.mark.parametrize("station", ["", "abc", "-1", "99999999999999999999999"])
def test_an_altered_revoke_form_revokes_nothing(staff_user, pilot, registered, station):
    response = page_client(staff_user).post(page_url(pilot), {"action": "revoke", "station": station})

    assert response.status_code in (302, 404)
    assert station_authenticate(key=registered.key) == registered.station


# --- The API --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_only_staff_list_register_and_revoke_through_the_api(everyone, pilot, registered, persona):
    client = client_for(everyone[persona])

    listed = client.get(f"/api/v1/pilots/{pilot.pk}/stations/")
    added = client.post(f"/api/v1/pilots/{pilot.pk}/stations/", {"name": PLACE})
    revoked = client.post(f"/api/v1/pilots/{pilot.pk}/stations/{registered.station.pk}/revoke/")

    statuses = (listed.status_code, added.status_code, revoked.status_code)
    if persona == "staff":
        assert statuses == (200, 201, 200)
        assert station_authenticate(key=registered.key) is None
        assert station_authenticate(key=added.json()["key"]).name == PLACE
    else:
        assert statuses == (403, 403, 403)
        assert list(Station.objects.all()) == [registered.station]
        assert station_authenticate(key=registered.key) == registered.station


def test_the_api_answers_the_key_once(api, staff_user, pilot):
    client = api(staff_user)

    added = client.post(f"/api/v1/pilots/{pilot.pk}/stations/", {"name": PLACE})
    listed = client.get(f"/api/v1/pilots/{pilot.pk}/stations/")

    key = added.json()["key"]
    assert key.startswith("st_") and len(key) > 40
    assert "no-store" in added["Cache-Control"]
    assert listed.json() == [
        {
            "id": added.json()["id"],
            "pilot": pilot.pk,
            "name": PLACE,
            "name_en": "",
            "created_at": added.json()["created_at"],
            "last_seen_at": None,
            "revoked_at": None,
            "is_active": True,
        }
    ]
    assert key not in listed.content.decode()
    assert Station.objects.get().key_hash == hashlib.sha256(key.encode()).hexdigest()


def test_the_api_names_a_bad_place_and_stores_nothing(api, staff_user, pilot):
    empty = api(staff_user).post(f"/api/v1/pilots/{pilot.pk}/stations/", {"name": ""})
    too_long = api(staff_user).post(f"/api/v1/pilots/{pilot.pk}/stations/", {"name": "가" * 151})

    assert (empty.status_code, too_long.status_code) == (400, 400)
    assert "name" in empty.json()["error"]["fields"] and "name" in too_long.json()["error"]["fields"]
    assert not Station.objects.exists()


def test_another_pilots_station_is_not_found_through_this_pilot(api, staff_user, pilot, other_pilot):
    theirs = station_register(pilot=other_pilot, by=staff_user, name="다른 측정소")

    response = api(staff_user).post(f"/api/v1/pilots/{pilot.pk}/stations/{theirs.station.pk}/revoke/")

    assert response.status_code == 404
    assert station_authenticate(key=theirs.key) == theirs.station


def test_the_station_list_reads_a_fixed_number_of_queries(api, staff_user, pilot, django_assert_num_queries):
    for number in range(3):
        station_register(pilot=pilot, by=staff_user, name=f"측정소 {number}")
    client = api(staff_user)

    with django_assert_num_queries(2):  # the pilot, the stations
        response = client.get(f"/api/v1/pilots/{pilot.pk}/stations/")

    assert [row["name"] for row in response.json()] == ["측정소 0", "측정소 1", "측정소 2"]


def test_a_station_whose_tablet_never_called_is_not_said_to_be_working(staff_user, pilot, registered):
    client = page_client(staff_user)
    client.cookies["django_language"] = "en"

    before = client.get(page_url(pilot)).content.decode()
    station_client(registered.key).get("/api/v1/station/")
    after = client.get(page_url(pilot)).content.decode()

    assert '<span class="status">Not connected yet</span>' in before and ">Working<" not in before
    assert '<span class="status">Working</span>' in after and "Not connected yet" not in after
