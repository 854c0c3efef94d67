"""Anonymous reads of the idea list, idea pages and their API come from a short-lived cache
(core.page_cache): served without touching the database, never stale after a change, never to a
signed-in reader, and rendered as usual while Redis is down."""

import re

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token

from core import page_cache
from ideas import services
from ideas.models import Idea, IdeaStatus, Support
from tests.ideas.factories import CommentFactory, IdeaFactory
from tests.ideas.test_idea_submit import VALID

pytestmark = pytest.mark.django_db

CACHED_READS = ["/ideas/", "/api/v1/ideas/", "/ideas/{pk}/", "/api/v1/ideas/{pk}/"]


@pytest.fixture(autouse=True)
def _redis_answers(monkeypatch):
    # Another test may have left this process thinking Redis is down.
    monkeypatch.setattr(page_cache, "_down_until", 0.0)


@pytest.mark.parametrize("path", CACHED_READS)
def test_a_repeated_anonymous_read_does_not_touch_the_database(client, idea, path, django_assert_num_queries):
    first = client.get(path.format(pk=idea.pk))

    with django_assert_num_queries(0):
        again = client.get(path.format(pk=idea.pk))

    assert first.status_code == again.status_code == 200
    # The same page, but for the form token each visitor gets their own of.
    assert _without_token(again.content) == _without_token(first.content)


@pytest.mark.parametrize("path", ["/ideas/", "/ideas/{pk}/"])
def test_a_read_asks_redis_once_and_a_render_once_more(client, idea, path, monkeypatch):
    # Each question to Redis is a round trip, which every anonymous read of these pages pays:
    # the version and the entry come in one, and a page rendered is stored in one more.
    asked: list[str] = []
    backend = caches["default"]
    for name in ("get", "get_many", "set", "add", "incr", "delete"):
        monkeypatch.setattr(backend, name, _recorded(asked, name, getattr(backend, name)))

    first = client.get(path.format(pk=idea.pk))
    rendered, asked[:] = list(asked), []
    again = client.get(path.format(pk=idea.pk))

    assert first.status_code == again.status_code == 200
    assert rendered == ["get_many", "set"]
    assert asked == ["get_many"]


def _recorded(asked: list[str], name: str, method):
    """`method`, noting its calls in `asked` unless it is called by another one noted (the
    local memory cache of the tests reads many keys one by one)."""

    def call(*args, **kwargs):
        if asked and asked[-1] == "…":
            return method(*args, **kwargs)
        asked.append("…")
        try:
            return method(*args, **kwargs)
        finally:
            asked[-1] = name

    return call


def _without_token(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_a_new_comment_shows_at_once(client, idea, bob):
    client.get(f"/ideas/{idea.pk}/")

    services.comment_create(idea=idea, author=bob, body="방금 쓴 댓글입니다")

    assert "방금 쓴 댓글입니다" in client.get(f"/ideas/{idea.pk}/").content.decode()


def test_a_new_support_counts_at_once(client, api, idea, bob):
    before = client.get(f"/api/v1/ideas/{idea.pk}/").json()["supports_count"]

    assert api(bob).post(f"/api/v1/ideas/{idea.pk}/support/").status_code in (200, 201)

    assert client.get(f"/api/v1/ideas/{idea.pk}/").json()["supports_count"] == before + 1
    assert Support.objects.filter(idea=idea, user=bob).exists()


def test_a_hidden_idea_is_gone_at_once(client, idea, staff_user):
    listed = client.get("/ideas/").content.decode()
    assert idea.title in listed

    # Moderation hides with a queryset update, which model signals would not see.
    services.content_hide(target=idea, by=staff_user)

    assert client.get(f"/ideas/{idea.pk}/").status_code == 404
    assert idea.title not in client.get("/ideas/").content.decode()
    assert idea.pk not in [row["id"] for row in client.get("/api/v1/ideas/").json()["results"]]


def test_a_submitted_idea_leaves_the_public_pages_cached(api, client, alice, django_assert_num_queries):
    IdeaFactory()
    client.get("/ideas/")
    version = page_cache.current_version()

    assert api(alice).post("/api/v1/ideas/", VALID).status_code == 201

    # Waiting for the moderators, it shows on no public page: the crowd's list stays cached.
    assert page_cache.current_version() == version
    with django_assert_num_queries(0):
        client.get("/ideas/")


def test_a_published_idea_shows_at_once(client, staff_user):
    waiting = IdeaFactory(status=IdeaStatus.SUBMITTED, published_at=None)
    assert waiting.title not in client.get("/ideas/").content.decode()

    services.idea_publish(idea=Idea.objects.get(pk=waiting.pk), by=staff_user)

    assert waiting.title in client.get("/ideas/").content.decode()


def test_signed_in_readers_never_get_the_cached_pages(client, api, alice):
    IdeaFactory()
    draft = IdeaFactory(author=alice, status=IdeaStatus.DRAFT, published_at=None)
    client.get("/ideas/")
    client.get("/api/v1/ideas/")
    session = Client()
    session.force_login(alice)

    assert draft.title in session.get("/ideas/").content.decode()
    assert draft.pk in [row["id"] for row in api(alice).get("/api/v1/ideas/").json()["results"]]
    key = Token.objects.create(user=alice).key
    by_token = Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/ideas/").json()
    assert draft.pk in [row["id"] for row in by_token["results"]]


def test_each_visitor_gets_a_form_token_that_works(idea):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/ideas/")

    page = second.get("/ideas/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    switched = second.post(
        "/i18n/setlang/", {"language": "en", "next": "/ideas/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302


def test_each_language_has_its_own_entry(client, idea):
    korean = client.get("/ideas/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    english = client.get("/ideas/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="ko">' in korean and '<html lang="en">' in english


def test_pages_are_rendered_while_redis_is_down(client, idea, unreachable_redis_cache, caplog):

    with override_settings(CACHES=unreachable_redis_cache):
        listed = client.get("/ideas/")
        comment = CommentFactory(idea=idea, body="레디스가 멈춘 동안 쓴 댓글")
        page = client.get(f"/ideas/{idea.pk}/")

    assert listed.status_code == page.status_code == 200
    assert comment.body in page.content.decode()
    assert "Page cache: could not" in caplog.text
