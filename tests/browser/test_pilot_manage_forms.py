"""Staff's "Run this pilot" panel: each form a box of its own under its name, its button apart
from the field above it, on a phone and on a desktop; after an action the page says what it did."""

import pytest

from pilots.models import PilotStage
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.pilots.factories import MilestoneFactory, PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GAP = 12  # px: the least room between a button and the field above it, so neither is tapped for the other

FORMS = """() => [...document.querySelectorAll("section[aria-labelledby=manage] form")].map((form) => {
  const box = (el) => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom}; };
  const fields = [...form.querySelectorAll("input:not([type=hidden]), select, textarea")];
  const legend = form.querySelector("legend");
  return {
    box: box(form.querySelector("fieldset") || form),
    legend: legend ? legend.innerText : "",
    field: box(fields[fields.length - 1]),
    button: box(form.querySelector("button")),
  };
})"""


@pytest.mark.parametrize(("language", "width"), [("ko", 390), ("en", 1280)])
def test_each_form_is_its_own_box_with_its_button_apart(browser_page, live_server, language, width):
    pilot = PilotFactory(stage=PilotStage.RECRUITING, title="남구 독거 어르신 낙상 감지 실증")
    MilestoneFactory(pilot=pilot, title="참여 가구 20곳 모집", is_done=True)
    MilestoneFactory(pilot=pilot, title="센서 설치")
    UserFactory(username="jiho", is_staff=True)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "jiho", PASSWORD)

    page.goto(f"/pilots/{pilot.pk}/")

    forms = page.evaluate(FORMS)
    assert [form["legend"] for form in forms] == (
        ["단계", "단계 목표", "소식"] if language == "ko" else ["Stage", "Milestones", "Updates"]
    )
    for form in forms:
        assert form["button"]["top"] - form["field"]["bottom"] >= GAP, form
    for above, below in zip(forms, forms[1:], strict=False):
        assert below["box"]["top"] - above["box"]["bottom"] >= GAP, (above, below)

    page.select_option("#id_stage", "running")
    with page.expect_navigation():
        page.click("button[value=stage]")
    told = page.locator(".messages li").inner_text()
    assert told.startswith("이제 ‘진행 중’ 단계입니다." if language == "ko" else "The stage is now Running;")
    screenshot(page, f"pilot-manage-forms-{language}-{width}")
