"""The pilot page tells members of the pilot's companies how many donations their company may
read now (only those under a consent still given, as the read API answers), and how to read them
and send results back through the API. Nobody else sees the box or the count: not a member of
another company, not a volunteer, not city staff, not a visitor."""

import re

import pytest
from django.test import Client

from donations import services
from donations.models import DonationSource
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, MembershipFactory
from tests.pilots.factories import VolunteerFactory

from .factories import NORMAL_READING, donate, donation_pilot

pytestmark = pytest.mark.django_db

GUIDE = 'class="card company-guide"'


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


def _page(user, pilot, language: str = "en") -> str:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(f"/pilots/{pilot.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _guide(page: str) -> str:
    start = page.index(GUIDE)
    return page[start : page.index("</section>", start)]


def _second_donor(setup):
    volunteer = VolunteerFactory(pilot=setup.pilot)
    services.consent_give(volunteer=volunteer, data_request=setup.data_request)
    services.donation_store(
        volunteer=volunteer,
        data_request=setup.data_request,
        readings=[services.ReadingInput(values=NORMAL_READING)],
        source=DonationSource.UPLOAD,
    )
    return volunteer


def test_a_member_reads_how_many_donations_their_company_may_read_and_how(carol, setup):
    donate(setup)
    donate(setup, NORMAL_READING, NORMAL_READING)
    pilot = setup.pilot

    guide = _guide(_page(carol, pilot))

    assert "For your company" in guide
    assert "Your company may read 2 donations of this pilot now." in guide
    assert "혈압과 맥박" in guide
    assert "POST /api/v1/auth/token/" in guide and "Authorization: Token" in guide
    assert f"GET /api/v1/pilots/{pilot.pk}/donations/readings/" in guide
    assert f"GET /api/v1/pilots/{pilot.pk}/donations/" in guide
    assert f"POST /api/v1/pilots/{pilot.pk}/donations/results/" in guide
    assert 'href="/api/docs/"' in guide
    # One company: nothing to name among several.
    assert "?company=" not in guide


def test_the_guide_is_in_korean_for_a_korean_reader(carol, setup):
    donate(setup)

    guide = _guide(_page(carol, setup.pilot, "ko"))

    assert "귀사를 위한 안내" in guide
    assert "귀사는 지금 이 실증 사업의 기부 1건을 읽을 수 있습니다." in guide


def test_only_donations_under_a_consent_still_given_are_counted(carol, setup):
    donate(setup)
    withdrawn = _second_donor(setup)
    left = _second_donor(setup)
    # Kept by the donor where only they see it: no company reads it any more.
    services.consent_withdraw(volunteer=withdrawn, data_request=setup.data_request, keep_donations=True)
    services.volunteer_leave(volunteer=left, keep_donations=True)

    guide = _guide(_page(carol, setup.pilot))

    assert "Your company may read 1 donation of this pilot now." in guide


def test_a_company_of_the_pilot_that_receives_no_data_is_told_so_without_a_count(setup):
    latecomer = CompanyFactory(name="나중기업", slug="latecomer")
    member = UserFactory()
    MembershipFactory(company=latecomer, user=member)
    # Brought in after the data request named its recipients.
    setup.pilot.companies.add(latecomer)
    donate(setup)

    guide = _guide(_page(member, setup.pilot))

    assert "Your company receives none of this pilot's donated data" in guide
    assert "of this pilot now" not in guide


def test_a_member_of_two_of_the_pilots_companies_reads_each_and_how_to_act_for_it(carol, company, setup):
    partner = CompanyFactory(name="가나파트너", slug="gana-partner")
    MembershipFactory(company=partner, user=carol)
    setup.pilot.companies.add(partner)
    donate(setup)

    guide = _guide(_page(carol, setup.pilot))

    names = re.findall(r"<h3>([^<]+)</h3>", guide)
    assert names[:2] == ["가나파트너", "빛고을케어"]
    assert "Your company receives none" in guide and "Your company may read 1 donation" in guide
    assert f"?company={company.slug}" in guide


@pytest.mark.parametrize("persona", ["anonymous", "other_company_member", "volunteer", "staff"])
def test_nobody_but_the_companies_members_sees_the_guide_or_the_count(
    persona, dave, other_company, staff_user, setup
):
    donate(setup)
    reader = {
        "anonymous": None,
        "other_company_member": dave,
        "volunteer": setup.volunteer.user,
        "staff": staff_user,
    }[persona]

    page = _page(reader, setup.pilot)

    assert GUIDE not in page
    assert "For your company" not in page
    assert "donations of this pilot now" not in page and "/api/v1/auth/token/" not in page


@pytest.mark.parametrize("donations", [1, 4])
def test_the_guide_asks_two_queries_however_many_donations(
    carol, setup, donations, django_assert_num_queries
):
    for _ in range(donations):
        donate(setup)
    client = Client()
    client.force_login(carol)

    # Session and user; the pilot with its companies, milestones, updates, requests and their
    # recipients (6); whether the reader volunteers; the reader's memberships (the menu, and which
    # of the pilot's companies are theirs); then the guide: the requests their company receives
    # and how many donations it may read.
    with django_assert_num_queries(12):
        response = client.get(f"/pilots/{setup.pilot.pk}/")

    assert response.status_code == 200
    assert f"기부 {donations}건" in _guide(response.content.decode())


def test_another_companys_member_costs_the_page_no_query(
    dave, other_company, setup, django_assert_num_queries
):
    client = Client()
    client.force_login(dave)

    # As for the member, without the guide's two: which of the pilot's companies are the
    # reader's is read from the memberships the menu reads anyway.
    with django_assert_num_queries(10):
        response = client.get(f"/pilots/{setup.pilot.pk}/")

    assert response.status_code == 200
