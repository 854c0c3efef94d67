"""The home page's pilots for a reader of English: a title staff wrote in Korean only is shown in
Korean, and the section says so once, under its heading, as the pilot list does."""

import pytest

from pilots.models import PilotStage
from tests.pages import KOREAN_ONLY_ON_PAGE, page_html
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


def test_korean_only_titles_are_noted_once_under_the_sections_heading():
    korean = [PilotFactory(stage=PilotStage.RUNNING, title=f"서구 복약 알림 실증 {n}") for n in range(2)]

    page = page_html("/", "en")

    assert page.count(KOREAN_ONLY_ON_PAGE) == 1
    heading = page.index("Pilots in Gwangju</h2>")
    assert heading < page.index(KOREAN_ONLY_ON_PAGE) < min(page.index(pilot.title) for pilot in korean)
    assert "(written in Korean only)" not in page


def test_nothing_is_said_when_every_title_has_its_english():
    PilotFactory(
        stage=PilotStage.RUNNING, title="서구 복약 알림 실증", title_en="Medication reminders in Seo-gu"
    )

    assert KOREAN_ONLY_ON_PAGE not in page_html("/", "en")
    assert "한국어로만" not in page_html("/", "ko")


def test_a_korean_reader_is_told_nothing():
    PilotFactory(stage=PilotStage.RUNNING, title="서구 복약 알림 실증")

    page = page_html("/", "ko")

    assert 'class="meta korean-only-note"' not in page
