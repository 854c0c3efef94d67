"""Cross-cutting API behaviour: error shape, throttling, schema and docs."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.settings import api_settings

from core.throttling import WriteRateThrottle

pytestmark = pytest.mark.django_db


def test_every_error_has_the_same_shape(api, alice):
    not_found = api().get("/api/v1/ideas/999999/")
    forbidden = api().post("/api/v1/ideas/", {})
    invalid = api(alice).post("/api/v1/ideas/", {"title": "x"})

    for response in (not_found, forbidden, invalid):
        error = response.json()["error"]
        assert set(error) == {"code", "message", "fields"}
        assert error["message"]
    assert (not_found.status_code, forbidden.status_code, invalid.status_code) == (404, 403, 400)
    assert invalid.json()["error"]["message"] == "아래 항목을 확인해 주세요."


def test_writes_are_throttled_per_user_but_reads_are_not(api, bob, idea, monkeypatch):
    monkeypatch.setattr(
        WriteRateThrottle, "THROTTLE_RATES", {**api_settings.DEFAULT_THROTTLE_RATES, "writes": "3/minute"}
    )
    cache.clear()
    client = api(bob)

    statuses = [client.post(f"/api/v1/ideas/{idea.pk}/follow/").status_code for _ in range(4)]
    reads = [client.get(f"/api/v1/ideas/{idea.pk}/").status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 429]
    assert reads == [200] * 5


def test_openapi_schema_and_interactive_docs_are_served(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    body = schema.content.decode()
    for path in ("/api/v1/ideas/", "/api/v1/companies/", "/api/v1/auth/signup/"):
        assert path in body
    assert docs.status_code == 200
    # Swagger UI is served by the app itself, never from a CDN.
    assert "cdn" not in docs.content.decode().lower()


def test_text_is_escaped_in_the_browsable_api(api, alice):
    from tests.ideas.factories import IdeaFactory

    idea = IdeaFactory(author=alice, title="<script>alert('x')</script> 버스")

    page = api().get(f"/api/v1/ideas/{idea.pk}/", HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/auth/me/"), ("post", "/api/v1/auth/logout/"), ("post", "/api/v1/auth/password/")],
)
def test_account_endpoints_need_a_signed_in_user(api, method, path):
    response = getattr(api(), method)(path, {})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_authenticated"


def _unreachable_redis_cache(tmp_path) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # A socket nothing listens on: every cache call fails as in a Redis outage.
            "LOCATION": f"unix://{tmp_path / 'no-redis.sock'}",
        }
    }


def test_api_writes_are_saved_while_the_cache_is_down(api, alice, tmp_path, caplog):
    from ideas.models import Idea
    from tests.ideas.test_idea_submit import VALID

    with override_settings(CACHES=_unreachable_redis_cache(tmp_path)):
        response = api(alice).post("/api/v1/ideas/", VALID)

    assert response.status_code == 201, response.content
    assert Idea.objects.filter(pk=response.json()["id"], author=alice, title=VALID["title"]).exists()
    assert "the cache is unreachable" in caplog.text


def test_the_similar_ideas_throttle_lets_requests_through_while_the_cache_is_down(tmp_path):
    from rest_framework.test import APIRequestFactory

    from matching.apis import SimilarIdeasApi

    view = SimilarIdeasApi()
    request = view.initialize_request(APIRequestFactory().post("/api/v1/ideas/similar/", {"title": "버스"}))

    with override_settings(CACHES=_unreachable_redis_cache(tmp_path)):
        allowed = [throttle.allow_request(request, view) for throttle in view.get_throttles()]

    assert allowed == [True]
