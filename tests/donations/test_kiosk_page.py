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


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "ko",
            "아직 코드가 없으신가요? 휴대폰에서 로그인한 뒤 이 실증 사업 페이지에서 참여하고 데이터 기부에 "
            "동의하시면 페이지에 코드가 나옵니다.",
        ),
        ("en", "No code yet? On your phone, log in, volunteer on this pilot's page and consent to donating"),
    ],
)
def test_someone_without_a_code_is_told_how_to_get_one_after_the_start_button(client, language, words):
    client.cookies["django_language"] = language

    page = client.get("/kiosk/").content.decode()

    assert words in page
    assert page.index('id="kiosk-code-form"') < page.index('id="kiosk-first-time"')
