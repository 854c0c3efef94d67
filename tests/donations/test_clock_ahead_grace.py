"""A device's clock may run a little ahead of the server's: a file's row and a stored reading
dated within the same grace after now are taken, and one dated beyond it is refused as measured
in the future, by the file's check and by the store alike."""

import datetime

import pytest
from django.utils import timezone

from core.errors import ApplicationError
from donations import services, uploads
from donations.fields import parse_fields
from donations.models import DonationSource, Reading
from donations.validators import CLOCK_AHEAD_GRACE

from .factories import BLOOD_PRESSURE_FIELDS, NORMAL_READING, donation_pilot

pytestmark = pytest.mark.django_db

WITHIN = CLOCK_AHEAD_GRACE - datetime.timedelta(minutes=1)
BEYOND = CLOCK_AHEAD_GRACE + datetime.timedelta(minutes=1)


def _row_error(ahead: datetime.timedelta) -> str:
    fields = parse_fields(BLOOD_PRESSURE_FIELDS)
    row = uploads.UploadRow(
        number=1,
        cells={"systolic": 121, "diastolic": 79, "pulse": 66},
        measured_at=(timezone.now() + ahead).isoformat(),
    )
    [checked] = uploads.upload_check(rows=[row], fields=fields)
    return checked.error


def _store(setup, ahead: datetime.timedelta):
    return services.donation_store(
        volunteer=setup.volunteer,
        data_request=setup.data_request,
        readings=[services.ReadingInput(values=NORMAL_READING, measured_at=timezone.now() + ahead)],
        source=DonationSource.UPLOAD,
    )


def test_a_file_row_within_the_grace_can_be_sent_and_one_beyond_it_cannot():
    assert (_row_error(WITHIN), _row_error(BEYOND)) == ("", "측정 시각이 미래입니다.")


def test_the_store_takes_a_reading_within_the_grace_and_refuses_one_beyond_it(company):
    setup = donation_pilot(company=company)

    _store(setup, WITHIN)
    with pytest.raises(ApplicationError) as error:
        _store(setup, BEYOND)

    assert error.value.message == "1번째 측정값의 시각이 미래입니다. 아무것도 저장하지 않았습니다."
    assert Reading.objects.count() == 1
