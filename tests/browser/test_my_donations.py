"""A donor on My donations: uploads a wearable's CSV, removes one row in the review, confirms,
sees the donation with its values, a company's read and result; then withdraws consent and has
what they gave deleted. In Korean and English, each at phone and desktop width."""

import pytest

from donations.models import DataRead, DataReadDonor, DonationDeletion, DonationResult, Reading, ResultLevel
from donations.services import data_request_change
from pilots.models import PilotStage
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.donations.factories import HIGH_READING, donate, donation_pilot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PAGE_NOTE = "Parts of this page are in Korean only: staff did not write them in English."
WEARABLE_EXPORT = (
    "measured_at,systolic,diastolic,pulse\n"
    "2025-05-01 07:58,121,79,66\n"
    "2025-05-01 12:10,300,90,70\n"
    "2025-05-01 19:02,138,91,74\n"
    "2025-05-02 07:55,119,77,65\n"
)
TEXT = {
    "ko": {
        "read": "파일 읽고 검토하기",
        "review": "기부하기 전에 검토하기",
        "refused": "수축기 혈압 값은 50~250 mmHg 사이여야 합니다. 받은 값은 300입니다.",
        "remove": "3번 행 빼기",
        "kept": "기부할 행: 3개 중 2개",
        "confirm": "남긴 행 기부하기",
        "thanks": "측정값 2건을 기부했습니다.",
        "withdrawn": "동의를 철회했습니다.",
        "deleted": "기부한 데이터를 삭제했습니다.",
    },
    "en": {
        "read": "Read the file and review it",
        "review": "Review before you donate",
        "refused": "수축기 혈압 must be between 50 and 250 mmHg; it was 300.",
        "remove": "Remove row 3",
        "kept": "Rows you are donating: 2 of 3.",
        "confirm": "Donate the rows I kept",
        "thanks": "2 readings of 혈압과 맥박 were donated.",
        "withdrawn": "Your consent was withdrawn.",
        "deleted": "What you donated was deleted",
    },
}


def _both_widths(page, name: str) -> None:
    """The page as it stands, at desktop and phone width; the phone width is left on."""
    page.set_viewport_size(DESKTOP)
    screenshot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_donor_uploads_reviews_confirms_and_then_withdraws_with_deletion(
    browser_page, live_server, company, carol, tmp_path, language
):
    text = TEXT[language]
    setup = donation_pilot(company=company)
    earlier = donate(setup, HIGH_READING)
    read = DataRead.objects.create(pilot=setup.pilot, company=company, user=carol, rows=1)
    DataReadDonor.objects.create(
        read=read, volunteer=setup.volunteer, data_request=setup.data_request, rows=1
    )
    DonationResult.objects.create(
        pilot=setup.pilot,
        company=company,
        volunteer=setup.volunteer,
        donation=earlier,
        text="혈압이 높게 나왔어요. 쉬었다가 다시 재 보세요.",
        value=162,
        unit="mmHg",
        level=ResultLevel.SEE_DOCTOR,
    )
    export = tmp_path / "watch-export.csv"
    export.write_text(WEARABLE_EXPORT, encoding="utf-8")
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "erin", PASSWORD)
    category = f"#category-{setup.data_request.pk}"

    page.goto("/me/donations/")
    # The pilot and its request are written in Korean only: said once, under the page's title,
    # and after none of them (read in Korean, not at all).
    assert page.locator("main .korean-only").count() == 0
    notes = page.locator("main .korean-only-note").all_inner_texts()
    assert notes == ([PAGE_NOTE] if language == "en" else [])
    if language == "en":
        assert page.locator(f"{category} h3 span[lang=ko]").inner_text() == "혈압과 맥박"
    _both_widths(page, f"my-donations-{language}")

    page.set_input_files(f"{category} input[type=file]", str(export))
    page.click(f"{category} button:has-text('{text['read']}')")
    page.wait_for_selector(f"h1:has-text('{text['review']}')")
    assert text["refused"] in page.inner_text("main")
    assert Reading.objects.count() == 1  # nothing stored while reviewing
    assert page.inner_text("#review-kept") == ""
    page.check(f"label:has-text('{text['remove']}') input")
    # What will be donated is recounted as rows are ticked.
    assert page.inner_text("#review-kept") == text["kept"]
    _both_widths(page, f"my-donations-review-{language}")

    page.click(f"button:has-text('{text['confirm']}')")
    page.wait_for_url("**/me/donations/**")
    assert text["thanks"] in page.inner_text(".messages")
    assert sorted(r.values["systolic"] for r in Reading.objects.exclude(donation=earlier)) == [119, 121]
    main = page.inner_text("main")
    assert "121" in main and "119" in main and "138" not in main
    _both_widths(page, f"my-donations-after-upload-{language}")

    # The pilot page offers the same choice when withdrawing there.
    page.goto(f"/pilots/{setup.pilot.pk}/#data-requests")
    assert page.is_checked(f"#data-request-{setup.data_request.pk} input[name=keep_donations][value=off]")
    _both_widths(page, f"pilot-page-withdraw-choice-{language}")
    page.goto("/me/donations/")

    withdraw = f"{category} form.withdraw"
    # Folded under its action until the donor means to withdraw.
    assert not page.is_visible(f"{withdraw} fieldset")
    page.click(f"{category} details.withdraw-consent summary")
    assert page.is_checked(f"{withdraw} input[name=keep_donations][value=off]")
    page.click(f"{withdraw} button[value=withdraw]")
    page.wait_for_selector(".messages")
    messages = page.inner_text(".messages")
    assert text["withdrawn"] in messages and text["deleted"] in messages
    assert not Reading.objects.exists()
    deletion = DonationDeletion.objects.get()
    assert (deletion.donations, deletion.readings) == (2, 3)
    assert not page.query_selector(f"{category} form.upload")
    _both_widths(page, f"my-donations-withdrawn-{language}")


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_citizen_sees_what_volunteering_would_share(browser_page, live_server, company, language):
    setup = donation_pilot(company=company, stage=PilotStage.RECRUITING)
    UserFactory(username="frank")
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "frank", PASSWORD)
    page.goto(f"/pilots/{setup.pilot.pk}/")

    label = page.locator("label", has=page.locator("input[name=share_identity]"))
    assert ("표시 이름과 이메일" if language == "ko" else "my display name and email") in label.inner_text()
    page.locator("#take-part").scroll_into_view_if_needed()
    _both_widths(page, f"pilot-page-volunteer-{language}")


@pytest.mark.parametrize(
    ("language", "headline", "stays"),
    [
        ("ko", "“혈압과 맥박” 데이터 요청 내용이 바뀌었습니다.", "이미 기부한 데이터는 철회하지 않는 한"),
        (
            "en",
            "The “혈압과 맥박” data request has changed.",
            "What you donated stays under the consent you gave",
        ),
    ],
)
def test_a_donor_is_told_of_a_changed_request_and_what_stays_of_their_donations(
    browser_page, live_server, company, language, headline, stays
):
    setup = donation_pilot(company=company)
    donate(setup, HIGH_READING)
    staff = UserFactory(username="jiho", is_staff=True)
    data_request_change(data_request=setup.data_request, by=staff, retention_days=60)
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "erin", PASSWORD)

    page.goto(f"/pilots/{setup.pilot.pk}/")

    notice = page.locator(".notice.renewal")
    assert notice.locator("strong").inner_text() == headline
    assert stays in notice.inner_text()
    # The way on is the new request: withdrawing is folded until asked for, then asks what becomes
    # of what they donated.
    assert notice.locator("a").count() == 1
    assert not notice.locator("fieldset.withdraw").is_visible()
    notice.locator("details.withdraw-earlier summary").click()
    assert notice.locator("fieldset.withdraw input[name=keep_donations][value=off]").is_checked()
    assert notice.locator("button[value=decline]").count() == 0
    notice.scroll_into_view_if_needed()
    _both_widths(page, f"pilot-page-consent-again-held-{language}")
