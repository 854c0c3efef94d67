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
    ("language", "recruiting", "volunteers_only"),
    [
        (
            "ko",
            "아직 코드가 없으신가요? 휴대폰에서 아래 주소나 QR 코드로 이 실증 사업 페이지를 열고 로그인한 뒤 "
            "참여하고 데이터 기부에 동의하시면 페이지에 코드가 나옵니다.",
            "이 측정소는 이 실증 사업에 지금 참여하고 있는 분만 이용할 수 있습니다. "
            "지금은 새 참여자를 모집하지 않습니다.",
        ),
        (
            "en",
            "No code yet? On your phone, open this pilot's page at the address below or with the QR code, "
            "log in, volunteer and consent to donating",
            "This station is for the pilot's current volunteers only: the pilot is not taking new volunteers "
            "now.",
        ),
    ],
)
def test_someone_without_a_code_is_told_after_the_start_button_by_the_pilots_stage(
    client, language, recruiting, volunteers_only
):
    client.cookies["django_language"] = language

    page = client.get("/kiosk/").content.decode()

    # Both are there, hidden: kiosk.js shows one once the station API has said whether the pilot recruits.
    [recruiting_help] = re.findall(r'<div id="kiosk-first-time-recruiting"[^>]*>', page)
    [volunteers_only_help] = re.findall(r'<p class="meta" id="kiosk-first-time-volunteers-only"[^>]*>', page)
    assert recruiting_help.endswith(" hidden>") and volunteers_only_help.endswith(" hidden>")
    assert recruiting in page and volunteers_only in page
    assert page.index('id="kiosk-code-form"') < page.index('id="kiosk-first-time"')
