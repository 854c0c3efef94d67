"""Nothing typed is cut without a word: long fields carry their limit for the page's counter
instead of a browser maxlength, and text over the limit comes back with the field named."""

import re

import pytest
from django.test import Client

from ideas.models import Idea
from tests.ideas.factories import IDEA_FORM, CommentFactory

pytestmark = pytest.mark.django_db

VALID = IDEA_FORM
IDEA_LIMITS = {"title": 120, "problem": 5000, "proposal": 5000, "beneficiaries": 200}


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _tag(html: str, element_id: str) -> str:
    return re.search(rf"<(?:input|textarea)[^>]*id=\"{element_id}\"[^>]*>", html).group(0)


def test_every_long_field_of_the_idea_form_has_a_counter_and_no_maxlength(alice):
    html = _signed_in(alice).get("/ideas/new/").content.decode()

    for field, limit in IDEA_LIMITS.items():
        tag = _tag(html, f"id_{field}")
        assert "maxlength" not in tag
        assert f'data-max-chars="{limit}"' in tag
        assert f'data-counter-for="id_{field}"' in html
        assert f"최대 {limit}자까지 쓸 수 있습니다." in html


def test_the_comment_and_reply_forms_have_counters_and_no_maxlength(bob, idea):
    top = CommentFactory(idea=idea)

    html = _signed_in(bob).get(f"/ideas/{idea.pk}/").content.decode()

    for element_id in ("id_comment_body", f"id_reply_{top.pk}"):
        tag = _tag(html, element_id)
        assert "maxlength" not in tag and 'data-max-chars="2000"' in tag
        assert f'data-counter-for="{element_id}"' in html


def test_the_counter_script_is_a_static_file_every_page_loads(client):
    html = client.get("/").content.decode()

    assert re.search(r'<script src="/static/js/site\.js" defer>', html)


@pytest.mark.parametrize(
    ("field", "label"), [("title", "제목"), ("problem", "문제"), ("proposal", "AI가 할 수 있는 일")]
)
def test_an_idea_too_long_names_the_field_and_keeps_the_text(alice, field, label):
    too_long = "가" * (IDEA_LIMITS[field] + 1)

    response = _signed_in(alice).post("/ideas/new/", {**VALID, field: too_long})

    assert response.status_code == 200
    html = response.content.decode()
    errors = html[html.index(f'id="id_{field}_error"') :]
    assert errors.startswith(f'id="id_{field}_error"><li>“{label}” 항목은 {IDEA_LIMITS[field]:,}자까지')
    assert too_long in html
    assert not Idea.objects.exists()


def test_the_limit_message_in_english(alice):
    client = _signed_in(alice)
    client.cookies["django_language"] = "en"

    html = client.post("/ideas/new/", {**VALID, "problem": "x" * 5003}).content.decode()

    assert "“problem” has 5,003 characters, more than the 5,000 that fit." in html


def test_the_api_names_the_field_too_long(api, alice):
    response = api(alice).post("/api/v1/ideas/", {**VALID, "proposal": "x" * 5001}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["proposal"]
