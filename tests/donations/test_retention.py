"""Past its retention a donation is deleted by the periodic task, and the deletion recorded."""

import datetime
import json

import pytest
from django.conf import settings
from django.utils import timezone

from donations import services
from donations.models import DeletionReason, Donation, DonationDeletion, Reading
from donations.tasks import donations_delete_expired

from .factories import HIGH_READING, NORMAL_READING, blood_pressure_request, donate, donation_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


def expire(*donations, days_ago: int = 1):
    Donation.objects.filter(pk__in=[d.pk for d in donations]).update(
        delete_after=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_the_task_deletes_only_expired_donations_and_records_each_donor_and_category(setup, company):
    from tests.accounts.factories import UserFactory
    from tests.pilots.factories import VolunteerFactory

    old = donate(setup, NORMAL_READING, HIGH_READING)
    older = donate(setup, NORMAL_READING)
    fresh = donate(setup, HIGH_READING)
    evening = blood_pressure_request(setup.pilot, code="blood_pressure_evening")
    services.consent_give(volunteer=setup.volunteer, data_request=evening)
    evening_old = services.donation_store(
        volunteer=setup.volunteer,
        data_request=evening,
        readings=[services.ReadingInput(values=NORMAL_READING)],
        source="upload",
    )
    frank = VolunteerFactory(pilot=setup.pilot, user=UserFactory(username="frank"))
    services.consent_give(volunteer=frank, data_request=setup.data_request)
    franks = services.donation_store(
        volunteer=frank,
        data_request=setup.data_request,
        readings=[services.ReadingInput(values=HIGH_READING)],
        source="upload",
    )
    expire(old, older, evening_old, franks)

    summary = donations_delete_expired.apply().get()

    assert summary == {"donors": 3, "donations": 4, "readings": 5}
    assert list(Donation.objects.all()) == [fresh]
    assert Reading.objects.count() == 1
    deletions = {
        (d.volunteer_id, d.data_request_id): (d.reason, d.donations, d.readings)
        for d in DonationDeletion.objects.all()
    }
    assert deletions == {
        (setup.volunteer.pk, setup.data_request.pk): (DeletionReason.RETENTION, 2, 3),
        (setup.volunteer.pk, evening.pk): (DeletionReason.RETENTION, 1, 1),
        (frank.pk, setup.data_request.pk): (DeletionReason.RETENTION, 1, 1),
    }


def test_running_twice_deletes_and_records_the_same_as_once(setup):
    expire(donate(setup))

    first = donations_delete_expired.apply().get()
    second = donations_delete_expired.apply().get()

    assert first == {"donors": 1, "donations": 1, "readings": 1}
    assert second == {"donors": 0, "donations": 0, "readings": 0}
    assert DonationDeletion.objects.count() == 1 and not Donation.objects.exists()


def test_donations_kept_after_a_withdrawal_are_deleted_when_their_retention_ends(setup):
    donation = donate(setup)
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request, keep_donations=True)
    assert Reading.objects.count() == 1

    expire(donation)
    services.donations_delete_expired()

    assert not Reading.objects.exists()
    assert DonationDeletion.objects.get().reason == DeletionReason.RETENTION


def test_nothing_due_records_nothing(setup):
    donate(setup)

    assert services.donations_delete_expired().as_dict() == {"donors": 0, "donations": 0, "readings": 0}
    assert not DonationDeletion.objects.exists() and Reading.objects.count() == 1


def test_a_donation_is_due_exactly_at_its_delete_after(setup):
    donation = donate(setup)
    moment = Donation.objects.get().delete_after

    services.donations_delete_expired(now=moment - datetime.timedelta(seconds=1))
    assert Donation.objects.filter(pk=donation.pk).exists()
    services.donations_delete_expired(now=moment)
    assert not Donation.objects.filter(pk=donation.pk).exists()


def test_the_task_is_scheduled_takes_no_arguments_and_has_time_limits():
    schedule = settings.CELERY_BEAT_SCHEDULE["donations-retention"]
    assert schedule["task"] == donations_delete_expired.name == "donations.tasks.donations_delete_expired"
    assert json.dumps(schedule.get("args", []))  # JSON-serialisable
    assert donations_delete_expired.soft_time_limit < donations_delete_expired.time_limit
    assert donations_delete_expired.acks_late
