"""The idea list (and the other lists drawn with `_pages.html`) says which page the reader is on
and how many there are, as the audit log does; a list of one page shows no page links at all."""

import pytest
from django.test import override_settings

from tests.ideas.factories import IdeaFactory
from tests.pilots.factories import PilotFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_uncached")]


@pytest.fixture
def _uncached():
    with override_settings(PAGE_CACHE_SECONDS=0):
        yield


def _pages(html: str) -> str:
    nav = html[html.index('<nav class="pages"') :]
    return nav[: nav.index("</nav>")]


def test_the_idea_list_says_page_m_of_n_keeping_the_filters(client):
    IdeaFactory.create_batch(25)

    first = _pages(client.get("/ideas/?category=mobility").content.decode())
    second = _pages(client.get("/ideas/?category=mobility&page=2").content.decode())

    assert "3쪽 중 1쪽" in first and "이전" not in first and "category=mobility&amp;page=2" in first
    assert "3쪽 중 2쪽" in second and "page=1" in second and "page=3" in second


def test_the_page_count_reads_in_english(client):
    IdeaFactory.create_batch(13)
    client.cookies["django_language"] = "en"

    assert "Page 2 of 2" in _pages(client.get("/ideas/?page=2").content.decode())


def test_a_list_of_one_page_has_no_page_links(client):
    IdeaFactory.create_batch(3)

    assert 'aria-label="페이지 이동"' not in client.get("/ideas/").content.decode()


def test_the_pilot_list_says_it_too(client):
    PilotFactory.create_batch(13)

    assert "2쪽 중 1쪽" in _pages(client.get("/pilots/").content.decode())
