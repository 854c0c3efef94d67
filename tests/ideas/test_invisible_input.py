"""Text of only spaces and zero-width characters looks empty to every reader, and is refused as
an empty field is: on the idea and comment forms and through the API."""

import pytest
from django.test import Client

from core.validators import strip_invisible
from ideas.models import Comment, Idea
from tests.ideas.factories import IDEA_FORM, CommentFactory

pytestmark = pytest.mark.django_db

INVISIBLE = [" \u200b ", "\u200c\u200d", "\u2060\ufeff\u200b\u200b\u200b", "\ufeff \t\u200b\n"]
REQUIRED = "필수 항목입니다."
VALID = IDEA_FORM


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_strip_invisible_keeps_what_is_inside():
    assert strip_invisible("\u200b 안녕\u200d하세요 \ufeff") == "안녕\u200d하세요"
    assert strip_invisible("\u200b\u200c\u200d\u2060\ufeff \n") == ""


@pytest.mark.parametrize("value", INVISIBLE)
@pytest.mark.parametrize("field", ["title", "problem", "proposal"])
def test_the_idea_form_refuses_invisible_text_as_empty(alice, field, value):
    response = _signed_in(alice).post("/ideas/new/", {**VALID, field: value})

    assert response.status_code == 200
    html = response.content.decode()
    errors = html[html.index(f'id="id_{field}_error"') :]
    assert errors.index(REQUIRED) < errors.index("</ul>")
    assert not Idea.objects.exists()


def test_invisible_who_benefits_is_left_empty(alice):
    _signed_in(alice).post("/ideas/new/", {**VALID, "beneficiaries": "\u200b\u200b"})

    assert Idea.objects.get().beneficiaries == ""


@pytest.mark.parametrize("value", INVISIBLE)
def test_the_comment_form_refuses_invisible_text(bob, idea, value):
    response = _signed_in(bob).post(f"/ideas/{idea.pk}/comment/", {"body": value})

    assert response.status_code == 400
    assert REQUIRED in response.content.decode()
    assert not Comment.objects.exists()


@pytest.mark.parametrize("value", INVISIBLE)
@pytest.mark.parametrize("field", ["title", "problem", "proposal"])
def test_the_api_refuses_an_invisible_idea_field(api, alice, field, value):
    response = api(alice).post("/api/v1/ideas/", {**VALID, field: value}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert not Idea.objects.exists()


def test_the_api_refuses_an_invisible_edit(api, alice):
    draft = api(alice).post("/api/v1/ideas/", {**VALID, "draft": True}, format="json").json()
    refused = api(alice).patch(f"/api/v1/ideas/{draft['id']}/", {"problem": "\u200b\u200b"}, format="json")
    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["problem"]
    assert Idea.objects.get(pk=draft["id"]).problem == VALID["problem"]


@pytest.mark.parametrize("value", INVISIBLE)
def test_the_api_refuses_an_invisible_comment_or_edit(api, alice, idea, value):
    created = api(alice).post(f"/api/v1/ideas/{idea.pk}/comments/", {"body": value}, format="json")
    comment = CommentFactory(idea=idea, author=alice, body="원래 댓글")
    edited = api(alice).patch(f"/api/v1/comments/{comment.pk}/", {"body": value}, format="json")

    assert (created.status_code, edited.status_code) == (400, 400)
    assert list(created.json()["error"]["fields"]) == list(edited.json()["error"]["fields"]) == ["body"]
    assert Comment.objects.get().body == "원래 댓글"


def test_the_model_refuses_invisible_text_whatever_the_caller():
    from django.core.exceptions import ValidationError

    from core.validators import visible_text_required

    with pytest.raises(ValidationError):
        visible_text_required("\u200b\u2060")
    visible_text_required("a\u200b")


def test_a_rejection_reason_or_revision_note_of_invisible_characters_is_refused(staff_user):
    from core.errors import ApplicationError
    from ideas import services
    from ideas.models import IdeaStatus
    from tests.ideas.factories import IdeaFactory

    idea = IdeaFactory(status=IdeaStatus.SUBMITTED)

    with pytest.raises(ApplicationError) as rejected:
        services.idea_reject(idea=idea, by=staff_user, reason="\u200b \u2060")
    with pytest.raises(ApplicationError) as revised:
        services.idea_request_revision(idea=idea, by=staff_user, note="\ufeff")

    assert list(rejected.value.fields) == ["reason"] and list(revised.value.fields) == ["note"]
    idea.refresh_from_db()
    assert (idea.status, idea.rejection_reason) == (IdeaStatus.SUBMITTED, "")
