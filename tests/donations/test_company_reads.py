"""A pilot's companies read donated readings through the API, and every read is recorded."""

import datetime

import pytest
from django.utils import timezone

from donations import services
from donations.models import DataRead, DataReadDonor, Donation, Reading
from pilots.models import PilotVolunteer
from tests.accounts.factories import UserFactory
from tests.concurrency import second_while_first_is_open
from tests.conftest import client_for
from tests.pilots.factories import VolunteerFactory

from .factories import HIGH_READING, NORMAL_READING, DonationPilot, donate, donation_pilot
from .readers import ONLY_THE_RECIPIENT, READER_PERSONAS, add_non_recipient_company, reader_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


def _url(setup: DonationPilot, **query) -> str:
    url = f"/api/v1/pilots/{setup.pilot.pk}/donations/readings/"
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def _second_donor(setup: DonationPilot, username: str = "gina", **volunteer) -> DonationPilot:
    other = VolunteerFactory(pilot=setup.pilot, user=UserFactory(username=username), **volunteer)
    consent = services.consent_give(volunteer=other, data_request=setup.data_request)
    return DonationPilot(pilot=setup.pilot, data_request=setup.data_request, volunteer=other, consent=consent)


def _read(carol, setup, **query):
    response = client_for(carol).get(_url(setup, **query))
    assert response.status_code == 200, response.content
    return response.json()


# --- Who may read ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", READER_PERSONAS)
def test_only_members_of_a_recipient_company_read_donations(personas, setup, persona):
    everyone = reader_personas(personas, setup)
    donate(setup, NORMAL_READING)

    response = client_for(everyone[persona]).get(_url(setup))

    expected = {**ONLY_THE_RECIPIENT, "company_member": 200}[persona]
    assert response.status_code == expected
    if expected == 200:
        assert [row["values"] for row in response.json()["results"]] == [NORMAL_READING]
        assert DataRead.objects.get().user == everyone[persona]
    else:
        assert "results" not in response.json()
        assert not DataRead.objects.exists()


def test_a_company_member_reads_nothing_of_a_pilot_still_in_planning(carol, company):
    setup = donation_pilot(company=company)
    donate(setup)
    setup.pilot.went_public_at = None
    setup.pilot.save(update_fields=["went_public_at"])

    response = client_for(carol).get(_url(setup))

    assert response.status_code == 404
    assert not DataRead.objects.exists()


def test_someone_in_two_of_the_pilots_companies_names_the_one_they_act_for(carol, company, setup):
    bystander = add_non_recipient_company(setup)
    bystander.memberships.create(user=carol)
    donate(setup)

    unnamed = client_for(carol).get(_url(setup), HTTP_ACCEPT_LANGUAGE="en")
    as_recipient = client_for(carol).get(_url(setup, company=company.slug))
    as_bystander = client_for(carol).get(_url(setup, company=bystander.slug))

    assert unnamed.status_code == 400
    assert "company" in unnamed.json()["error"]["fields"]
    assert (as_recipient.status_code, as_bystander.status_code) == (200, 403)
    assert DataRead.objects.get().company == company


# --- What a read returns --------------------------------------------------------------------


def test_a_read_gives_each_reading_with_its_donor_pseudonym_and_decrypted_values(carol, company, setup):
    first = donate(setup, NORMAL_READING, HIGH_READING)

    body = _read(carol, setup)

    assert body["count"] == 2
    first_row = body["results"][0]
    assert first_row == {
        "id": first.readings.order_by("id").first().pk,
        "donation": first.pk,
        "donor": {"donor_id": setup.volunteer.donor_id, "name": None, "email": None, "language": "ko"},
        "category": "blood_pressure",
        "measured_at": first_row["measured_at"],
        "donated_at": first_row["donated_at"],
        "values": NORMAL_READING,
    }
    assert body["results"][1]["values"] == HIGH_READING
    assert "erin" not in str(body)


def test_the_donors_name_and_email_only_when_they_chose_to_share_them(carol, setup):
    PilotVolunteer.objects.filter(pk=setup.volunteer.pk).update(share_identity=True)
    hidden = _second_donor(setup)
    donate(setup)
    donate(hidden)

    donors = [row["donor"] for row in _read(carol, setup)["results"]]

    erin = setup.volunteer.user
    assert donors[0] == {
        "donor_id": setup.volunteer.donor_id,
        "name": erin.display_name,
        "email": erin.email,
        "language": "ko",
    }
    assert donors[1] == {"donor_id": hidden.volunteer.donor_id, "name": None, "email": None, "language": "ko"}


def test_since_id_and_donor_narrow_a_read(carol, setup):
    gina = _second_donor(setup)
    seen = donate(setup).readings.get()
    donate(gina, HIGH_READING)
    newest = donate(setup, HIGH_READING).readings.get()

    after = _read(carol, setup, since_id=seen.pk)["results"]
    of_erin = _read(carol, setup, donor=setup.volunteer.donor_id)["results"]

    assert [row["donor"]["donor_id"] for row in after] == [gina.volunteer.donor_id, setup.volunteer.donor_id]
    assert [row["id"] for row in of_erin] == [seen.pk, newest.pk]


def test_a_replaced_request_still_gives_what_was_donated_under_it(carol, setup, staff_user):
    before = donate(setup)
    services.data_request_change(data_request=setup.data_request, by=staff_user, retention_days=60)

    rows = _read(carol, setup, category="blood_pressure")["results"]

    assert [row["donation"] for row in rows] == [before.pk]


# --- What a read never returns --------------------------------------------------------------


def test_a_withdrawn_consent_hides_the_donor_at_once_even_kept_rows(carol, setup):
    gina = _second_donor(setup)
    donate(setup)
    donate(gina)
    assert _read(carol, setup)["count"] == 2

    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request, keep_donations=True)
    rows = _read(carol, setup)["results"]

    assert [row["donor"]["donor_id"] for row in rows] == [gina.volunteer.donor_id]
    # Kept until retention ends, where only the donor sees them: no company reads them.
    assert Reading.objects.filter(volunteer=setup.volunteer).count() == 1
    last = DataRead.objects.order_by("-id").first()
    assert list(last.donors.values_list("volunteer", flat=True)) == [gina.volunteer.pk]


def test_consenting_again_does_not_bring_back_rows_kept_from_a_withdrawn_consent(carol, setup):
    donate(setup)
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request, keep_donations=True)
    services.consent_give(volunteer=setup.volunteer, data_request=setup.data_request)
    new = donate(setup, HIGH_READING)

    rows = _read(carol, setup)["results"]

    assert [row["donation"] for row in rows] == [new.pk]


def test_a_withdrawal_that_deletes_leaves_nothing_to_read(carol, setup):
    donate(setup)
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)

    assert _read(carol, setup)["results"] == []
    assert not Reading.objects.exists()


def test_a_donor_who_left_the_pilot_is_not_read(carol, setup):
    donate(setup)
    services.volunteer_leave(volunteer=setup.volunteer, keep_donations=True)

    assert _read(carol, setup)["results"] == []


def test_past_retention_nothing_is_read_even_before_the_rows_are_deleted(carol, setup):
    old = donate(setup)
    fresh = donate(setup, HIGH_READING)
    Donation.objects.filter(pk=old.pk).update(delete_after=timezone.now() - datetime.timedelta(seconds=1))

    rows = _read(carol, setup)["results"]

    assert [row["donation"] for row in rows] == [fresh.pk]
    assert Reading.objects.count() == 2


def test_a_category_the_company_does_not_receive_is_refused(carol, company, setup, staff_user):
    bystander = add_non_recipient_company(setup)
    services.data_request_add(
        pilot=setup.pilot,
        by=staff_user,
        category_code="steps",
        category_label="걸음 수",
        fields=[{"code": "steps", "label": "걸음 수", "unit": "", "min": 0, "max": 100000}],
        purpose="걷기 습관을 보기 위해",
        recipient_companies=[bystander],
        retention_days=30,
    )

    not_received = client_for(carol).get(_url(setup, category="steps"))
    unknown = client_for(carol).get(_url(setup, category="sleep"), HTTP_ACCEPT_LANGUAGE="en")
    invalid = client_for(carol).get(_url(setup, since_id="yesterday"))

    assert not_received.status_code == 403
    assert not_received.json()["error"]["fields"] == {
        "category": ["소속 기업은 이 종류의 데이터를 받지 않습니다."]
    }
    assert unknown.status_code == 400
    assert unknown.json()["error"]["fields"] == {
        "category": ["This pilot asks for no data of this category."]
    }
    assert invalid.status_code == 400
    assert list(invalid.json()["error"]["fields"]) == ["since_id"]
    assert not DataRead.objects.exists()


# --- The record of every read ---------------------------------------------------------------


def test_every_read_is_recorded_with_who_when_and_how_many_rows_of_each_donor(carol, company, setup):
    gina = _second_donor(setup)
    donate(setup, NORMAL_READING, HIGH_READING)
    donate(gina)
    before = timezone.now()

    _read(carol, setup, category="blood_pressure")

    read = DataRead.objects.get()
    assert (read.pilot, read.company, read.user, read.rows) == (setup.pilot, company, carol, 3)
    assert read.read_at >= before
    assert read.query == {"category": "blood_pressure", "page": 1, "page_size": 20}
    donors = {(d.volunteer, d.data_request, d.rows) for d in DataReadDonor.objects.all()}
    assert donors == {
        (setup.volunteer, setup.data_request, 2),
        (gina.volunteer, setup.data_request, 1),
    }


def test_a_read_of_nothing_is_recorded_too(carol, setup):
    donate(setup)
    last = Reading.objects.get()

    assert _read(carol, setup, since_id=last.pk)["results"] == []

    read = DataRead.objects.get()
    assert (read.rows, read.query["since_id"]) == (0, last.pk)
    assert not DataReadDonor.objects.exists()


def test_a_poller_asking_the_same_empty_question_leaves_one_record_of_how_often(carol, setup):
    donate(setup)
    last = Reading.objects.get()
    for _ in range(3):
        assert _read(carol, setup, since_id=last.pk)["results"] == []

    read = DataRead.objects.get()
    assert (read.rows, read.repeats) == (0, 3)
    assert read.last_read_at >= read.read_at

    # Something new to read ends the run; the next empty question starts another.
    donate(setup, HIGH_READING)
    assert len(_read(carol, setup, since_id=last.pk)["results"]) == 1
    newest = Reading.objects.latest("id")
    assert _read(carol, setup, since_id=newest.pk)["results"] == []
    assert [(r.rows, r.repeats) for r in DataRead.objects.order_by("id")] == [(0, 3), (1, 1), (0, 1)]


def test_a_page_records_only_the_rows_it_returned(carol, setup):
    donate(setup, NORMAL_READING, HIGH_READING, NORMAL_READING)

    body = _read(carol, setup, page_size=2, page=2)

    assert [row["values"] for row in body["results"]] == [NORMAL_READING]
    read = DataRead.objects.get()
    assert (read.rows, read.query["page"], read.query["page_size"]) == (1, 2, 2)
    assert DataReadDonor.objects.get().rows == 1


def test_a_read_takes_the_same_queries_for_one_donor_or_many(carol, setup, django_assert_num_queries):
    donate(setup)
    client = client_for(carol)
    with django_assert_num_queries(9):
        assert client.get(_url(setup)).json()["count"] == 1

    for name in ("gina", "hana", "ines"):
        donate(_second_donor(setup, name, share_identity=True), NORMAL_READING, HIGH_READING)
    with django_assert_num_queries(9):
        assert client.get(_url(setup)).json()["count"] == 7


@pytest.mark.django_db(transaction=True)
def test_a_poller_never_skips_a_donation_that_commits_after_a_later_one(carol, company):
    """Two donations to one pilot at once: the first draws the lower reading id but is slower to
    commit. Polling in between and going on from the last id seen must still find both."""
    setup = donation_pilot(company=company)
    other = _second_donor(setup)
    # Read once the second donation has either committed or is seen waiting for the first.
    outcome = second_while_first_is_open(
        lambda: donate(setup, NORMAL_READING),
        lambda: donate(other, HIGH_READING),
        second_is_waiting=_waiting_for_an_advisory_lock,
        meanwhile=lambda: _read(carol, setup)["results"],
    )
    seen = outcome.meanwhile
    since = max((r["id"] for r in seen), default=0)

    assert not outcome.errors and not outcome.refusals, (outcome.errors, outcome.refusals)
    after = _read(carol, setup, since_id=since)["results"]
    assert sorted(r["values"]["systolic"] for r in seen + after) == [118, 162]


def _waiting_for_an_advisory_lock() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)")
        return cursor.fetchone()[0]
