"""Downloading everything held about oneself is offered as the same secondary action on each page
that offers it: a button drawn in outline, never the page's main (filled) action, nor a bare link
on one page and a button on the next."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/me/", "/me/close/", "/me/donations/"])
def test_the_download_of_my_data_is_a_secondary_button(client, alice, path):
    client.force_login(alice)

    html = client.get(path).content.decode()

    links = re.findall(rf'<a [^>]*href="{re.escape(reverse("v1:dashboard:my-data"))}"[^>]*>', html)
    assert links, path
    assert all(re.search(r'class="button secondary"', link) for link in links), links


def test_a_volunteers_pilot_page_offers_it_as_the_same_button(client, company):
    from tests.donations.factories import donation_pilot

    setup = donation_pilot(company=company)
    client.force_login(setup.volunteer.user)

    html = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()

    links = re.findall(rf'<a [^>]*href="{re.escape(reverse("v1:dashboard:my-data"))}"[^>]*>', html)
    assert links
    assert all(re.search(r'class="button secondary"', link) for link in links), links
