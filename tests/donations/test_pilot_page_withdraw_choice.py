"""Withdrawing or leaving on the pilot page asks what to do with past donations only where the
volunteer holds some, and the page learns which in one query however many requests it shows."""

import re

import pytest

from donations import services
from donations.models import DonationSource
from donations.services import ReadingInput

from .factories import NORMAL_READING, blood_pressure_request, donation_pilot

pytestmark = pytest.mark.django_db

HELD = "Companies lose access at once, whichever you choose."
NONE_HELD = "Nothing you donated is held, so there is nothing to delete or keep."


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


def _donate(setup, data_request) -> None:
    services.donation_store(
        volunteer=setup.volunteer,
        data_request=data_request,
        readings=[ReadingInput(values=NORMAL_READING)],
        source=DonationSource.UPLOAD,
    )


def _requests(setup, count: int) -> list:
    """`count` requests the volunteer consented to, the first the setup's own."""
    requests = [setup.data_request]
    for number in range(1, count):
        data_request = blood_pressure_request(setup.pilot, code=f"blood_pressure_{number}")
        services.consent_give(volunteer=setup.volunteer, data_request=data_request)
        requests.append(data_request)
    return requests


def _page(client, setup) -> str:
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = "en"
    return client.get(f"/pilots/{setup.pilot.pk}/").content.decode()


def _card(page: str, data_request) -> str:
    start = page.index(f'id="data-request-{data_request.pk}"')
    return page[start : page.index("</article>", start)]


def _leaving(page: str) -> str:
    return page[page.index('class="leave-pilot"') :]


def test_the_keep_choice_is_asked_only_where_donations_are_held(client, setup):
    with_donations, without = _requests(setup, 2)
    _donate(setup, with_donations)

    page = _page(client, setup)

    assert HELD in _card(page, with_donations) and 'name="keep_donations"' in _card(page, with_donations)
    assert NONE_HELD in _card(page, without) and 'name="keep_donations"' not in _card(page, without)
    assert 'name="keep_donations"' in _leaving(page)


def test_leaving_asks_nothing_when_only_donations_kept_after_a_withdrawal_remain(client, setup):
    kept, still_given = _requests(setup, 2)
    _donate(setup, kept)
    services.consent_withdraw(volunteer=setup.volunteer, data_request=kept, keep_donations=True)

    page = _page(client, setup)

    # Leaving withdraws the consents still given; what was kept stays under its own choice.
    assert NONE_HELD in _leaving(page) and 'name="keep_donations"' not in _leaving(page)
    assert NONE_HELD in _card(page, still_given)


@pytest.mark.parametrize("count", [1, 4])
def test_the_page_asks_about_held_donations_in_one_query(client, setup, count, django_assert_num_queries):
    for data_request in _requests(setup, count):
        _donate(setup, data_request)
    client.force_login(setup.volunteer.user)

    # Session and user; the pilot with its companies, milestones, updates, requests and their
    # recipients; the volunteer, their consents and those to renew; the requests they hold
    # donations under, one query for all; the reader's memberships (the menu).
    with django_assert_num_queries(13):
        response = client.get(f"/pilots/{setup.pilot.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r'<input type="radio" name="keep_donations" value="on">', page)) == count + 1
