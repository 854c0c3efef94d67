"""The permission matrix of data donation: every endpoint and page, each method, against every
persona, asserting the answer and what changed in the database.

The world: a recruiting blood-pressure pilot of carol's company (the recipient). erin (the donor)
consented and gave one reading at the pilot's station during a visit still open, which carol's
company answered with a result; gina volunteers too but consented to nothing. frank's company
joined the pilot after the request was made, so it receives none of its data; dave's company runs
another pilot, with a station of its own. A second station of this pilot was revoked.

People call the API with their token and the pages with their session; a station calls with its
key, which means nothing outside the station API: there a station is no one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import AuditEntry, Notification
from donations import page_urls, selectors, services, uploads, urls
from donations.models import (
    DataRead,
    Donation,
    DonationDeletion,
    DonationResult,
    DonorCode,
    Reading,
    Station,
    StationVisit,
)
from pilots.models import Pilot, PilotConsent, PilotDataRequest, PilotStage, PilotVolunteer
from tests.accounts.factories import UserFactory
from tests.pilots.factories import VolunteerFactory

from .factories import HIGH_READING, NORMAL_READING, DonationPilot, donation_pilot
from .readers import reader_personas
from .stations import register_station, station_client
from .test_data_request_pages import posted as data_request_form
from .test_upload import GOOD_CSV

pytestmark = pytest.mark.django_db

PEOPLE = (
    "anonymous",
    "citizen",
    "donor",
    "other_volunteer",
    "company_member",
    "non_recipient_member",
    "other_company_member",
    "staff",
)
STATIONS = ("station", "other_pilot_station", "revoked_station")
PERSONAS = PEOPLE + STATIONS
# Outside the station API a station's key is ignored: it is as signed out as anonymous.
SIGNED_OUT = ("anonymous", *STATIONS)
# Anyone signed in may volunteer while the pilot recruits, company members and staff too.
NOT_YET_VOLUNTEERS = ("citizen", "company_member", "non_recipient_member", "other_company_member", "staff")
# A redirect to the log-in page, as a page answers someone signed out.
LOG_IN = "log in"


def expect(default: int | str, *, signed_out: int | str | None = None, **by_persona: int | str) -> dict:
    """The answer per persona: `default` unless named; `signed_out` for anonymous and stations."""
    statuses = {persona: default for persona in PERSONAS}
    if signed_out is not None:
        statuses.update(dict.fromkeys(SIGNED_OUT, signed_out))
    unknown = set(by_persona) - set(PERSONAS)
    assert not unknown, unknown
    return statuses | by_persona


def station_api(*, station: int, other_pilot_station: int) -> dict:
    """The station API: only a station's key opens it; a revoked key and a person get 401."""
    return expect(401, station=station, other_pilot_station=other_pilot_station)


# --- The world ------------------------------------------------------------------------------


@dataclass
class World:
    setup: DonationPilot
    users: dict
    keys: dict[str, str]
    visit: StationVisit
    donation: Donation
    other_volunteer: PilotVolunteer
    other_pilot: Pilot
    stations: dict[str, Station] = field(default_factory=dict)

    @property
    def pilot(self) -> Pilot:
        return self.setup.pilot

    @property
    def data_request(self) -> PilotDataRequest:
        return self.setup.data_request

    @property
    def donor_id(self) -> str:
        return self.setup.volunteer.donor_id


@pytest.fixture
def world(personas, company, other_company) -> World:
    setup = donation_pilot(company=company, stage=PilotStage.RECRUITING)
    everyone = reader_personas(personas, setup)
    other_pilot = Pilot.objects.get(companies=other_company)
    gina = UserFactory(username="gina")
    other_volunteer = VolunteerFactory(pilot=setup.pilot, user=gina)

    station = register_station(setup.pilot)
    revoked = register_station(setup.pilot, name="풍암호수 건강측정소")
    services.station_revoke(station=revoked.station, by=personas["staff"])
    other_pilot_station = register_station(other_pilot, name="무등산 입구 측정소")

    _donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)
    visit = services.station_visit_open(station=station.station, code=code)
    donation = services.station_reading_add(
        station=station.station, visit=visit, category="blood_pressure", values=HIGH_READING
    )
    services.donation_result_post(
        pilot=setup.pilot,
        company=company,
        by=personas["company_member"],
        donor_id=setup.volunteer.donor_id,
        donation_id=donation.pk,
        text="혈압이 높습니다. 병원 진료를 권합니다.",
    )
    users = {
        "anonymous": None,
        "citizen": everyone["citizen"],
        "donor": everyone["volunteer"],
        "other_volunteer": gina,
        "company_member": everyone["company_member"],
        "non_recipient_member": everyone["non_recipient_member"],
        "other_company_member": everyone["other_company_member"],
        "staff": everyone["staff"],
    }
    return World(
        setup=setup,
        users=users,
        keys={
            "station": station.key,
            "other_pilot_station": other_pilot_station.key,
            "revoked_station": revoked.key,
        },
        stations={"station": station.station, "revoked_station": revoked.station},
        visit=visit,
        donation=donation,
        other_volunteer=other_volunteer,
        other_pilot=other_pilot,
    )


def api_client(world: World, persona: str) -> APIClient:
    if persona in STATIONS:
        return station_client(world.keys[persona])
    client = APIClient()
    user = world.users[persona]
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def page_client(world: World, persona: str) -> Client:
    if persona in STATIONS:
        # A tablet's browser holding the key: the pages know no station.
        return Client(HTTP_AUTHORIZATION=f"Station {world.keys[persona]}")
    client = Client()
    user = world.users[persona]
    if user is not None:
        client.force_login(user)
    return client


# --- What may change ------------------------------------------------------------------------


def database_state() -> dict[str, int]:
    now = timezone.now()
    return {
        "data requests": PilotDataRequest.objects.count(),
        "current data requests": PilotDataRequest.objects.current().count(),
        "volunteers": PilotVolunteer.objects.filter(left_at__isnull=True).count(),
        "volunteers sharing identity": PilotVolunteer.objects.filter(share_identity=True).count(),
        "consents": PilotConsent.objects.count(),
        "active consents": PilotConsent.objects.filter(withdrawn_at__isnull=True).count(),
        "donor codes": DonorCode.objects.count(),
        "used donor codes": DonorCode.objects.filter(used_at__isnull=False).count(),
        "visits": StationVisit.objects.count(),
        "open visits": StationVisit.objects.filter(closes_at__gt=now).count(),
        "donations": Donation.objects.count(),
        "readings": Reading.objects.count(),
        "deletions": DonationDeletion.objects.count(),
        "reads": DataRead.objects.count(),
        "results": DonationResult.objects.count(),
        "notifications": Notification.objects.count(),
        "stations": Station.objects.count(),
        "active stations": Station.objects.filter(revoked_at__isnull=True).count(),
        "stations named": Station.objects.filter(name_en="Unchon Reservoir Park, gate 2").count(),
        "audit entries": AuditEntry.objects.count(),
    }


def changed(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {name for name in before if before[name] != after[name]}


WITHDRAWAL = {"active consents", "donations", "readings", "deletions"}
DATA_REQUEST_ADDED = {"data requests", "current data requests", "audit entries"}
# The donor consented: a change is a new request replacing the old one, not one more.
# The donor consented to the request, so replacing it tells them to consent again.
DATA_REQUEST_REPLACED = {"data requests", "audit entries", "notifications"}
STATION_REGISTERED = {"stations", "active stations", "audit entries"}
STATION_REVOKED = {"active stations", "audit entries"}
STATION_RENAMED = {"stations named", "audit entries"}


# --- The tables -----------------------------------------------------------------------------

Request = tuple[str, str, dict | None]


@dataclass(frozen=True)
class Row:
    name: str
    request: Callable[[World], Request]
    statuses: dict
    # What the action changes for each persona allowed to do it; for anyone else, nothing.
    writes: dict[str, set[str]] = field(default_factory=dict)


def _pilot(world: World, path: str = "") -> str:
    return f"/api/v1/pilots/{world.pilot.pk}/{path}"


def _station(path: str = "") -> str:
    return f"/api/v1/station/{path}"


def _fresh_code(world: World) -> str:
    _donor_code, code = services.donor_code_issue(volunteer=world.setup.volunteer)
    return code


API_MATRIX = [
    # Staff: data requests. Reading them is for anyone who can see the pilot.
    Row(
        "list data requests",
        lambda w: ("get", _pilot(w, "data-requests/"), None),
        expect(200),
    ),
    Row(
        "ask for a category of data",
        lambda w: (
            "post",
            _pilot(w, "data-requests/"),
            {
                "category_code": "steps",
                "category_label": "걸음 수",
                "purpose": "활동량",
                "retention_days": 30,
            },
        ),
        expect(403, staff=201),
        {"staff": DATA_REQUEST_ADDED},
    ),
    Row(
        "read a data request",
        lambda w: ("get", _pilot(w, f"data-requests/{w.data_request.pk}/"), None),
        expect(200),
    ),
    Row(
        "change a data request",
        lambda w: ("patch", _pilot(w, f"data-requests/{w.data_request.pk}/"), {"retention_days": 90}),
        expect(403, staff=200),
        {"staff": DATA_REQUEST_REPLACED},
    ),
    # Volunteering and consent: each person for themselves.
    Row(
        "my part in the pilot",
        lambda w: ("get", _pilot(w, "volunteer/"), None),
        expect(404, signed_out=403, donor=200, other_volunteer=200),
    ),
    Row(
        "volunteer",
        lambda w: ("post", _pilot(w, "volunteer/"), {}),
        expect(201, signed_out=403, donor=409, other_volunteer=409),
        {persona: {"volunteers"} for persona in NOT_YET_VOLUNTEERS},
    ),
    Row(
        "share my identity",
        lambda w: ("patch", _pilot(w, "volunteer/"), {"share_identity": True}),
        expect(404, signed_out=403, donor=200, other_volunteer=200),
        {"donor": {"volunteers sharing identity"}, "other_volunteer": {"volunteers sharing identity"}},
    ),
    Row(
        "leave the pilot",
        lambda w: ("delete", _pilot(w, "volunteer/"), None),
        expect(404, signed_out=403, donor=200, other_volunteer=200),
        {"donor": WITHDRAWAL | {"volunteers"}, "other_volunteer": {"volunteers"}},
    ),
    Row(
        "consent",
        lambda w: ("post", _pilot(w, f"data-requests/{w.data_request.pk}/consent/"), {"agree": True}),
        expect(404, signed_out=403, donor=409, other_volunteer=201),
        {"other_volunteer": {"consents", "active consents"}},
    ),
    Row(
        "withdraw consent",
        lambda w: ("delete", _pilot(w, f"data-requests/{w.data_request.pk}/consent/"), None),
        expect(404, signed_out=403, donor=200),
        {"donor": WITHDRAWAL},
    ),
    Row(
        "my consent receipt",
        lambda w: ("get", f"/api/v1/me/donations/{w.pilot.pk}/receipt/", None),
        expect(404, signed_out=403, donor=200, other_volunteer=200),
    ),
    # What the pilot's companies may know of the donations: counts, and the names and emails of
    # the volunteers who share them with a company they donate to. Any of the pilot's companies
    # asks, and its read is recorded (of no one here: erin does not share); staff are not.
    Row(
        "what the companies may know of the donations",
        lambda w: ("get", _pilot(w, "donations/"), None),
        expect(403, company_member=200, non_recipient_member=200, staff=200),
        {"company_member": {"reads"}, "non_recipient_member": {"reads"}},
    ),
    # Companies: only a member of a company the data goes to.
    Row(
        "read donated readings",
        lambda w: ("get", _pilot(w, "donations/readings/"), None),
        expect(403, company_member=200),
        {"company_member": {"reads"}},
    ),
    Row(
        "list results sent",
        lambda w: ("get", _pilot(w, "donations/results/"), None),
        expect(403, company_member=200),
    ),
    Row(
        "send a result",
        lambda w: (
            "post",
            _pilot(w, "donations/results/"),
            {"donor": w.donor_id, "donation": w.donation.pk, "text": "정상 범위입니다.", "level": "normal"},
        ),
        expect(403, company_member=201),
        {"company_member": {"results", "notifications"}},
    ),
    # The station API: a station of this pilot, and nothing of this pilot for another's.
    Row(
        "the station itself",
        lambda w: ("get", _station(), None),
        station_api(station=200, other_pilot_station=200),
    ),
    Row(
        "the station's visits",
        lambda w: ("get", _station("visits/"), None),
        station_api(station=200, other_pilot_station=200),
    ),
    Row(
        "open a visit with the donor's code",
        lambda w: ("post", _station("visits/"), {"code": _fresh_code(w)}),
        station_api(station=201, other_pilot_station=404),
        # The visit before it closes: a station measures one donor at a time.
        {"station": {"visits", "used donor codes"}},
    ),
    Row(
        "the donor's screen",
        lambda w: ("get", _station(f"visits/{w.visit.pk}/"), None),
        station_api(station=200, other_pilot_station=404),
    ),
    Row(
        "post a reading",
        lambda w: (
            "post",
            _station(f"visits/{w.visit.pk}/readings/"),
            {"category": "blood_pressure", "values": NORMAL_READING},
        ),
        station_api(station=201, other_pilot_station=404),
        {"station": {"donations", "readings"}},
    ),
    Row(
        "close the visit",
        lambda w: ("post", _station(f"visits/{w.visit.pk}/close/"), None),
        station_api(station=200, other_pilot_station=404),
        {"station": {"open visits"}},
    ),
    # Staff: stations.
    Row(
        "list stations",
        lambda w: ("get", _pilot(w, "stations/"), None),
        expect(403, staff=200),
    ),
    Row(
        "register a station",
        lambda w: ("post", _pilot(w, "stations/"), {"name": "광주천 산책로 측정소"}),
        expect(403, staff=201),
        {"staff": STATION_REGISTERED},
    ),
    Row(
        "correct a station's place",
        lambda w: (
            "patch",
            _pilot(w, f"stations/{w.stations['station'].pk}/"),
            {"name_en": "Unchon Reservoir Park, gate 2"},
        ),
        expect(403, staff=200),
        {"staff": STATION_RENAMED},
    ),
    Row(
        "revoke a station",
        lambda w: ("post", _pilot(w, f"stations/{w.stations['station'].pk}/revoke/"), None),
        expect(403, staff=200),
        {"staff": STATION_REVOKED},
    ),
]


def _reviewed_rows_of_the_donor(world: World) -> str:
    return uploads.upload_sign(
        rows=[uploads.UploadRow(number=1, cells=dict(NORMAL_READING))],
        volunteer_id=world.setup.volunteer.pk,
        data_request_id=world.data_request.pk,
    )


def _participation(action: str, **fields) -> Callable[[World], Request]:
    return lambda w: (
        "post",
        f"/pilots/{w.pilot.pk}/participation/",
        {"action": action, "data_request": w.data_request.pk, **fields},
    )


def _my_donations(w: World, path: str = "") -> str:
    return f"/me/donations/{w.pilot.pk}/{path}"


# Pages: anyone signed out goes to log in. A page redirects after acting; a refusal answers 400
# with the page and its message, or goes back to the page with it: what changed tells who acted.
PAGE_MATRIX = [
    Row(
        "participation, opened",
        lambda w: ("get", f"/pilots/{w.pilot.pk}/participation/", None),
        expect(302, signed_out=LOG_IN),
    ),
    Row(
        "participation: volunteer",
        _participation("join"),
        expect(302, signed_out=LOG_IN, donor=400, other_volunteer=400),
        {persona: {"volunteers"} for persona in NOT_YET_VOLUNTEERS},
    ),
    Row(
        "participation: consent",
        _participation("consent", agree="on"),
        expect(400, signed_out=LOG_IN, other_volunteer=302),
        {"other_volunteer": {"consents", "active consents"}},
    ),
    Row(
        "participation: withdraw",
        _participation("withdraw", keep_donations="off"),
        expect(400, signed_out=LOG_IN, donor=302),
        {"donor": WITHDRAWAL},
    ),
    Row(
        "participation: leave",
        _participation("leave", keep_donations="off"),
        expect(400, signed_out=LOG_IN, donor=302, other_volunteer=302),
        {"donor": WITHDRAWAL | {"volunteers"}, "other_volunteer": {"volunteers"}},
    ),
    Row(
        "data request form",
        lambda w: ("get", f"/pilots/{w.pilot.pk}/data-requests/new/", None),
        expect(403, signed_out=LOG_IN, staff=200),
    ),
    Row(
        "data request form: save",
        lambda w: (
            "post",
            f"/pilots/{w.pilot.pk}/data-requests/new/",
            data_request_form(w.pilot.companies.get(slug="bitgoeul-care"), category_code="pulse_only"),
        ),
        expect(403, signed_out=LOG_IN, staff=302),
        {"staff": DATA_REQUEST_ADDED},
    ),
    Row(
        "data request change form",
        lambda w: ("get", f"/pilots/{w.pilot.pk}/data-requests/{w.data_request.pk}/change/", None),
        expect(403, signed_out=LOG_IN, staff=200),
    ),
    Row(
        "data request change form: save",
        lambda w: (
            "post",
            f"/pilots/{w.pilot.pk}/data-requests/{w.data_request.pk}/change/",
            data_request_form(w.pilot.companies.get(slug="bitgoeul-care"), retention_days="90"),
        ),
        expect(403, signed_out=LOG_IN, staff=302),
        {"staff": DATA_REQUEST_REPLACED},
    ),
    Row(
        "stations page",
        lambda w: ("get", f"/pilots/{w.pilot.pk}/stations/", None),
        expect(403, signed_out=LOG_IN, staff=200),
    ),
    Row(
        "stations page: register",
        lambda w: (
            "post",
            f"/pilots/{w.pilot.pk}/stations/",
            {"action": "register", "name": "광주천 측정소"},
        ),
        expect(403, signed_out=LOG_IN, staff=200),
        {"staff": STATION_REGISTERED},
    ),
    Row(
        "stations page: correct a place",
        lambda w: (
            "post",
            f"/pilots/{w.pilot.pk}/stations/",
            {
                "action": "rename",
                "station": w.stations["station"].pk,
                "name": "운천저수지 공원 2번 출입구",
                "name_en": "Unchon Reservoir Park, gate 2",
            },
        ),
        expect(403, signed_out=LOG_IN, staff=302),
        {"staff": STATION_RENAMED},
    ),
    Row(
        "stations page: revoke",
        lambda w: (
            "post",
            f"/pilots/{w.pilot.pk}/stations/",
            {"action": "revoke", "station": w.stations["station"].pk},
        ),
        expect(403, signed_out=LOG_IN, staff=302),
        {"staff": STATION_REVOKED},
    ),
    # Everyone's My donations is their own: the page shows and changes only what is theirs.
    Row(
        "my donations",
        lambda w: ("get", "/me/donations/", None),
        expect(200, signed_out=LOG_IN),
    ),
    Row(
        "my donations: withdraw",
        lambda w: (
            "post",
            _my_donations(w, "withdraw/"),
            {"data_request": w.data_request.pk, "keep_donations": "off"},
        ),
        expect(404, signed_out=LOG_IN, donor=302, other_volunteer=400),
        {"donor": WITHDRAWAL},
    ),
    Row(
        "my donations: leave",
        lambda w: ("post", _my_donations(w, "withdraw/"), {"action": "leave", "keep_donations": "off"}),
        expect(404, signed_out=LOG_IN, donor=302, other_volunteer=302),
        {"donor": WITHDRAWAL | {"volunteers"}, "other_volunteer": {"volunteers"}},
    ),
    Row(
        "my donations: share my name and email",
        lambda w: ("post", _my_donations(w, "identity/"), {"share_identity": "on"}),
        # Only a volunteer's own choice, for a pilot they still take part in.
        expect(404, signed_out=LOG_IN, donor=302, other_volunteer=302),
        {"donor": {"volunteers sharing identity"}, "other_volunteer": {"volunteers sharing identity"}},
    ),
    Row(
        "upload a file to review",
        lambda w: (
            "post",
            _my_donations(w, f"{w.data_request.pk}/upload/"),
            {"file": SimpleUploadedFile("export.csv", GOOD_CSV.encode())},
        ),
        # The review stores nothing, even for the donor.
        expect(404, signed_out=LOG_IN, donor=200, other_volunteer=400),
    ),
    Row(
        "confirm the donor's reviewed rows",
        lambda w: (
            "post",
            _my_donations(w, f"{w.data_request.pk}/upload/confirm/"),
            {"rows": _reviewed_rows_of_the_donor(w)},
        ),
        expect(404, signed_out=LOG_IN, donor=302, other_volunteer=302),
        {"donor": {"donations", "readings"}},
    ),
    Row(
        "my consent receipt, to read and print",
        lambda w: ("get", _my_donations(w, "receipt/"), None),
        # Each volunteer's own: there is none of someone else's to open, city staff's neither.
        expect(404, signed_out=LOG_IN, donor=200, other_volunteer=200),
    ),
    Row(
        "donor code page",
        lambda w: ("get", f"/me/donations/code/{w.pilot.pk}/", None),
        # Someone who does not volunteer is sent to the pilot's page to volunteer first.
        expect(302, signed_out=LOG_IN, donor=200, other_volunteer=200),
    ),
    Row(
        "donor code page: ask for a code",
        lambda w: ("post", f"/me/donations/code/{w.pilot.pk}/", {}),
        expect(302, signed_out=LOG_IN, donor=200, other_volunteer=409),
        {"donor": {"donor codes"}},
    ),
    Row(
        "kiosk",
        lambda w: ("get", "/kiosk/", None),
        # A tablet with no account: the page is public; everything else needs the key.
        expect(200),
    ),
]


def _outcome(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith(reverse(settings.LOGIN_URL)):
        return LOG_IN
    return response.status_code


def _call_api(world: World, persona: str, method: str, url: str, payload):
    return getattr(api_client(world, persona), method)(url, payload, format="json")


def _open_page(world: World, persona: str, method: str, url: str, payload):
    return getattr(page_client(world, persona), method)(url, payload or {})


def _everyone_tries(world: World, row: Row, call) -> dict[str, tuple[int | str, set[str]]]:
    """Each persona's answer and what it changed in the database, each on the same world: what
    one persona did is rolled back before the next tries."""
    seen = {}
    for persona in PERSONAS:
        with transaction.atomic():
            method, url, payload = row.request(world)
            before = database_state()
            response = call(world, persona, method, url, payload)
            seen[persona] = (_outcome(response), changed(before, database_state()))
            transaction.set_rollback(True)
    return seen


def _expected(row: Row) -> dict[str, tuple[int | str, set[str]]]:
    return {persona: (row.statuses[persona], row.writes.get(persona, set())) for persona in PERSONAS}


@pytest.mark.parametrize("row", API_MATRIX, ids=[row.name for row in API_MATRIX])
def test_api_permission_matrix(world, row):
    assert _everyone_tries(world, row, _call_api) == _expected(row)


@pytest.mark.parametrize("row", PAGE_MATRIX, ids=[row.name for row in PAGE_MATRIX])
def test_page_permission_matrix(world, row):
    assert _everyone_tries(world, row, _open_page) == _expected(row)


# --- What the allowed see is theirs ---------------------------------------------------------


def test_another_pilots_station_lists_none_of_this_pilots_visits(world):
    own = api_client(world, "station").get("/api/v1/station/visits/").json()["results"]
    others = api_client(world, "other_pilot_station").get("/api/v1/station/visits/").json()["results"]

    assert [visit["id"] for visit in own] == [world.visit.pk]
    assert others == []


def test_each_volunteer_gets_only_their_own_receipt_and_part(world):
    receipts = {
        persona: api_client(world, persona).get(f"/api/v1/me/donations/{world.pilot.pk}/receipt/").json()
        for persona in ("donor", "other_volunteer")
    }

    assert receipts["donor"]["piiPrincipalId"] == world.donor_id
    assert [service["category_code"] for service in receipts["donor"]["services"]] == ["blood_pressure"]
    assert receipts["other_volunteer"]["piiPrincipalId"] == world.other_volunteer.donor_id
    assert receipts["other_volunteer"]["services"] == []
    assert world.donor_id not in str(receipts["other_volunteer"])


@pytest.mark.parametrize("persona", [p for p in PEOPLE if p not in ("anonymous", "donor")])
def test_no_one_but_the_donor_sees_the_donors_values_and_result_on_my_donations(world, persona):
    page = page_client(world, persona).get("/me/donations/").content.decode()
    mine = page_client(world, "donor").get("/me/donations/").content.decode()

    # A donated value is shown in a cell of its own.
    assert 'class="value"' in mine and "병원 진료를 권합니다" in mine
    assert 'class="value"' not in page and "병원 진료를 권합니다" not in page
    assert world.donor_id not in page


# --- The tables cover every endpoint --------------------------------------------------------

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


def _covered(world: World, matrix: list[Row]) -> set[tuple[str, str]]:
    covered = set()
    for row in matrix:
        method, url, _payload = row.request(world)
        covered.add((resolve(url).url_name, method))
    return covered


def test_the_api_matrix_covers_every_endpoint_and_method(world):
    routes = {
        (pattern.name, method)
        for pattern in urls.urlpatterns
        for method in HTTP_METHODS
        if hasattr(pattern.callback.view_class, method)
    }

    assert routes - _covered(world, API_MATRIX) == set()


def test_the_page_matrix_covers_every_page(world):
    names = {pattern.name for pattern in page_urls.urlpatterns}

    assert names - {name for name, _method in _covered(world, PAGE_MATRIX)} == set()


def test_every_persona_is_who_the_matrix_says(world):
    """A matrix of people who are not who it says proves nothing."""
    pilot, donor = world.pilot, world.setup.volunteer
    assert donor.user == world.users["donor"] and donor.consents.filter(withdrawn_at__isnull=True).exists()
    assert not world.other_volunteer.consents.exists()
    assert world.users["citizen"].volunteering.count() == 0
    recipients = set(world.data_request.recipient_companies.all())
    members = {
        persona: set(pilot.companies.filter(memberships__user=world.users[persona]))
        for persona in PEOPLE[4:7]
    }
    assert members["company_member"] <= recipients and members["company_member"]
    assert members["non_recipient_member"] and not members["non_recipient_member"] & recipients
    assert members["other_company_member"] == set()
    assert world.users["other_company_member"].memberships.get().company in world.other_pilot.companies.all()
    assert Station.objects.get(pk=world.stations["revoked_station"].pk).revoked_at is not None
    assert selectors.station_authenticate(key=world.keys["other_pilot_station"]).pilot == world.other_pilot
