"""The kiosk's page as served: what its script starts from before any station call."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_done_button_starts_hidden_until_a_reading_is_in(client):
    page = client.get("/kiosk/").content.decode()

    # kiosk.js shows it once the visit has a reading (or nothing to measure), never mid-measurement.
    [button] = re.findall(r'<button[^>]*id="kiosk-done"[^>]*>', page)
    assert re.search(r"\shidden>$", button)


def test_a_way_back_to_the_start_is_there_for_the_measuring_screen(client):
    client.cookies["django_language"] = "en"

    page = client.get("/kiosk/").content.decode()

    # kiosk.js shows it while "Done" is hidden: mid-measurement, the donor can still stop.
    [button] = re.findall(r'<button[^>]*id="kiosk-cancel"[^>]*>[^<]*</button>', page)
    assert re.search(r"\shidden>Cancel and start over</button>$", button)
    assert (
        page.index('id="kiosk-done"') < page.index('id="kiosk-cancel"') < page.index('id="kiosk-countdown"')
    )
