"""A company registered under a Korean name gets an address one can read, and its owner may
choose another until the city verifies the company."""

import pytest

from companies.models import Company
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_korean_name_makes_a_readable_address_that_the_owner_may_change(browser_page):
    UserFactory(username="citizen9")
    page = browser_page
    log_in(page, "citizen9", PASSWORD)

    page.goto("/companies/new/")
    page.fill("#id_name", "광주 공기질 연구소")
    page.fill("#id_summary", "실내 공기질 센서와 미세먼지 예측 모델")
    with page.expect_navigation():
        page.click("main form button[type=submit] >> nth=-1")
    assert page.url.endswith("/companies/gwangju-gonggijil-yeonguso/")

    page.goto("/companies/gwangju-gonggijil-yeonguso/edit/")
    assert page.input_value("#id_slug") == "gwangju-gonggijil-yeonguso"
    assert "바꾸면 이전 주소의 링크는 열리지 않습니다" in page.inner_text("#id_slug_helptext")
    page.fill("#id_slug", "gj-air-lab")
    screenshot(page, "company-address-change-ko-390")
    with page.expect_navigation():
        page.click("main form button[value=save]")

    assert page.url.endswith("/companies/gj-air-lab/")
    assert Company.objects.get(name="광주 공기질 연구소").slug == "gj-air-lab"
