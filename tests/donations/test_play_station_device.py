"""The demo's measuring device: it talks to the station API over HTTP, as a real one would."""

import random
import re
from io import StringIO

import pytest
from django.core.management import call_command

from donations import services
from donations.management.commands.play_station_device import plausible_reading
from donations.models import Donation

from .factories import BLOOD_PRESSURE_FIELDS, donation_pilot
from .stations import register_station

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_device_posts_one_plausible_reading_for_the_open_visit(live_server, company):
    setup = donation_pilot(company=company)
    registered = register_station(setup.pilot)
    _donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)
    visit = services.station_visit_open(station=registered.station, code=code)
    out = StringIO()

    call_command(
        "play_station_device",
        key=registered.key,
        url=live_server.url,
        interval=0.2,
        measure_seconds=0,
        once=True,
        seed=7,
        stdout=out,
    )

    donation = Donation.objects.get()
    assert donation.visit == visit and donation.station == registered.station
    values = donation.readings.get().values
    assert set(values) == {"systolic", "diastolic", "pulse"}
    log = out.getvalue()
    assert f"Visit {visit.pk}: posted a reading of blood_pressure" in log
    # What it logs names neither the donor nor what was measured.
    assert setup.volunteer.donor_id not in log and setup.volunteer.user.username not in log
    numbers = set(re.findall(r"\d+", log.replace(f"donation {donation.pk}", "")))
    assert not numbers & {str(value) for value in values.values()}


def test_plausible_readings_stay_within_every_range():
    rng = random.Random(3)

    readings = [plausible_reading(BLOOD_PRESSURE_FIELDS, rng) for _ in range(500)]

    for field in BLOOD_PRESSURE_FIELDS:
        numbers = [reading[field["code"]] for reading in readings]
        assert field["min"] <= min(numbers) and max(numbers) <= field["max"]
    assert any(reading["systolic"] >= 140 for reading in readings)
    assert any(reading["systolic"] < 130 for reading in readings)


def test_the_device_refuses_to_start_with_a_wrong_key(live_server, company):
    donation_pilot(company=company)

    with pytest.raises(Exception, match="refused the device"):
        call_command("play_station_device", key="st_wrong", url=live_server.url, once=True, stdout=StringIO())
