"""A comment hidden by the moderators (after reports) can no longer be answered: a reply saved
under it would be shown to no one, and would tell its author of a reply nobody can read."""

import pytest
from django.test import Client

from accounts.models import Notification
from ideas.models import Comment
from tests.ideas.factories import CommentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden(idea, carol):
    return CommentFactory(idea=idea, author=carol, is_hidden=True)


def test_the_api_refuses_a_reply_to_a_hidden_comment_naming_the_parent(api, bob, idea, hidden):
    response = api(bob).post(f"/api/v1/ideas/{idea.pk}/comments/", {"body": "동감해요", "parent": hidden.pk})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["parent"]
    assert not Comment.objects.filter(author=bob).exists()
    assert not Notification.objects.filter(user=hidden.author, kind="new_comment").exists()


def test_a_reply_from_a_page_opened_before_the_comment_was_hidden_is_kept_as_a_comment_of_its_own(
    bob, idea, hidden
):
    client = Client()
    client.force_login(bob)

    reply = {"body": "저도 같은 생각이에요", "parent": hidden.pk}
    response = client.post(f"/ideas/{idea.pk}/comment/", reply)

    kept = Comment.objects.get(author=bob)
    assert kept.parent is None
    assert response["Location"] == f"/ideas/{idea.pk}/#comment-{kept.pk}"
    assert "저도 같은 생각이에요" in Client().get(f"/ideas/{idea.pk}/").content.decode()
    assert not Notification.objects.filter(user=hidden.author, kind="new_comment").exists()
    page = client.get(response["Location"]).content.decode()
    assert "숨겨졌거나 삭제되어" in page


def test_staff_who_see_a_hidden_comment_are_not_offered_a_reply_to_it(staff_user, idea, hidden):
    shown = CommentFactory(idea=idea)
    client = Client()
    client.force_login(staff_user)

    html = client.get(f"/ideas/{idea.pk}/").content.decode()

    assert f'id="comment-{hidden.pk}"' in html
    assert f'name="parent" value="{hidden.pk}"' not in html
    assert f'name="parent" value="{shown.pk}"' in html
