"""Staff set up a pilot's data donation as it is seen: a data request from the blood pressure
preset, a donation station whose key is shown once and then revoked, and a change to the request
once a volunteer consented, which the volunteer is then asked to consent to; in Korean and
English, on a phone and a desktop."""

import pytest

from donations.models import Station
from donations.selectors import station_authenticate
from donations.services import consent_give, station_register
from pilots.models import PilotDataRequest, PilotStage
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import SCREENSHOTS, axe_violations, log_in, screenshot
from tests.companies.factories import CompanyFactory
from tests.pilots.factories import PilotFactory, VolunteerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWS = [("ko", 390), ("en", 390), ("ko", 1280), ("en", 1280)]


def _serious(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']}: {n['target']}"
        for v in violations
        if v["impact"] in ("serious", "critical")
        for n in v["nodes"]
    ]


PLACE = "운천저수지 공원 2번 출입구"
PLACE_EN = "Unchon Reservoir Park, gate 2"
PAGE_NOTE = "Parts of this page are in Korean only: staff did not write them in English."


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_staff_ask_for_blood_pressure_and_register_a_station(browser_page, live_server, language, width):
    UserFactory(username="staff", is_staff=True)
    company = CompanyFactory(name="빛고을케어", slug="bitgoeul-care")
    pilot = PilotFactory(title="운천저수지 건강측정 실증", companies=[company], stage=PilotStage.RECRUITING)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    name = f"{language}-{width}"

    log_in(page, "staff", PASSWORD)
    page.goto(f"/pilots/{pilot.pk}/")
    with page.expect_navigation():
        page.click(f"a[href='/pilots/{pilot.pk}/data-requests/new/']")
    page.fill("#id_purpose", "공원 건강측정소에서 혈압 변화를 실시간으로 알려 드리기 위해")
    with page.expect_navigation():
        page.click("button[name=preset][value=blood_pressure]")
    # The preset filled the rows and the category; what was typed stayed.
    assert page.input_value("#id_fields-0-code") == "systolic"
    assert page.input_value("#id_fields-2-max") == "220"
    assert page.input_value("#id_category_code") == "blood_pressure"
    assert "혈압 변화" in page.input_value("#id_purpose")
    page.fill("#id_retention_days", "30")
    with page.expect_navigation():
        page.click("button[value=preview]")
    assert "30" in page.inner_text(".consent-preview blockquote")
    screenshot(page, f"data-request-form-{name}")
    assert _serious(axe_violations(page)) == []
    # A range upside down: refused on its field, everything typed still there.
    page.fill("#id_fields-2-min", "300")
    with page.expect_navigation():
        page.click(".actions button[value=save]")
    assert not PilotDataRequest.objects.exists()
    error = page.locator(".field-row").nth(2).locator(".errorlist")
    assert error.is_visible() and page.input_value("#id_fields-2-min") == "300"
    assert page.locator(".error-summary").is_visible()
    error.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"data-request-form-error-{name}.png"))
    page.fill("#id_fields-2-min", "30")
    with page.expect_navigation():
        page.click(".actions button[value=save]")

    data_request = PilotDataRequest.objects.get(pilot=pilot)
    assert [f["code"] for f in data_request.fields] == ["systolic", "diastolic", "pulse"]
    card = page.locator(f"#data-request-{data_request.pk}")
    assert (
        "50~250 mmHg" if language == "ko" else "50–250 mmHg"
    ) in card.inner_text() and "빛고을케어" in card.inner_text()
    card.scroll_into_view_if_needed()
    screenshot(page, f"pilot-page-data-request-{name}")

    page.goto(f"/pilots/{pilot.pk}/stations/")
    page.fill("#id_name", PLACE)
    with page.expect_navigation():
        page.click("button[value=register]")
    key = page.input_value("#station-key")
    assert station_authenticate(key=key) == Station.objects.get(name=PLACE)
    assert page.locator("button[data-copy]").is_visible()
    screenshot(page, f"station-key-once-{name}")
    assert _serious(axe_violations(page)) == []
    # Reloading the page that showed the key asks for the station list, not a second station.
    page.reload()
    assert key not in page.content()
    assert Station.objects.filter(pilot=pilot).count() == 1

    page.click("details.confirm summary")
    screenshot(page, f"station-revoke-confirm-{name}")
    with page.expect_navigation():
        page.click("button[value=revoke]")
    assert station_authenticate(key=key) is None
    screenshot(page, f"station-revoked-{name}")

    # Once a volunteer consented, the change page warns that a change asks for consent again;
    # Enter in a box saves, it never presses a preset.
    erin = UserFactory(username="erin")
    consent_give(volunteer=VolunteerFactory(pilot=pilot, user=erin), data_request=data_request)
    page.goto(f"/pilots/{pilot.pk}/data-requests/{data_request.pk}/change/")
    assert page.locator("#consent-again").is_visible()
    screenshot(page, f"data-request-change-{name}")
    page.fill("#id_retention_days", "60")
    with page.expect_navigation():
        page.press("#id_retention_days", "Enter")
    data_request.refresh_from_db()
    new = pilot.data_requests.current().get()
    assert data_request.replaced_by == new and new.retention_days == 60

    # erin is told to consent to the new request, and the old one offers no consent.
    log_in(page, "erin", PASSWORD)
    page.goto(f"/pilots/{pilot.pk}/")
    notice = page.locator(".notice", has=page.locator(f"a[href='#data-request-{new.pk}']"))
    assert notice.is_visible()
    # Nothing was donated under the earlier consent: the notice says so and offers, as what ending
    # it amounts to, to decline the new request.
    assert notice.locator("strong").inner_text() == (
        "“혈압과 맥박” 데이터 요청 내용이 바뀌었습니다."
        if language == "ko"
        else "The “Blood pressure and pulse” data request has changed."
    )
    assert notice.locator("button[value=decline]").is_visible()
    assert notice.locator("button[value=withdraw]").count() == 0
    assert page.locator(f"#data-request-{data_request.pk}").count() == 0
    screenshot(page, f"pilot-page-consent-again-{name}")
    assert _serious(axe_violations(page)) == []


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_staff_correct_a_stations_place(browser_page, live_server, language, width):
    staff = UserFactory(username="staff", is_staff=True)
    pilot = PilotFactory(title="운천저수지 건강측정 실증", stage=PilotStage.RUNNING)
    registered = station_register(pilot=pilot, by=staff, name=PLACE)
    station = registered.station
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    name = f"{language}-{width}"

    log_in(page, "staff", PASSWORD)
    page.goto(f"/pilots/{pilot.pk}/stations/")
    row = page.locator(f"#station-{station.pk}")
    # The place and the pilot's title are in Korean only: said once, under the page's title, and
    # not in the station's row (read in Korean, not at all).
    place = row.locator("td").first
    assert page.locator("main .korean-only").count() == 0
    if language == "en":
        assert place.locator("span[lang=ko]").first.inner_text() == PLACE
        assert page.locator(".korean-only-note").all_inner_texts() == [PAGE_NOTE]
        screenshot(page, f"stations-korean-only-{name}")
    else:
        assert page.locator(".korean-only-note").count() == 0
    row.locator("details.edit-place summary").click()
    assert page.input_value(f"#id_station{station.pk}_name") == PLACE
    assert page.input_value(f"#id_station{station.pk}_name_en") == ""
    row.scroll_into_view_if_needed()
    screenshot(page, f"station-edit-place-{name}")
    assert _serious(axe_violations(page)) == []
    # Nothing sticks out of the page on a phone: the form fits the station's card.
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # A place emptied is refused on its field, the form open again with what was typed.
    page.fill(f"#id_station{station.pk}_name", " ")
    page.fill(f"#id_station{station.pk}_name_en", PLACE_EN)
    with page.expect_navigation():
        row.locator("button[value=rename]").click()
    # In the station's own form, naming it, not above the registration form.
    summary = row.locator(".error-summary")
    assert summary.is_visible() and page.locator(".error-summary").count() == 1
    assert PLACE in summary.locator("h3").inner_text()
    assert summary.evaluate("element => element === document.activeElement")
    assert row.locator(".errorlist").is_visible()
    assert page.input_value(f"#id_station{station.pk}_name_en") == PLACE_EN
    row.scroll_into_view_if_needed()
    screenshot(page, f"station-edit-place-error-{name}")

    page.fill(f"#id_station{station.pk}_name", PLACE)
    with page.expect_navigation():
        row.locator("button[value=rename]").click()
    station.refresh_from_db()
    assert (station.name, station.name_en) == (PLACE, PLACE_EN)
    assert station_authenticate(key=registered.key) == station
    shown = PLACE_EN if language == "en" else PLACE
    assert shown in page.locator(".messages").inner_text()
    screenshot(page, f"station-place-corrected-{name}")
