"""A citizen deletes their own comment from the idea page, at any time (after the edit window a
comment that gave away personal details can still be taken down): a page asks first, its POST
deletes. The same people may delete as through DELETE /api/v1/comments/<id>/."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ideas.models import Comment, IdeaStatus
from tests.ideas.factories import CommentFactory, IdeaFactory
from tests.pages import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_comment(bob, idea):
    """Bob's comment with his phone number, posted long after the edit window closed."""
    comment = CommentFactory(idea=idea, author=bob, body="제 번호는 010-1234-5678 이에요")
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=30))
    return comment


def test_the_idea_page_offers_the_author_a_delete_link_for_each_of_their_comments(
    bob, alice, idea, old_comment
):
    others = CommentFactory(idea=idea, author=alice)

    page = signed_in_client(bob).get(f"/ideas/{idea.pk}/").content.decode()

    assert f'href="/comments/{old_comment.pk}/delete/"' in page
    assert f'href="/comments/{others.pk}/delete/"' not in page
    assert "/delete/" not in Client().get(f"/ideas/{idea.pk}/").content.decode()


def test_the_page_asks_before_deleting_and_deletes_nothing_on_the_way(bob, idea, old_comment):
    response = signed_in_client(bob).get(f"/comments/{old_comment.pk}/delete/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "010-1234-5678" in html  # what is about to go
    assert '<form method="post"' in html and "<script" not in html.split("<main", 1)[1]
    assert f'href="/ideas/{idea.pk}/#comment-{old_comment.pk}"' in html  # cancel
    assert Comment.objects.get(pk=old_comment.pk).is_removed is False


@pytest.mark.parametrize(
    ("language", "done"), [("en", "Your comment was deleted."), ("ko", "댓글을 삭제했습니다.")]
)
def test_the_author_deletes_their_comment_after_the_edit_window(bob, idea, old_comment, language, done):
    client = signed_in_client(bob, language)

    response = client.post(f"/comments/{old_comment.pk}/delete/", follow=True)

    assert response.redirect_chain == [(f"/ideas/{idea.pk}/#comment-{old_comment.pk}", 302)]
    html = response.content.decode()
    assert done in html
    assert "010-1234-5678" not in html
    assert Comment.objects.get(pk=old_comment.pk).is_removed is True
    assert "010-1234-5678" not in Client().get(f"/ideas/{idea.pk}/").content.decode()


def test_replies_keep_their_thread_when_the_comment_they_answer_is_deleted(alice, bob, idea, old_comment):
    reply = CommentFactory(idea=idea, parent=old_comment, author=alice, body="번호는 지우시는 게 좋겠어요")

    signed_in_client(bob).post(f"/comments/{old_comment.pk}/delete/")

    html = Client().get(f"/ideas/{idea.pk}/").content.decode()
    thread = html[html.index(f'id="comment-{old_comment.pk}"') :]
    assert thread.index("삭제된 댓글") < thread.index(f'id="comment-{reply.pk}"')
    assert Comment.objects.get(pk=reply.pk).is_removed is False


def test_the_author_may_delete_a_comment_the_moderators_hid(bob, idea):
    hidden = CommentFactory(idea=idea, author=bob, is_hidden=True)
    client = signed_in_client(bob)

    assert f'href="/comments/{hidden.pk}/delete/"' in client.get(f"/ideas/{idea.pk}/").content.decode()
    client.post(f"/comments/{hidden.pk}/delete/")

    assert Comment.objects.get(pk=hidden.pk).is_removed is True


def test_a_comment_on_an_idea_closed_to_comments_can_still_be_deleted(bob):
    merged = IdeaFactory(status=IdeaStatus.MERGED, merged_into=IdeaFactory())
    comment = CommentFactory(idea=merged, author=bob)

    response = signed_in_client(bob).post(f"/comments/{comment.pk}/delete/")

    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).is_removed is True


def test_another_citizen_can_delete_neither_on_the_page_nor_through_the_api(api, alice, idea, old_comment):
    page_get = signed_in_client(alice).get(f"/comments/{old_comment.pk}/delete/")
    page_post = signed_in_client(alice).post(f"/comments/{old_comment.pk}/delete/")
    api_delete = api(alice).delete(f"/api/v1/comments/{old_comment.pk}/")

    assert page_get.status_code == page_post.status_code == api_delete.status_code == 403
    assert Comment.objects.get(pk=old_comment.pk).is_removed is False


def test_anonymous_visitors_are_sent_to_log_in(idea, old_comment):
    response = Client().post(f"/comments/{old_comment.pk}/delete/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Comment.objects.get(pk=old_comment.pk).is_removed is False


def test_a_comment_on_an_idea_the_reader_cannot_see_answers_as_missing(api, alice, bob):
    hidden_idea = IdeaFactory(author=alice, is_hidden=True)
    comment = CommentFactory(idea=hidden_idea, author=bob)

    page = signed_in_client(bob).post(f"/comments/{comment.pk}/delete/")
    through_api = api(bob).delete(f"/api/v1/comments/{comment.pk}/")

    assert page.status_code == through_api.status_code == 404
    assert Comment.objects.get(pk=comment.pk).is_removed is False


def test_someone_elses_hidden_or_a_deleted_comment_answers_as_missing(alice, bob, idea):
    hidden = CommentFactory(idea=idea, author=alice, is_hidden=True)
    removed = CommentFactory(idea=idea, author=bob, is_removed=True)

    client = signed_in_client(bob)

    assert client.get(f"/comments/{hidden.pk}/delete/").status_code == 404
    assert client.post(f"/comments/{removed.pk}/delete/").status_code == 404
    assert client.get("/comments/987654/delete/").status_code == 404
    assert Comment.objects.get(pk=hidden.pk).is_removed is False


def test_city_staff_may_delete_as_they_may_through_the_api(staff_user, idea, old_comment):
    response = signed_in_client(staff_user).post(f"/comments/{old_comment.pk}/delete/")

    assert response.status_code == 302
    assert Comment.objects.get(pk=old_comment.pk).is_removed is True
