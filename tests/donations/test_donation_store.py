import datetime

import pytest
from django.db import connection

from core.errors import ApplicationError
from donations import services
from donations.models import DeletionReason, Donation, DonationDeletion, DonationSource, Reading

from .factories import HIGH_READING, NORMAL_READING, donate, donation_pilot


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


def test_a_donation_stores_its_readings_encrypted_and_reads_them_back(setup):
    donation = donate(setup, NORMAL_READING, HIGH_READING)

    readings = list(donation.readings.order_by("id"))
    assert [r.values for r in readings] == [NORMAL_READING, HIGH_READING]
    with connection.cursor() as cursor:
        cursor.execute("SELECT values_encrypted FROM donations_reading WHERE donation_id = %s", [donation.pk])
        stored = [row[0] for row in cursor.fetchall()]
    assert all("118" not in token and "systolic" not in token for token in stored)


def test_one_reading_out_of_range_stores_nothing_and_names_the_field(setup):
    with pytest.raises(ApplicationError) as error:
        donate(setup, NORMAL_READING, {**NORMAL_READING, "pulse": 400})

    assert "맥박" in error.value.message and "2" in error.value.message
    assert not Donation.objects.exists() and not Reading.objects.exists()


@pytest.mark.parametrize(
    "measured_at",
    [
        datetime.datetime(1, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(1999, 12, 31, 23, 59, tzinfo=datetime.UTC),
        datetime.datetime(
            2025, 5, 1, 8, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=23, minutes=59))
        ),
    ],
    ids=["year 1", "before 2000", "offset beyond 14 hours"],
)
def test_a_reading_dated_before_any_pilot_or_with_an_impossible_offset_stores_nothing(setup, measured_at):
    with pytest.raises(ApplicationError) as error:
        services.donation_store(
            volunteer=setup.volunteer,
            data_request=setup.data_request,
            readings=[
                services.ReadingInput(values=NORMAL_READING),
                services.ReadingInput(values=NORMAL_READING, measured_at=measured_at),
            ],
            source=DonationSource.UPLOAD,
        )

    assert error.value.message.startswith("2번째 측정값: 측정 시각")
    assert "readings" in error.value.fields
    assert not Donation.objects.exists() and not Reading.objects.exists()


def test_withdrawing_consent_deletes_the_rows_and_records_only_counts(setup):
    donate(setup, NORMAL_READING, HIGH_READING)

    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)

    assert not Reading.objects.exists() and not Donation.objects.exists()
    deletion = DonationDeletion.objects.get()
    assert (deletion.reason, deletion.readings, deletion.donations) == (DeletionReason.WITHDRAWAL, 2, 1)
    with pytest.raises(ApplicationError):
        donate(setup)


def test_a_donor_may_keep_past_donations_when_withdrawing(setup):
    donate(setup)

    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request, keep_donations=True)

    assert Reading.objects.count() == 1 and not DonationDeletion.objects.exists()
