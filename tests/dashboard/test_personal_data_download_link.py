"""Downloading everything held about oneself is offered as the same secondary action on each page
that offers it: a button drawn in outline, never the page's main (filled) action, nor a bare link
on one page and a button on the next. It is the whole account's, so My page offers it (and the
page for closing the account, before it goes): a pilot's page and My donations do not."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/me/", "/me/close/"])
def test_the_download_of_my_data_is_a_secondary_button(client, alice, path):
    client.force_login(alice)

    html = client.get(path).content.decode()

    links = re.findall(rf'<a [^>]*href="{re.escape(reverse("v1:dashboard:my-data"))}"[^>]*>', html)
    assert links, path
    assert all(re.search(r'class="button secondary"', link) for link in links), links
    assert "(JSON)" not in html


def test_my_donations_and_a_volunteers_pilot_page_send_to_my_page_for_it(client, company):
    from tests.donations.factories import donation_pilot

    setup = donation_pilot(company=company)
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = "en"

    for path in (f"/pilots/{setup.pilot.pk}/", "/me/donations/"):
        html = client.get(path).content.decode()
        assert reverse("v1:dashboard:my-data") not in html, path
        # The one machine-readable file there is a consent's receipt, not everything held about one.
        json_links = re.findall(r'<a [^>]*href="([^"]*)"[^>]*>[^<]*\(JSON\)', html)
        assert html.count("(JSON)") == len(json_links), path
        assert all("/receipt/" in href for href in json_links), (path, json_links)
    my_donations = client.get("/me/donations/").content.decode()
    assert '<a href="/me/#my-data">download it from My page</a>' in my_donations
    assert 'id="my-data"' in client.get("/me/").content.decode()
