"""Cross-cutting API behaviour: error shape, throttling, schema and docs."""

import json
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework.settings import api_settings

from core.throttling import WriteRateThrottle
from ideas.models import Idea

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


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        # 10 MB, four times Django's DATA_UPLOAD_MAX_MEMORY_SIZE
        (json.dumps({"title": "x" * 10 * 1024 * 1024}), "application/json"),
        # over DATA_UPLOAD_MAX_NUMBER_FIELDS
        (urlencode({f"field{n}": "x" for n in range(1001)}), "application/x-www-form-urlencoded"),
    ],
    ids=["10 MB of JSON", "1001 form fields"],
)
def test_a_request_over_the_upload_limits_gets_a_json_413(api, alice, body, content_type):
    response = api(alice).post("/api/v1/ideas/", body, content_type=content_type)

    assert response.status_code == 413
    assert response.json() == {
        "error": {"code": "request_too_large", "message": "요청이 너무 큽니다.", "fields": {}}
    }
    assert not Idea.objects.exists()


@pytest.mark.parametrize("body", ["{not json", b"\xff\xfe", "[1, 2"])
def test_a_malformed_body_gets_a_json_400(api, alice, body):
    response = api(alice).post("/api/v1/ideas/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "parse_error", "message": "요청 본문을 읽을 수 없습니다.", "fields": {}}
    }
    assert not Idea.objects.exists()


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("ko", "요청에 보낸 데이터가 없습니다. 항목을 JSON 객체로 보내 주세요."),
        ("en", "The request holds no data: send its fields as a JSON object."),
    ],
)
@pytest.mark.parametrize("path", ["/api/v1/auth/token/", "/api/v1/ideas/"])
def test_a_body_of_null_is_refused_in_the_readers_language(api, alice, path, language, message):
    response = api(alice).post(path, "null", content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 400
    assert response.json() == {
        "error": {"code": "invalid", "message": message, "fields": {"non_field_errors": [message]}}
    }
    assert not Idea.objects.exists()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999", "99999999999999999999999"])
def test_a_page_that_is_not_there_is_named(api, idea, page):
    response = api().get("/api/v1/ideas/", {"page": page}, HTTP_ACCEPT_LANGUAGE="ko")

    # DRF's status for a page past the last, which the schema documents.
    assert response.status_code == 404
    message = "그런 페이지가 없습니다. 페이지 번호는 1부터 1까지입니다."
    assert response.json() == {
        "error": {"code": "not_found", "message": message, "fields": {"page": [message]}}
    }


@pytest.mark.parametrize("page", ["abc", "999"])
def test_a_page_that_is_not_there_counts_the_list_once(api, idea, page):
    with CaptureQueriesContext(connection) as queries:
        response = api().get("/api/v1/ideas/", {"page": page})

    assert response.status_code == 404
    assert sum(query["sql"].startswith("SELECT COUNT(") for query in queries.captured_queries) == 1


def test_a_page_that_is_not_there_is_named_on_an_api_view_list(api, alice):
    response = api(alice).get("/api/v1/notifications/", {"page": "abc"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json()["error"]["fields"] == {"page": ["There is no such page: pages run from 1 to 1."]}


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


def test_api_writes_are_saved_while_the_cache_is_down(api, alice, unreachable_redis_cache, caplog):
    from ideas.models import Idea
    from tests.ideas.test_idea_submit import VALID

    with override_settings(CACHES=unreachable_redis_cache):
        response = api(alice).post("/api/v1/ideas/", VALID)

    assert response.status_code == 201, response.content
    assert Idea.objects.filter(pk=response.json()["id"], author=alice, title=VALID["title"]).exists()
    assert "the cache is unreachable" in caplog.text


def test_the_similar_ideas_throttle_lets_requests_through_while_the_cache_is_down(unreachable_redis_cache):
    from rest_framework.test import APIRequestFactory

    from matching.apis import SimilarIdeasApi

    view = SimilarIdeasApi()
    request = view.initialize_request(APIRequestFactory().post("/api/v1/ideas/similar/", {"title": "버스"}))

    with override_settings(CACHES=unreachable_redis_cache):
        allowed = [throttle.allow_request(request, view) for throttle in view.get_throttles()]

    assert allowed == [True]


@pytest.fixture(scope="module")
def openapi():
    """The schema /api/schema/ serves."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _component(openapi, reference: dict) -> dict:
    return openapi["components"]["schemas"][reference["$ref"].rsplit("/", 1)[1]]


PAGINATED_LISTS = [
    "/api/v1/ideas/",
    "/api/v1/ideas/{idea_id}/comments/",
    "/api/v1/moderation/ideas/",
    "/api/v1/moderation/reports/",
    "/api/v1/companies/",
    "/api/v1/companies/{slug}/matches/",
    "/api/v1/ideas/{idea_id}/interests/",
    "/api/v1/pilots/",
    "/api/v1/pilots/{pilot_id}/volunteers/",
    "/api/v1/notifications/",
    "/api/v1/audit/",
]


# What a page says besides its rows: how the idea or company list's text search was run (by
# meaning, or by words alone because the matcher did not answer).
PAGE_EXTRAS = {"/api/v1/ideas/": {"search"}, "/api/v1/companies/": {"search"}}


@pytest.mark.parametrize("path", PAGINATED_LISTS)
def test_paginated_lists_are_described_as_pages(openapi, path):
    operation = openapi["paths"][path]["get"]

    page = _component(openapi, operation["responses"]["200"]["content"]["application/json"]["schema"])

    assert set(page["properties"]) == {"count", "next", "previous", "results"} | PAGE_EXTRAS.get(path, set())
    assert not PAGE_EXTRAS.get(path, set()) & set(page.get("required", []))
    assert page["properties"]["results"]["type"] == "array"
    assert {"page", "page_size"} <= {p["name"] for p in operation["parameters"] if p["in"] == "query"}


def test_every_error_response_is_documented_in_the_one_error_shape(openapi):
    error = openapi["components"]["schemas"]["Error"]
    documented = 0

    for operations in openapi["paths"].values():
        for operation in operations.values():
            for status, response in operation["responses"].items():
                if status >= "400":
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"
                    }
                    documented += 1

    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]
    assert documented > 200


@pytest.mark.parametrize(
    ("method", "path", "errors"),
    [
        # anyone may read, so only a missing idea
        ("get", "/api/v1/ideas/{idea_id}/matches/", {"400", "403", "404"}),
        # filters, a login for "mine", a page past the last
        ("get", "/api/v1/ideas/", {"400", "403", "404"}),
        ("get", "/api/v1/auth/me/", {"403"}),
        # no authentication at all: no login needed, no CSRF, no row to conflict with
        ("post", "/api/v1/auth/signup/", {"400", "403", "413", "415", "429"}),
        # a write without a body
        ("post", "/api/v1/ideas/{idea_id}/support/", {"400", "403", "404", "409", "429"}),
        ("post", "/api/v1/ideas/", {"400", "403", "409", "413", "415", "429"}),
        # the author's request for another look at a hidden idea: a body, an idea, once
        ("post", "/api/v1/ideas/{idea_id}/review/", {"400", "403", "404", "409", "413", "415", "429"}),
        # staff correct a station's place: a body, a pilot and its station, a revoked one refused
        (
            "patch",
            "/api/v1/pilots/{pilot_id}/stations/{station_id}/",
            {"400", "403", "404", "409", "413", "415", "429"},
        ),
    ],
)
def test_each_operation_documents_the_errors_it_can_answer(openapi, method, path, errors):
    responses = openapi["paths"][path][method]["responses"]

    assert {status for status in responses if status >= "400"} == errors


@pytest.mark.parametrize(
    ("path", "filters"),
    [
        ("/api/v1/notifications/", {"unread"}),
        ("/api/v1/moderation/reports/", {"all"}),
        ("/api/v1/audit/", {"target_type", "target_id", "action"}),
    ],
)
def test_the_filters_a_list_reads_are_documented(openapi, path, filters):
    parameters = openapi["paths"][path]["get"]["parameters"]

    assert filters <= {p["name"] for p in parameters if p["in"] == "query"}


def test_an_api_address_no_url_matches_gets_the_json_404_and_a_page_address_the_html_one(client):
    api = client.get("/api/v1/ideas/not-a-number/")
    page = client.get("/no-such-page/")

    assert api.status_code == 404
    assert api.json() == {"error": {"code": "not_found", "message": "찾을 수 없습니다.", "fields": {}}}
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
