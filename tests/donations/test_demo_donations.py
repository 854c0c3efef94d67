"""The demo's donation station: seed_demo gives the running pilot a station, donations, a
company's read and results, and writes what the device and the analyser need to a file only its
owner reads; the two commands start from that file against a live server, as `make run` does."""

import json
import stat
import time
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from accounts.models import AuditAction, AuditEntry, Notification
from donations import selectors, services
from donations.models import (
    DataRead,
    DataReadDonor,
    Donation,
    DonationDeletion,
    DonationResult,
    DonationSource,
    Reading,
    ResultLevel,
    Station,
)
from pilots.models import Pilot, PilotConsent, PilotDataRequest, PilotMilestone, PilotUpdate, PilotVolunteer

RUNNING_PILOT = "남구 독거 어르신 낙상 감지 실증"
STATION_NAME = "푸른길공원 2번 출입구 건강측정소"
STATION_NAME_EN = "Pureungil Park gate 2 health station"
DONATION_MODELS = (Station, Donation, Reading, DataRead, DataReadDonor, DonationResult, DonationDeletion)


def _seed(path) -> str:
    out = StringIO()
    call_command("seed_demo", donations_file=path, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DONATION_MODELS}


@pytest.fixture
def demo_file(tmp_path):
    return tmp_path / "var" / "demo-donations.json"


@pytest.mark.django_db
def test_the_running_pilot_gets_a_station_donations_a_read_and_results(demo_file):
    output = _seed(demo_file)

    pilot = Pilot.objects.get(title=RUNNING_PILOT)
    station = Station.objects.get(pilot=pilot, revoked_at__isnull=True)
    assert (station.name, station.name_en) == (STATION_NAME, STATION_NAME_EN)
    saved = json.loads(demo_file.read_text(encoding="utf-8"))
    # Owner-only: it holds a station key and an API token.
    assert stat.S_IMODE(demo_file.stat().st_mode) == 0o600
    assert selectors.station_authenticate(key=saved["station_key"]) == station
    assert saved["station_id"] == station.pk and saved["pilot_id"] == pilot.pk
    assert (
        Token.objects.get(key=saved["company_token"]).user.username == saved["company_member"] == "company1"
    )
    assert saved["company"] == "bitgyeol-medical-ai" and saved["donor"] == "citizen4"
    # Only its hash is in the database, and the command's output does not show it either.
    assert saved["station_key"] not in output and station.key_hash != saved["station_key"]

    donations = Donation.objects.filter(volunteer__pilot=pilot)
    assert donations.count() == 5
    assert set(donations.values_list("source", "station")) == {(DonationSource.STATION, station.pk)}
    donors = {
        username: PilotVolunteer.objects.get(pilot=pilot, user__username=username)
        for username in ("citizen4", "citizen6", "citizen10")
    }
    assert {name: donations.filter(volunteer=v).count() for name, v in donors.items()} == {
        "citizen4": 2,
        "citizen6": 1,
        "citizen10": 2,
    }
    assert sorted(tuple(r.values.values()) for r in Reading.objects.filter(volunteer=donors["citizen6"])) == [
        (118.0, 76.0, 68.0)
    ]

    read = DataRead.objects.get(pilot=pilot)
    assert (read.company.slug, read.user.username, read.rows) == ("bitgyeol-medical-ai", "company1", 5)
    assert {(row.volunteer_id, row.rows) for row in read.donors.all()} == {
        (donors["citizen4"].pk, 2),
        (donors["citizen6"].pk, 1),
        (donors["citizen10"].pk, 2),
    }

    results = DonationResult.objects.filter(pilot=pilot).order_by("volunteer__user__username")
    assert [(r.volunteer.user.username, r.level, r.value, r.unit) for r in results] == [
        ("citizen4", ResultLevel.SEE_DOCTOR, 146, "mmHg"),
        ("citizen6", ResultLevel.NORMAL, 118, "mmHg"),
    ]
    assert results[0].text.startswith("혈압이 높습니다(146/88 mmHg).")
    assert all(result.donation.volunteer == result.volunteer for result in results)
    assert Notification.objects.filter(user__username="citizen4", title__contains="빛결메디칼AI").exists()


@pytest.mark.django_db
def test_the_donor_sees_the_station_the_read_and_the_result_on_my_donations(demo_file, client):
    from accounts.models import User

    _seed(demo_file)
    client.force_login(User.objects.get(username="citizen4"))
    client.cookies["django_language"] = "ko"

    html = client.get("/me/donations/").content.decode()

    assert STATION_NAME in html
    assert "빛결메디칼AI: " in html and "내 기록 2건을 열람했습니다" in html
    assert "혈압이 높습니다(146/88 mmHg)." in html
    assert STATION_NAME_EN not in html


@pytest.mark.django_db
def test_a_donor_reading_english_sees_the_stations_english_place_on_my_donations(demo_file, client):
    from accounts.models import User

    _seed(demo_file)
    client.force_login(User.objects.get(username="citizen4"))
    client.cookies["django_language"] = "en"

    html = client.get("/me/donations/").content.decode()

    assert STATION_NAME_EN in html and STATION_NAME not in html


@pytest.mark.django_db
def test_seeding_twice_changes_nothing_and_keeps_the_key(demo_file):
    _seed(demo_file)
    counts, contents, modified = _counts(), demo_file.read_bytes(), demo_file.stat().st_mtime_ns

    _seed(demo_file)

    assert _counts() == counts
    assert demo_file.read_bytes() == contents and demo_file.stat().st_mtime_ns == modified
    assert not Station.objects.filter(revoked_at__isnull=False).exists()


@pytest.mark.django_db
def test_a_station_seeded_before_english_places_gets_its_english_place_and_keeps_its_key(demo_file):
    _seed(demo_file)
    # As a database seeded before stations had an English place holds it.
    Station.objects.update(name_en="")
    station = Station.objects.get()
    key = json.loads(demo_file.read_text())["station_key"]

    _seed(demo_file)

    assert list(Station.objects.all()) == [station]
    station.refresh_from_db()
    assert (station.name, station.name_en, station.revoked_at) == (STATION_NAME, STATION_NAME_EN, None)
    assert json.loads(demo_file.read_text())["station_key"] == key
    assert selectors.station_authenticate(key=key) == station
    entry = AuditEntry.objects.get(action=AuditAction.STATION_RENAME)
    assert (entry.before["name_en"], entry.after["name_en"]) == ("", STATION_NAME_EN)


@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["missing", "key of another database", "not json"])
def test_a_lost_key_revokes_the_station_and_registers_it_again(demo_file, damage):
    _seed(demo_file)
    old_key = json.loads(demo_file.read_text())["station_key"]
    old_station = Station.objects.get()
    donations = Donation.objects.count()
    if damage == "missing":
        demo_file.unlink()
    elif damage == "key of another database":
        saved = json.loads(demo_file.read_text())
        demo_file.write_text(json.dumps({**saved, "station_key": "st_" + "x" * 43}))
    else:
        demo_file.write_text("{not json")

    _seed(demo_file)

    old_station.refresh_from_db()
    new_station = Station.objects.get(revoked_at__isnull=True)
    saved = json.loads(demo_file.read_text())
    assert old_station.revoked_at is not None
    assert (new_station.name, new_station.name_en) == (STATION_NAME, STATION_NAME_EN)
    assert selectors.station_authenticate(key=saved["station_key"]) == new_station
    assert selectors.station_authenticate(key=old_key) is None
    assert saved["station_id"] == new_station.pk
    assert stat.S_IMODE(demo_file.stat().st_mode) == 0o600
    # The donors' data is theirs, not the station's: nothing is added or lost.
    assert Donation.objects.count() == donations


@pytest.mark.django_db
def test_a_donor_who_withdrew_is_not_donated_for_again(demo_file):
    _seed(demo_file)
    volunteer = PilotVolunteer.objects.get(pilot__title=RUNNING_PILOT, user__username="citizen4")
    data_request = volunteer.pilot.data_requests.current().get()
    services.consent_withdraw(volunteer=volunteer, data_request=data_request)
    services.consent_give(volunteer=volunteer, data_request=data_request)
    counts = _counts()

    _seed(demo_file)

    assert _counts() == counts
    assert not Donation.objects.filter(volunteer=volunteer).exists()


# --- The device and the analyser start from the file, against a live server -----------------


@pytest.mark.django_db(transaction=True)
def test_the_analyser_and_the_device_run_from_the_file(demo_file, live_server):
    _seed(demo_file)
    saved = json.loads(demo_file.read_text())
    pilot = Pilot.objects.get(pk=saved["pilot_id"])
    answered = DonationResult.objects.count()
    analyser_out = StringIO()

    call_command("run_demo_analyser", config=demo_file, url=live_server.url, once=True, stdout=analyser_out)

    # The three donations seed_demo left unanswered are answered now, by the file's company.
    assert DonationResult.objects.count() == answered + 3
    assert not Donation.objects.filter(volunteer__pilot=pilot, results__isnull=True).exists()
    assert set(DonationResult.objects.values_list("company__slug", flat=True)) == {saved["company"]}
    assert f"Analysing pilot {pilot.pk}" in analyser_out.getvalue()

    volunteer = PilotVolunteer.objects.get(pilot=pilot, user__username=saved["donor"])
    _donor_code, code = services.donor_code_issue(volunteer=volunteer)
    station = Station.objects.get(pk=saved["station_id"])
    visit = services.station_visit_open(station=station, code=code)
    device_out = StringIO()

    call_command(
        "play_station_device",
        config=demo_file,
        url=live_server.url,
        interval=0.2,
        measure_seconds=0,
        once=True,
        stdout=device_out,
    )

    donation = Donation.objects.get(visit=visit)
    assert donation.station == station and donation.volunteer == volunteer
    assert f"Device of “{STATION_NAME}”" in device_out.getvalue()


@pytest.mark.parametrize("command", ["play_station_device", "run_demo_analyser"])
def test_a_file_without_what_the_command_needs_stops_it(tmp_path, command):
    config = tmp_path / "demo-donations.json"
    config.write_text(json.dumps({"station": STATION_NAME}))

    with pytest.raises(CommandError, match="--config"):
        call_command(command, config=config, url="http://127.0.0.1:9", once=True, stdout=StringIO())


@pytest.mark.parametrize("command", ["play_station_device", "run_demo_analyser"])
def test_a_missing_file_stops_the_command_with_its_path(tmp_path, command):
    with pytest.raises(CommandError, match="Cannot read .*nowhere.json"):
        call_command(command, config=tmp_path / "nowhere.json", once=True, stdout=StringIO())


@pytest.mark.parametrize(
    ("command", "secrets"),
    [
        ("play_station_device", {"station_key": "st_" + "x" * 43}),
        ("run_demo_analyser", {"company_token": "x" * 40, "pilot_id": 1}),
    ],
)
def test_started_before_the_site_each_waits_for_it_then_gives_up(tmp_path, command, secrets):
    config = tmp_path / "demo-donations.json"
    config.write_text(json.dumps(secrets))
    started = time.monotonic()

    # Port 9 (discard) has no listener here: nothing ever answers.
    with pytest.raises(CommandError):
        call_command(command, config=config, url="http://127.0.0.1:9", wait=1.5, once=True, stdout=StringIO())

    assert time.monotonic() - started >= 1.5


@pytest.mark.django_db
def test_the_demo_asks_for_its_data_in_korean_and_english(demo_file):
    _seed(demo_file)

    requests = list(PilotDataRequest.objects.all())
    assert requests
    for data_request in requests:
        assert data_request.category_label_en and data_request.purpose_en and data_request.recipient_en
        assert all(field["label_en"] for field in data_request.fields)
        assert data_request.consent_text_en.startswith("I agree to donate the following data")
        assert f": {data_request.category_label_en}. " in data_request.consent_text_en
        # Each text in its own language, the pilot's title too.
        assert f"“{data_request.pilot.title_en}”" in data_request.consent_text_en
        assert f"“{data_request.pilot.title}”" in data_request.consent_text
    assert not Pilot.objects.filter(title_en="").exists()
    assert not Pilot.objects.filter(description_en="").exists()
    assert not Pilot.objects.filter(venue_en="").exists()
    assert not PilotMilestone.objects.filter(title_en="").exists()
    assert not PilotUpdate.objects.filter(body_en="").exists()
    # What the demo's volunteers agreed to, they read in the language they use the site in.
    for consent in PilotConsent.objects.select_related("volunteer__user", "data_request"):
        assert consent.language == consent.volunteer.user.preferred_language
        assert consent.consent_text == consent.data_request.consent_text_in(consent.language).text


@pytest.mark.django_db
def test_the_demo_offers_a_station_code_only_where_a_station_takes_the_donors_data(demo_file, client):
    from accounts.models import User

    _seed(demo_file)
    client.cookies["django_language"] = "ko"
    # citizen1 consented to the medication record of a pilot with no station: nothing to show a code to.
    medication = PilotVolunteer.objects.get(user__username="citizen1", consents__withdrawn_at__isnull=True)
    assert not Station.objects.filter(pilot=medication.pilot).exists()
    client.force_login(medication.user)

    pilot_page = client.get(f"/pilots/{medication.pilot_id}/").content.decode()
    mine = client.get("/me/donations/").content.decode()
    code_page = client.post(f"/me/donations/code/{medication.pilot_id}/")

    assert "측정소에서 기부하기" not in pilot_page and "측정소에서 기부하기" not in mine
    assert code_page.status_code == 409
    assert "기부 측정소가 없어 코드를 드릴 수 없습니다" in code_page.content.decode()

    # citizen4 donates blood pressure at the running pilot's station, and is told where it is.
    client.force_login(User.objects.get(username="citizen4"))
    running = Pilot.objects.get(title=RUNNING_PILOT)

    assert "측정소에서 기부하기" in client.get(f"/pilots/{running.pk}/").content.decode()
    code_page = client.post(f"/me/donations/code/{running.pk}/").content.decode()
    assert f"측정소: <strong>{STATION_NAME}</strong>" in code_page and "donor-code-value" in code_page
