"""What a donor reads of their consents and of how long their data is kept, in plain English:
a date beside a data category says it is the consent's ("consent given on …"), the last deletion
date says which donation it is about, and keeping past donations lasts "until the pilot's storage
period ends", never "until their retention ends"."""

import re

import pytest

from donations import services

from .factories import NORMAL_READING, donate, donation_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


def _get(client, user, path: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(path).content.decode().replace("&#x27;", "'")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def test_my_page_says_the_date_is_the_consents(client, setup):
    page = _text(_get(client, setup.volunteer.user, "/me/"))

    assert re.search(r": consent given on \w", page)

    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    page = _text(_get(client, setup.volunteer.user, "/me/"))

    assert re.search(r": consent withdrawn on \w", page)


def test_my_donations_says_which_donation_is_deleted_last(client, setup):
    donate(setup, NORMAL_READING)
    donate(setup, NORMAL_READING)

    page = _text(_get(client, setup.volunteer.user, "/me/donations/"))

    assert re.search(r"held\. The last of them will be deleted on \w", page)
    assert "The last is deleted" not in page


def test_keeping_past_donations_lasts_until_the_pilots_storage_period_ends(client, setup):
    donate(setup, NORMAL_READING)

    page = _get(client, setup.volunteer.user, "/me/donations/")
    # The choice when leaving the pilot, where no one date fits every category.
    assert "Keep my past donations, where only I see them, until the pilot's storage period ends" in page

    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request, keep_donations=True)
    page = _get(client, setup.volunteer.user, "/me/donations/")

    assert "you kept past donations, where only you see them, until the pilot's storage period ends" in page
    assert "retention ends" not in page
