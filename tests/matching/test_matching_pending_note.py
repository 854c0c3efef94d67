"""An idea the matcher has not ranked yet says what is happening and what to do, not only
"Matching…"."""

import pytest

from ideas.models import IdeaStatus
from tests.ideas.factories import IdeaFactory
from tests.pages import page_html

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "note"),
    [
        ("ko", "이 아이디어를 실증할 수 있는 기업을 찾고 있습니다. 잠시 뒤 페이지를 새로 고치면 보입니다."),
        ("en", "Companies that could pilot this idea are being looked for: reload the page in a moment"),
    ],
)
def test_an_idea_waiting_for_the_matcher_says_what_is_happening(language, note):
    idea = IdeaFactory(status=IdeaStatus.PUBLISHED)

    html = page_html(f"/ideas/{idea.pk}/", language)

    assert 'role="status"' in html and note in html
