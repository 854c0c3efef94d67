"""A box to tick or a radio button keeps its size beside a long label on a phone: in a label laid
out as a row, the text beside it would otherwise squeeze it to a dot too small to tap."""

import pytest

from pilots.models import PilotStage
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.pilots.factories import PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOX = 20  # px: 1.25rem, the size the style sheet gives every box to tick and radio button

BOXES = """() => [...document.querySelectorAll("main input[type=checkbox], main input[type=radio]")]
  .filter((el) => el.getClientRects().length > 0)
  .map((el) => {
    const r = el.getBoundingClientRect();
    return {name: el.name, width: r.width, height: r.height};
  })"""


def test_the_volunteer_form_box_keeps_its_size_beside_its_long_label_on_a_phone(browser_page, live_server):
    pilot = PilotFactory(stage=PilotStage.RECRUITING)
    UserFactory(username="minji")
    page = browser_page
    page.context.add_cookies([{"name": "django_language", "value": "ko", "url": live_server.url}])
    log_in(page, "minji", PASSWORD)

    page.goto(f"/pilots/{pilot.pk}/")

    boxes = page.evaluate(BOXES)
    assert "share_identity" in [box["name"] for box in boxes]
    squeezed = [box for box in boxes if box["width"] < BOX - 0.5 or box["height"] < BOX - 0.5]
    assert not squeezed, squeezed
    # The button stands apart from the box's label, so a tap on one is not taken for the other.
    label = page.locator("label:has(input[name=share_identity])").bounding_box()
    button = page.locator("button[value=join]").bounding_box()
    assert button["y"] - (label["y"] + label["height"]) >= 12
    page.locator("input[name=share_identity]").evaluate("(el) => el.scrollIntoView({block: 'center'})")
    screenshot(page, "pilot-volunteer-form-ko-390")
