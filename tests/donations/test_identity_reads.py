"""A company of a pilot that is shown the name and email of the volunteers who share them (on
GET /api/v1/pilots/{id}/donations/) has read their data: the read is recorded, in the same
transaction, for the volunteers named alone, and each sees on My donations who saw them."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations.models import DataRead, DataReadDonor, DataReadKind
from pilots.models import PilotVolunteer
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, MembershipFactory
from tests.conftest import client_for
from tests.pilots import identities
from tests.pilots.factories import VolunteerFactory

pytestmark = pytest.mark.django_db

# The pilot, its companies and its data requests, as the names endpoint's other tests have them.
bystander_company, pilot, requests = identities.bystander_company, identities.pilot, identities.requests

PAGE = "/me/donations/"


def _consent_url(pilot, data_request_) -> str:
    return f"/api/v1/pilots/{pilot.pk}/data-requests/{data_request_.pk}/consent/"


def _volunteer(pilot, requests, name: str, categories: list[str], share_identity: bool = True):
    user = UserFactory(username=name, display_name=name, email=f"{name}@example.org")
    volunteer = VolunteerFactory(pilot=pilot, user=user, share_identity=share_identity)
    for category in categories:
        assert (
            client_for(user).post(_consent_url(pilot, requests[category]), {"agree": True}).status_code == 201
        )
    return volunteer


@pytest.fixture
def volunteers(pilot, requests):
    made = {
        "pressure": _volunteer(pilot, requests, "pressure", ["blood_pressure"]),
        "heart": _volunteer(pilot, requests, "heart", ["heart_rate"]),
        "both": _volunteer(pilot, requests, "both", ["blood_pressure", "heart_rate"]),
        "withdrawn": _volunteer(pilot, requests, "withdrawn", ["blood_pressure"]),
        "unknown": _volunteer(pilot, requests, "unknown", ["blood_pressure"], share_identity=False),
    }
    withdrawn = made["withdrawn"].user
    assert client_for(withdrawn).delete(_consent_url(pilot, requests["blood_pressure"])).status_code == 200
    return made


def _read_names(user, pilot, **query) -> list[str]:
    response = client_for(user).get(f"/api/v1/pilots/{pilot.pk}/donations/", query)
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["identified_volunteers"]]


def _recorded() -> set[tuple[str, str, str, int]]:
    """(company, volunteer, category, rows) of every donor row of a read of identities."""
    return {
        (row.read.company.slug, row.volunteer.user.username, row.data_request.category_code, row.rows)
        for row in DataReadDonor.objects.filter(read__kind=DataReadKind.IDENTITIES).select_related(
            "read__company", "volunteer__user", "data_request"
        )
    }


# --- What is recorded -----------------------------------------------------------------------


def test_a_companys_read_of_names_is_recorded_for_the_volunteers_it_was_shown(
    carol, company, pilot, volunteers
):
    assert _read_names(carol, pilot) == ["pressure", "both"]

    read = DataRead.objects.get()
    assert (read.kind, read.company, read.user, read.pilot, read.rows) == (
        DataReadKind.IDENTITIES,
        company,
        carol,
        pilot,
        2,
    )
    # Only those named, through the categories the company receives; no readings were in it.
    assert _recorded() == {
        ("bitgoeul-care", "pressure", "blood_pressure", 0),
        ("bitgoeul-care", "both", "blood_pressure", 0),
    }


def test_volunteers_not_named_get_no_record(carol, dave, pilot, volunteers):
    _read_names(carol, pilot)
    _read_names(dave, pilot)

    recorded_volunteers = set(DataReadDonor.objects.values_list("volunteer__user__username", flat=True))
    assert recorded_volunteers == {"pressure", "heart", "both"}
    # The one who withdrew and the one who does not share are on no read; "both" is recorded
    # for each company only through the category that company receives.
    assert not DataReadDonor.objects.filter(volunteer__in=[volunteers["withdrawn"], volunteers["unknown"]])
    assert {row for row in _recorded() if row[1] == "both"} == {
        ("bitgoeul-care", "both", "blood_pressure", 0),
        ("mudeung-mobility", "both", "heart_rate", 0),
    }


def test_a_member_of_several_companies_is_recorded_against_the_one_they_act_for(
    carol, pilot, other_company, volunteers
):
    MembershipFactory(company=other_company, user=carol)

    assert _read_names(carol, pilot, company="mudeung-mobility") == ["heart", "both"]

    assert DataRead.objects.get().company == other_company
    assert {row[:3] for row in _recorded()} == {
        ("mudeung-mobility", "heart", "heart_rate"),
        ("mudeung-mobility", "both", "heart_rate"),
    }


def test_staff_asking_as_staff_leave_no_record_as_they_read_no_donated_data(staff_user, pilot, volunteers):
    """Staff read no readings either; they see every volunteer on the pilot's volunteer list."""
    assert _read_names(staff_user, pilot) == ["pressure", "heart", "both"]

    assert not DataRead.objects.exists()


def test_staff_acting_for_their_company_are_recorded_as_its_reader(staff_user, company, pilot, volunteers):
    MembershipFactory(company=company, user=staff_user)

    assert _read_names(staff_user, pilot, company="bitgoeul-care") == ["pressure", "both"]

    read = DataRead.objects.get()
    assert (read.company, read.user, read.rows) == (company, staff_user, 2)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 403), ("volunteer", 403), ("other_citizen", 403), ("outsider_member", 403)],
)
def test_a_refused_read_leaves_no_record(pilot, volunteers, persona, status):
    outsider = UserFactory(username="outsider")
    MembershipFactory(company=CompanyFactory(slug="elsewhere"), user=outsider)
    user = {
        "anonymous": None,
        "volunteer": volunteers["both"].user,
        "other_citizen": UserFactory(username="passer-by"),
        "outsider_member": outsider,
    }[persona]

    response = client_for(user).get(f"/api/v1/pilots/{pilot.pk}/donations/")

    assert response.status_code == status
    assert "both@example.org" not in response.content.decode()
    assert not DataRead.objects.exists()


def test_a_read_naming_no_one_is_recorded_once_however_often_it_is_asked(
    pilot, bystander_company, volunteers
):
    fay = bystander_company.memberships.get().user

    for _ in range(3):
        assert _read_names(fay, pilot) == []

    read = DataRead.objects.get()
    assert (read.kind, read.company, read.rows, read.repeats) == (
        DataReadKind.IDENTITIES,
        bystander_company,
        0,
        3,
    )
    assert not DataReadDonor.objects.exists()


def test_the_same_names_seen_again_count_as_a_repeat_of_the_read(carol, pilot, volunteers):
    for _ in range(3):
        _read_names(carol, pilot)

    read = DataRead.objects.get()
    assert (read.rows, read.repeats) == (2, 3)
    assert read.last_read_at is not None and read.last_read_at >= read.read_at
    assert DataReadDonor.objects.count() == 2


def test_a_read_naming_other_people_is_a_record_of_its_own(carol, pilot, requests, volunteers):
    _read_names(carol, pilot)
    # One more volunteer shares their name: the next read names three, then the same three.
    volunteers["unknown"].share_identity = True
    volunteers["unknown"].save(update_fields=["share_identity"])
    _read_names(carol, pilot)
    _read_names(carol, pilot)

    assert [(read.rows, read.repeats) for read in DataRead.objects.order_by("id")] == [(2, 1), (3, 2)]


def test_the_donor_reads_how_often_their_name_was_seen(client, carol, pilot, requests, volunteers):
    for _ in range(3):
        _read_names(carol, pilot)

    english = _reads_list(_page(client, volunteers["pressure"], "en"), requests["blood_pressure"])
    korean = _reads_list(_page(client, volunteers["pressure"], "ko"), requests["blood_pressure"])

    assert re.search(
        r"<li>빛고을케어 saw your name and email on [^<]+, and again 2 times until [^<]+</li>", english
    )
    assert re.search(
        r"<li>빛고을케어: [^<]+에 내 이름과 이메일을 열람했고, [^<]+까지 2번 더 열람했습니다</li>", korean
    )


def test_a_read_of_names_does_not_break_a_readings_pollers_run(carol, pilot, volunteers):
    readings_url = f"/api/v1/pilots/{pilot.pk}/donations/readings/"
    client = client_for(carol)

    assert client.get(readings_url).json()["count"] == 0
    _read_names(carol, pilot)
    assert client.get(readings_url).json()["count"] == 0

    readings_reads = DataRead.objects.filter(kind=DataReadKind.READINGS)
    assert [(read.rows, read.repeats) for read in readings_reads] == [(0, 2)]
    assert DataRead.objects.filter(kind=DataReadKind.IDENTITIES, rows=2).count() == 1


def test_the_names_and_their_record_are_one_transaction(carol, pilot, volunteers):
    with CaptureQueriesContext(connection) as queries:
        _read_names(carol, pilot)

    sql = [query["sql"] for query in queries.captured_queries]

    def position(predicate) -> int:
        return next(index for index, statement in enumerate(sql) if predicate(statement))

    named = position(lambda s: s.startswith("SELECT") and '"share_identity"' in s)
    recorded = position(lambda s: s.startswith('INSERT INTO "donations_datareaddonor"'))
    opened = [index for index, s in enumerate(sql[:named]) if s.startswith("SAVEPOINT")]
    assert opened, "the names were read outside a transaction of the view's own"
    savepoint = sql[opened[-1]].split()[-1]
    closed = position(lambda s: s.startswith("RELEASE SAVEPOINT") and s.endswith(savepoint))
    assert named < recorded < closed


def test_a_read_takes_the_same_queries_for_one_volunteer_named_or_many(
    carol, pilot, requests, django_assert_num_queries
):
    _volunteer(pilot, requests, "first", ["blood_pressure"])
    # With the look for the last read, to tell a repeat from a new read.
    with django_assert_num_queries(12):
        assert _read_names(carol, pilot) == ["first"]

    for name in ("second", "third", "fourth"):
        _volunteer(pilot, requests, name, ["blood_pressure", "heart_rate"])
    # One more: whom the last read named.
    with django_assert_num_queries(13):
        assert len(_read_names(carol, pilot)) == 4


# --- What the donor sees --------------------------------------------------------------------


def _page(client, volunteer: PilotVolunteer, language: str) -> str:
    client.force_login(volunteer.user)
    client.cookies["django_language"] = language
    return client.get(PAGE).content.decode()


def _reads_list(page: str, data_request_) -> str:
    start = page.index(f'id="category-{data_request_.pk}"')
    # The list of reads, or the sentence that says there was none, up to the next heading.
    begin = min(
        i for i in (page.find('<ul class="reads">', start), page.find('<p class="empty', start)) if i != -1
    )
    return page[begin : page.index("<h4>", begin)]


def test_the_donor_sees_who_saw_their_name_and_email_in_korean(client, carol, pilot, requests, volunteers):
    _read_names(carol, pilot)

    reads = _reads_list(_page(client, volunteers["both"], "ko"), requests["blood_pressure"])

    assert re.search(r"<li>빛고을케어: [^<]+에 내 이름과 이메일을 열람했습니다</li>", reads), reads
    # Seen through blood pressure only: the heart-rate company did not ask.
    assert "이름과 이메일" not in _reads_list(_page(client, volunteers["both"], "ko"), requests["heart_rate"])


def test_the_donor_sees_who_saw_their_name_and_email_in_english(client, carol, pilot, requests, volunteers):
    _read_names(carol, pilot)

    reads = _reads_list(_page(client, volunteers["pressure"], "en"), requests["blood_pressure"])

    assert re.search(r"<li>빛고을케어 saw your name and email on [^<]+</li>", reads), reads
    assert "read 0 of your readings" not in reads


def test_a_volunteer_not_named_sees_no_such_line(client, carol, pilot, requests, volunteers):
    _read_names(carol, pilot)

    for name in ("unknown", "withdrawn"):
        page = _page(client, volunteers[name], "en")
        assert "saw your name and email" not in page
        assert "No company has read your data in this category." in page


def test_the_personal_data_download_says_what_each_read_was(client, carol, pilot, volunteers):
    _read_names(carol, pilot)

    data = client_for(volunteers["pressure"].user).get("/api/v1/me/data/").json()

    assert [(r["company"], r["kind"], r["category_code"], r["rows"]) for r in data["donation_reads"]] == [
        ("빛고을케어", "identities", "blood_pressure", 0)
    ]
