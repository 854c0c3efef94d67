"""The whole donation loop as deployed: the API, the pages and the station API on the real
PostgreSQL, Redis and a real Celery worker that sends the donor's email and runs the retention
task. Nothing here is mocked.

consent → a station's reading → the company reads it → its result → the donor sees it (My
donations, the station's screen, an email) → the donor withdraws → the company's next read gets
nothing and the rows are gone → the consent receipt shows the grant and the withdrawal; and a
donation past its retention is deleted by the task on the worker.
"""

import datetime
import email
import email.policy
import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification, NotificationKind
from config import celery_app
from donations.models import DataRead, DeletionReason, Donation, DonationDeletion, DonationResult, Reading
from donations.tasks import donations_delete_expired
from pilots.models import PilotStage
from tests.accounts.factories import PASSWORD, UserFactory
from tests.matching.worker import Worker, wait_until
from tests.pilots.factories import PilotFactory

from .factories import BLOOD_PRESSURE_FIELDS, HIGH_READING, NORMAL_READING
from .stations import station_client

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

TIMEOUT = 60
RESULT_TEXT = "혈압이 높습니다. 가까운 병원에서 진료를 받아 보세요."


@pytest.fixture
def mail_dir(tmp_path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def worker(tmp_path, mail_dir):
    celery_app.control.purge()
    started = Worker(tmp_path, extra_env={"TEST_WORKER_EMAIL_DIR": str(mail_dir)}).start()
    yield started
    started.stop()
    celery_app.control.purge()


def _with_token(username: str) -> APIClient:
    """A client signed in as a script would be: with the token it got for its password."""
    response = APIClient().post("/api/v1/auth/token/", {"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.content
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def _donor_code(page: Client, pilot_id: int) -> str:
    """The code the donor's phone shows, read off their code page."""
    response = page.post(f"/me/donations/code/{pilot_id}/")
    assert response.status_code == 200, response.content
    return re.search(r'class="donor-code-value"[^>]*>([0-9A-Z ]+)<', response.content.decode()).group(1)


def _open_visit(station: APIClient, code: str) -> dict:
    return _ok(station.post("/api/v1/station/visits/", {"code": code}), 201)


def _measure(station: APIClient, visit: dict, values: dict) -> dict:
    """What the measuring device posts: one reading of the visit's donor."""
    url = f"/api/v1/station/visits/{visit['id']}/readings/"
    return _ok(station.post(url, {"category": "blood_pressure", "values": values}), 201)


def _volunteer_and_consent(donor: APIClient, pilot_id: int, request_id: int) -> None:
    _ok(donor.post(f"/api/v1/pilots/{pilot_id}/volunteer/", {}), 201)
    _ok(donor.post(f"/api/v1/pilots/{pilot_id}/data-requests/{request_id}/consent/", {"agree": True}), 201)


def _emails(mail_dir: Path) -> list[email.message.EmailMessage]:
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        # The file backend writes each message followed by a line of 79 dashes.
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                messages.append(email.message_from_bytes(raw, policy=email.policy.default))
    return messages


def test_a_donation_goes_round_the_loop_and_is_gone_when_consent_is_withdrawn(
    carol, company, staff_user, worker, mail_dir
):
    erin = UserFactory(username="erin", email="erin@example.org")
    gina = UserFactory(username="gina")
    pilot = PilotFactory(stage=PilotStage.RECRUITING, companies=[company])
    staff, reader, donor = _with_token("staff"), _with_token("carol"), _with_token("erin")
    readings_url = f"/api/v1/pilots/{pilot.pk}/donations/readings/"

    # Staff ask for blood pressure and register the park's station; its key is shown once.
    data_request = _ok(
        staff.post(
            f"/api/v1/pilots/{pilot.pk}/data-requests/",
            {
                "category_code": "blood_pressure",
                "category_label": "혈압과 맥박",
                "fields": BLOOD_PRESSURE_FIELDS,
                "purpose": "공원 건강측정소에서 혈압 변화를 실시간으로 알려 드리기 위해",
                "recipient_companies": [company.slug],
                "retention_days": 30,
            },
        ),
        201,
    )
    station = station_client(
        _ok(staff.post(f"/api/v1/pilots/{pilot.pk}/stations/", {"name": "운천저수지 공원 2번 출입구"}), 201)[
            "key"
        ]
    )

    # erin volunteers, consents, and wants her results by email too.
    _volunteer_and_consent(donor, pilot.pk, data_request["id"])
    _ok(
        donor.put(
            "/api/v1/notifications/preferences/",
            [{"kind": NotificationKind.DONATION_RESULT.value, "in_app": True, "email": True}],
        )
    )
    erin_page = _signed_in(erin)

    # At the station: her one-time code opens a visit, and the measuring device posts a reading.
    visit = _open_visit(station, _donor_code(erin_page, pilot.pk))
    reading = _measure(station, visit, HIGH_READING)
    donor_id = visit["donor_id"]

    # The company reads it under her pseudonym, and the read is recorded.
    read = _ok(reader.get(readings_url))
    assert [(row["donor"]["donor_id"], row["values"]) for row in read["results"]] == [
        (donor_id, HIGH_READING)
    ]
    assert read["results"][0]["donor"]["name"] is None
    assert DataRead.objects.get().rows == 1

    # Its result goes back to her: the station's screen shows it, My donations too.
    _ok(
        reader.post(
            f"/api/v1/pilots/{pilot.pk}/donations/results/",
            {
                "donor": donor_id,
                "donation": reading["donation_id"],
                "text": RESULT_TEXT,
                "value": "162",
                "unit": "mmHg",
                "level": "see_doctor",
            },
        ),
        201,
    )
    screen = _ok(station.get(f"/api/v1/station/visits/{visit['id']}/"))
    assert [(result["text"], result["level"]) for result in screen["results"]] == [
        (RESULT_TEXT, "see_doctor")
    ]
    my_donations = erin_page.get("/me/donations/").content.decode()
    assert RESULT_TEXT in my_donations and str(HIGH_READING["systolic"]) in my_donations

    # The worker emails her the notification: that a result came, not the result itself.
    notification = Notification.objects.get(user=erin, kind=NotificationKind.DONATION_RESULT)
    [sent] = wait_until(lambda: _emails(mail_dir), TIMEOUT, message="the result's email")
    assert sent["To"] == "erin@example.org"
    # Folded, as a long Korean subject is; unfolded it is the notification's title.
    assert sent["Subject"].strip() == notification.title
    assert company.name in notification.title and pilot.title in notification.title
    assert f"/me/donations/#pilot-{pilot.pk}" in sent.get_content()
    assert RESULT_TEXT not in sent.get_content()
    wait_until(
        lambda: Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).exists(),
        TIMEOUT,
        message="the notification marked emailed",
    )

    # She withdraws on My donations, not keeping what she gave.
    withdrawn = erin_page.post(
        f"/me/donations/{pilot.pk}/withdraw/", {"data_request": data_request["id"], "keep_donations": "off"}
    )
    assert (withdrawn.status_code, withdrawn["Location"]) == (302, "/me/donations/")

    # The company's next read gets nothing of hers, and her rows are gone; only that they were
    # deleted is kept, and the result she received stays hers.
    assert _ok(reader.get(readings_url, {"donor": donor_id}))["results"] == []
    assert _ok(reader.get(readings_url))["results"] == []
    assert not Donation.objects.filter(volunteer__user=erin).exists()
    assert not Reading.objects.filter(volunteer__user=erin).exists()
    deletion = DonationDeletion.objects.get(volunteer__user=erin)
    assert (deletion.reason, deletion.donations, deletion.readings) == (DeletionReason.WITHDRAWAL, 1, 1)
    result = DonationResult.objects.get()
    assert (result.volunteer.user, result.donation) == (erin, None)
    # The station's screen, still open, shows nothing of a donation that no longer exists.
    assert _ok(station.get(f"/api/v1/station/visits/{visit['id']}/"))["readings"] == []

    # Her receipt holds the grant and the withdrawal, and the deletion that followed.
    receipt = _ok(donor.get(f"/api/v1/me/donations/{pilot.pk}/receipt/"))
    [service] = receipt["services"]
    assert [event["event"] for event in service["events"]] == ["granted", "withdrawn", "deleted"]
    assert service["events"][1]["keeps_donations"] is False
    assert service["consents"][0]["withdrawn_at"] is not None
    assert receipt["piiPrincipalId"] == donor_id

    # gina donates twice; the first donation is past its retention, and the periodic task,
    # run on the worker, deletes it and only it.
    other_donor = _with_token("gina")
    _volunteer_and_consent(other_donor, pilot.pk, data_request["id"])
    visit = _open_visit(station, _donor_code(_signed_in(gina), pilot.pk))
    expired = _measure(station, visit, NORMAL_READING)
    fresh = _measure(station, visit, HIGH_READING)
    Donation.objects.filter(pk=expired["donation_id"]).update(
        delete_after=timezone.now() - datetime.timedelta(minutes=1)
    )

    swept = donations_delete_expired.apply_async(ignore_result=False).get(timeout=TIMEOUT)

    assert swept == {"donors": 1, "donations": 1, "readings": 1}
    assert list(Donation.objects.values_list("pk", flat=True)) == [fresh["donation_id"]]
    assert DonationDeletion.objects.get(volunteer__user=gina).reason == DeletionReason.RETENTION
    assert [row["values"] for row in _ok(reader.get(readings_url))["results"]] == [HIGH_READING]
