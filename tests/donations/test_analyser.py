"""The stand-in company analyser, run against a live server as a real client would."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from accounts.models import Notification
from donations import services
from donations.management.commands.run_demo_analyser import blood_pressure_verdict
from donations.models import DataRead, DonationResult, ResultLevel
from tests.accounts.factories import UserFactory
from tests.pilots.factories import VolunteerFactory

from .factories import HIGH_READING, NORMAL_READING, DonationPilot, donate, donation_pilot

# The live server answers from its own thread and connection: the rows must be committed.
committed = pytest.mark.django_db(transaction=True)

WATCH_READING = {"systolic": 134, "diastolic": 82, "pulse": 72}
FAST_PULSE_READING = {"systolic": 118, "diastolic": 76, "pulse": 124}


def _rows(*values: dict) -> list[dict]:
    return [{"values": v} for v in values]


@pytest.mark.parametrize(
    ("readings", "level"),
    [
        ([NORMAL_READING], ResultLevel.NORMAL),
        ([WATCH_READING], ResultLevel.WATCH),
        ([{"systolic": 128, "diastolic": 86, "pulse": 70}], ResultLevel.WATCH),
        ([HIGH_READING], ResultLevel.SEE_DOCTOR),
        ([{"systolic": 138, "diastolic": 90, "pulse": 70}], ResultLevel.SEE_DOCTOR),
        ([FAST_PULSE_READING], ResultLevel.WATCH),
        ([{"systolic": 118, "diastolic": 76, "pulse": 45}], ResultLevel.WATCH),
        # The mean of one visit's readings is judged: 126/80 is normal.
        (
            [
                {"systolic": 134, "diastolic": 84, "pulse": 70},
                {"systolic": 118, "diastolic": 76, "pulse": 66},
            ],
            "normal",
        ),
    ],
)
def test_the_rules(readings, level):
    assert blood_pressure_verdict(_rows(*readings), language="ko").level == level


def test_the_text_is_in_the_donors_language():
    korean = blood_pressure_verdict(_rows(HIGH_READING), language="ko")
    english = blood_pressure_verdict(_rows(HIGH_READING), language="en")

    assert korean.text.startswith("혈압이 높습니다(162/101 mmHg). 병원 진료를 권합니다.")
    assert english.text.startswith("Your blood pressure is high (162/101 mmHg). Please see a doctor.")
    assert len(korean.text) <= 500 and len(english.text) <= 500


def _analyse(live_server, setup: DonationPilot, token: str) -> str:
    out = StringIO()
    call_command(
        "run_demo_analyser",
        token=token,
        pilot=setup.pilot.pk,
        url=live_server.url,
        once=True,
        stdout=out,
    )
    return out.getvalue()


@committed
def test_one_run_answers_each_donation_through_the_api(live_server, carol, company):
    setup = donation_pilot(company=company)
    english = VolunteerFactory(pilot=setup.pilot, user=UserFactory(username="gina", preferred_language="en"))
    services.consent_give(volunteer=english, data_request=setup.data_request)
    gina = DonationPilot(setup.pilot, setup.data_request, english, None)
    normal = donate(setup, NORMAL_READING)
    high = donate(setup, HIGH_READING, HIGH_READING)
    watch = donate(gina, WATCH_READING)
    token = Token.objects.create(user=carol).key

    output = _analyse(live_server, setup, token)

    results = {r.donation_id: r for r in DonationResult.objects.all()}
    assert set(results) == {normal.pk, high.pk, watch.pk}
    assert [results[d.pk].level for d in (normal, high, watch)] == ["normal", "see_doctor", "watch"]
    assert results[high.pk].text.startswith("혈압이 높습니다(162/101 mmHg). 병원 진료를 권합니다.")
    assert results[watch.pk].text.startswith("Your blood pressure is slightly high (134/82 mmHg).")
    assert (results[high.pk].value, results[high.pk].unit) == (162, "mmHg")
    assert {(r.company, r.author, r.volunteer) for r in results.values()} == {
        (company, carol, setup.volunteer),
        (company, carol, english),
    }
    assert Notification.objects.filter(kind="donation_result").count() == 3
    # It read like any company: every read recorded.
    assert DataRead.objects.filter(company=company, user=carol, rows=4).exists()
    assert "sent 3 results (normal 1, watch 1, see a doctor 1)" in output
    # Counts only: no donor's id or value in what it prints.
    assert setup.volunteer.donor_id not in output and english.donor_id not in output
    # (As numbers of their own: the pilot's id, printed, may contain the same digits.)
    assert not re.search(r"\b(162|101)\b", output)


@committed
def test_run_again_it_answers_only_what_is_new(live_server, carol, company):
    setup = donation_pilot(company=company)
    donate(setup, NORMAL_READING)
    token = Token.objects.create(user=carol).key
    _analyse(live_server, setup, token)
    newer = donate(setup, FAST_PULSE_READING)

    output = _analyse(live_server, setup, token)

    assert DonationResult.objects.count() == 2
    assert DonationResult.objects.get(donation=newer).level == "watch"
    assert "1 donations answered before" in output
    assert "sent 1 results (normal 0, watch 1, see a doctor 0)" in output


@committed
def test_a_token_that_may_not_read_stops_it_with_the_reason(live_server, dave, other_company, company):
    setup = donation_pilot(company=company)
    donate(setup)
    token = Token.objects.create(user=dave).key

    with pytest.raises(CommandError, match="HTTP 403"):
        _analyse(live_server, setup, token)

    assert not DonationResult.objects.exists()
