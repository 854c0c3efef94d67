"""My page lists the ideas one follows, beside the pilots one follows: the newest followed first,
each with its status (the news following brings), in a number of queries that does not grow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideas.models import Follow, IdeaStatus
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def _my_page(user, language: str = "en") -> str:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get("/me/").content.decode()


def _section(html: str) -> str:
    # The list, or the paragraph that says it is empty, up to the next section's heading.
    followed = html[html.index('id="followed-ideas"') :]
    return followed[: followed.index("<h2")]


def _follow(user, idea, days_ago: int = 0) -> None:
    follow = Follow.objects.create(idea=idea, user=user)
    Follow.objects.filter(pk=follow.pk).update(created_at=timezone.now() - timedelta(days=days_ago))


@pytest.mark.parametrize(("language", "heading"), [("en", "Ideas I follow"), ("ko", "구독하는 아이디어")])
def test_my_page_lists_the_followed_ideas_newest_followed_first_with_their_status(bob, language, heading):
    earlier = IdeaFactory(title="공원 쓰레기통 넘침 알림", status=IdeaStatus.MATCHED)
    later = IdeaFactory(title="어르신 복약 알림 서비스")
    IdeaFactory(title="구독하지 않은 아이디어")
    _follow(bob, earlier, days_ago=3)
    _follow(bob, later, days_ago=1)

    html = _my_page(bob, language)

    assert f"<h2>{heading}</h2>" in html
    section = _section(html)
    assert section.index(later.title) < section.index(earlier.title)
    assert f'<a href="/ideas/{earlier.pk}/" lang="ko">{earlier.title}</a>' in section
    assert "구독하지 않은 아이디어" not in section
    matched = "Matched" if language == "en" else "매칭됨"
    assert f'{earlier.title}</a> <span class="status">{matched}</span>' in section


def test_a_followed_idea_the_moderators_hid_is_left_out(bob, alice):
    hidden = IdeaFactory(author=alice, title="숨겨진 아이디어 제목", is_hidden=True)
    _follow(bob, hidden)
    _follow(alice, hidden)

    assert hidden.title not in _my_page(bob)
    # Its author still sees it, as hidden.
    assert "Hidden by the moderators" in _section(_my_page(alice))


def test_following_nothing_says_so_and_points_to_the_ideas(bob):
    section = _section(_my_page(bob))

    assert "You follow no idea yet." in section and 'href="/ideas/"' in section


def _queries(user) -> int:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/me/").status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_followed_ideas(alice, bob):
    _follow(alice, IdeaFactory())
    for _ in range(8):
        _follow(bob, IdeaFactory(status=IdeaStatus.MATCHED))

    assert _queries(bob) == _queries(alice)
