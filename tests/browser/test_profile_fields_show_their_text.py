"""A company profile's long fields are tall enough to read: empty, a description or a past project's
description offers several lines to write in; filled, each box shows its whole text instead of
three lines and half of the next one; and a very long text grows the box to most of the screen at
the most, then scrolls."""

import pytest

from companies.models import MemberRole
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.companies.factories import CompanyFactory, MembershipFactory, ReferenceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWS = [("ko", 390), ("en", 1280)]

SUMMARY = (
    "흉부 X-ray와 저선량 CT에서 폐결절·결핵 의심 소견을 자동 검출하는 의료영상 판독 보조 AI 기업입니다. " * 2
)
DESCRIPTION = (
    "빛결메디컬AI는 2022년 서울에서 광주 북구 첨단지구로 본사를 이전한 의료영상 AI 기업입니다. "
    "주력 제품 '결빛 CXR'은 흉부 X-ray 영상에서 폐결절, 기흉, 결핵 의심 소견을 검출해 판독의에게 "
    "우선순위와 함께 표시하는 판독 보조 소프트웨어로, PACS와 DICOM 표준으로 연동됩니다. "
    "저선량 CT 폐결절 추적 관리 모듈은 지역 보건소 검진 사업에서 쓰이고 있습니다."
)
REFERENCE = (
    "보건소 이동검진 차량에서 촬영한 흉부 X-ray 약 4,800건에 판독 보조를 적용해 "
    "의심 소견자 재검 안내를 평균 3일에서 당일로 줄였습니다."
)

BOXES = """() => Object.fromEntries([...document.querySelectorAll("main textarea")].map((el) => {
  const style = getComputedStyle(el);
  const padding = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
  return [el.id, {
    lines: (el.clientHeight - padding) / parseFloat(style.lineHeight),
    hidden: el.scrollHeight - el.clientHeight,
    height: el.getBoundingClientRect().height,
  }];
}))"""


def _as(page, live_server, language: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_the_profile_editor_shows_each_long_text_whole(browser_page, live_server, language, width):
    owner = UserFactory(username="owner")
    company = CompanyFactory(summary=SUMMARY, description=DESCRIPTION)
    MembershipFactory(company=company, user=owner, role=MemberRole.OWNER)
    ReferenceFactory(
        company=company, title="보건소 이동검진 흉부 X-ray 판독 보조 시범사업", description=REFERENCE
    )
    page = browser_page
    _as(page, live_server, language, width)
    log_in(page, "owner", PASSWORD)

    page.goto(f"/companies/{company.slug}/edit/")
    screenshot(page, f"company-profile-long-fields-{language}-{width}")
    boxes = page.evaluate(BOXES)

    for name in ("id_summary", "id_description", "id_references-0-description"):
        assert boxes[name]["hidden"] <= 1, (name, boxes[name])
    # The empty box for a new past project offers room for a few sentences.
    assert boxes["id_references-1-description"]["lines"] >= 5 - 0.1

    page.fill("#id_description", DESCRIPTION * 20)
    tall = page.evaluate(BOXES)["id_description"]
    assert tall["hidden"] > 0 and tall["height"] <= 900 * 0.75 + 1


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_registering_offers_room_to_describe_the_company(browser_page, live_server, language, width):
    UserFactory(username="owner")
    page = browser_page
    _as(page, live_server, language, width)
    log_in(page, "owner", PASSWORD)

    page.goto("/companies/new/")
    boxes = page.evaluate(BOXES)

    assert boxes["id_description"]["lines"] >= 10 - 0.1
    assert boxes["id_summary"]["lines"] >= 4 - 0.1
