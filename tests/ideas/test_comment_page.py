"""The idea page keeps the README's promise about comments: replies one level deep, the author's
edits within COMMENT_EDIT_WINDOW_MINUTES, and every comment's time ("edited" once edited)."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ideas.models import Comment, IdeaStatus
from tests.ideas.factories import CommentFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _age(comment: Comment, **delta) -> None:
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(**delta))


def test_a_citizen_replies_to_a_comment_from_the_page(bob, idea):
    top = CommentFactory(idea=idea)

    response = _signed_in(bob).post(f"/ideas/{idea.pk}/comment/", {"body": "저도 그래요", "parent": top.pk})

    reply = Comment.objects.get(author=bob)
    assert reply.parent == top
    assert response["Location"] == f"/ideas/{idea.pk}/#comment-{reply.pk}"
    html = Client().get(f"/ideas/{idea.pk}/").content.decode()
    thread = html[html.index(f'id="comment-{top.pk}"') :]
    assert thread.index('class="replies"') < thread.index(f'id="comment-{reply.pk}"')


def test_only_top_level_comments_offer_a_reply(bob, idea):
    top = CommentFactory(idea=idea)
    reply = CommentFactory(idea=idea, parent=top)

    html = _signed_in(bob).get(f"/ideas/{idea.pk}/").content.decode()

    parents = re.findall(r'name="parent" value="(\d+)"', html)
    assert parents == [str(top.pk)]
    assert str(reply.pk) not in parents


def test_a_refused_reply_comes_back_open_under_its_comment_with_the_text(bob, idea):
    top = CommentFactory(idea=idea)

    response = _signed_in(bob).post(f"/ideas/{idea.pk}/comment/", {"body": "가" * 2001, "parent": top.pk})

    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'<details class="fold reply" open>', html)
    assert f'id="reply-errors-{top.pk}"' in html
    assert f">{'가' * 2001}</textarea>" in html
    assert not Comment.objects.filter(author=bob).exists()


def test_the_author_edits_a_comment_within_the_window_and_it_shows_as_edited(alice, idea):
    comment = CommentFactory(idea=idea, author=alice, body="처음 쓴 댓글")
    client = _signed_in(alice)
    assert f'href="/comments/{comment.pk}/edit/"' in client.get(f"/ideas/{idea.pk}/").content.decode()

    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "고친 댓글"})

    assert response["Location"] == f"/ideas/{idea.pk}/#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.body == "고친 댓글" and comment.edited_at is not None
    html = Client().get(f"/ideas/{idea.pk}/").content.decode()
    assert "고친 댓글" in html and "수정됨" in html


def test_posting_the_same_text_again_does_not_mark_it_edited(alice, idea):
    comment = CommentFactory(idea=idea, author=alice, body="그대로")

    _signed_in(alice).post(f"/comments/{comment.pk}/edit/", {"body": "그대로"})

    assert Comment.objects.get(pk=comment.pk).edited_at is None


def _kept_box(html: str) -> str:
    """The text a refused edit kept, as the read-only box to copy it from shows it."""
    box = re.search(r'<textarea id="kept-comment" rows="4" readonly>\n([^<]*)</textarea>', html)
    assert box is not None, "no box with the text kept"
    return box.group(1)


def test_after_the_window_the_author_is_told_and_nothing_changes(alice, idea, settings):
    settings.COMMENT_EDIT_WINDOW_MINUTES = 15
    comment = CommentFactory(idea=idea, author=alice, body="오래된 댓글")
    _age(comment, minutes=16)
    client = _signed_in(alice)
    assert f'href="/comments/{comment.pk}/edit/"' not in client.get(f"/ideas/{idea.pk}/").content.decode()

    opened = client.get(f"/comments/{comment.pk}/edit/", follow=True)

    assert "이 댓글은 더 이상 수정할 수 없습니다" in opened.content.decode()
    assert Comment.objects.get(pk=comment.pk).body == "오래된 댓글"


@pytest.mark.parametrize(
    ("language", "refusal", "kept_note"),
    [
        (
            "ko",
            "수정할 수 있는 시간이 지나 이 댓글은 더 이상 수정할 수 없습니다.",
            "입력한 내용은 저장되지 않았습니다. 아래에서 복사해 두세요.",
        ),
        (
            "en",
            "This comment can no longer be edited: the time to edit it is over.",
            "What you typed was not saved: it is below, to copy.",
        ),
    ],
    ids=["ko", "en"],
)
def test_an_edit_sent_after_the_window_closed_comes_back_with_its_text_to_copy(
    alice, idea, settings, language, refusal, kept_note
):
    """Opened at minute 14, sent at minute 16: the comment is not changed, and the text typed is
    not lost to a redirect but shown, read-only, with no button that would be refused again."""
    settings.COMMENT_EDIT_WINDOW_MINUTES = 15
    comment = CommentFactory(idea=idea, author=alice, body="오래된 댓글")
    _age(comment, minutes=14)
    client = _signed_in(alice)
    assert client.get(f"/comments/{comment.pk}/edit/").status_code == 200
    _age(comment, minutes=16)

    late = {"body": "늦게 고친 <긴> 댓글\n둘째 줄"}
    response = client.post(f"/comments/{comment.pk}/edit/", late, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 409
    html = response.content.decode()
    assert refusal in html and kept_note in html
    assert _kept_box(html) == "늦게 고친 &lt;긴&gt; 댓글\n둘째 줄"
    main = html[html.index('<main id="main">') : html.index("</main>")]
    assert 'name="body"' not in main and 'type="submit"' not in main
    assert Comment.objects.get(pk=comment.pk).body == "오래된 댓글"


def test_a_comment_staff_hid_can_no_longer_be_edited_by_its_author(api, alice, idea):
    comment = CommentFactory(idea=idea, author=alice, body="숨겨진 댓글", is_hidden=True)
    client = _signed_in(alice)

    response = client.post(f"/comments/{comment.pk}/edit/", {"body": "몰래 고침"})
    refused_by_api = api(alice).patch(f"/api/v1/comments/{comment.pk}/", {"body": "몰래 고침"})

    assert response.status_code == 409
    html = response.content.decode()
    assert "검토 담당자가 숨긴 댓글이어서 더 이상 수정할 수 없습니다." in html
    assert _kept_box(html) == "몰래 고침"
    assert refused_by_api.status_code in (403, 404)
    assert Comment.objects.get(pk=comment.pk).body == "숨겨진 댓글"


def test_only_the_author_edits_a_comment(bob, staff_user, idea):
    comment = CommentFactory(idea=idea, body="남의 댓글")
    assert (
        f'href="/comments/{comment.pk}/edit/"'
        not in _signed_in(bob).get(f"/ideas/{idea.pk}/").content.decode()
    )

    for user in (bob, staff_user):
        assert _signed_in(user).get(f"/comments/{comment.pk}/edit/").status_code == 403
        assert _signed_in(user).post(f"/comments/{comment.pk}/edit/", {"body": "바꿈"}).status_code == 403
    anonymous = Client().post(f"/comments/{comment.pk}/edit/", {"body": "바꿈"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert Comment.objects.get(pk=comment.pk).body == "남의 댓글"


def test_an_edit_too_long_comes_back_with_the_field_named_and_the_text(alice, idea):
    comment = CommentFactory(idea=idea, author=alice)

    response = _signed_in(alice).post(f"/comments/{comment.pk}/edit/", {"body": "나" * 2001})

    assert response.status_code == 400
    html = response.content.decode()
    assert "“댓글” 항목은 2,000자까지 쓸 수 있는데 지금 2,001자입니다." in html
    assert "나" * 2001 in html


def test_every_comment_shows_its_time(idea):
    fresh = CommentFactory(idea=idea)
    hours = CommentFactory(idea=idea)
    _age(hours, hours=3)
    old = CommentFactory(idea=idea)
    _age(old, days=40)
    old.refresh_from_db()

    html = Client().get(f"/ideas/{idea.pk}/").content.decode()

    def time_of(comment):
        block = html[html.index(f'id="comment-{comment.pk}"') :]
        return re.search(r"<time datetime=\"[^\"]+\" title=\"[^\"]+\">([^<]+)</time>", block).group(1)

    assert time_of(fresh) == "방금"
    assert time_of(hours) == "3시간 전"
    day = timezone.localtime(old.created_at)
    assert time_of(old) == f"{day.year}년\u00a0{day.month}월\u00a0{day.day}일"  # no-break spaces: one line


def test_the_api_says_when_a_comment_was_edited(api, alice, idea):
    comment = CommentFactory(idea=idea, author=alice)

    edited = api(alice).patch(f"/api/v1/comments/{comment.pk}/", {"body": "고쳤어요"}).json()

    assert edited["edited_at"] is not None
    listing = api().get(f"/api/v1/ideas/{idea.pk}/comments/").json()["results"]
    assert listing[0]["edited_at"] == edited["edited_at"]


def test_someone_elses_hidden_comment_answers_as_a_missing_one_would(bob, idea):
    hidden = CommentFactory(idea=idea, is_hidden=True)
    shown = CommentFactory(idea=idea)
    client = Client()
    client.force_login(bob)

    assert client.get(f"/comments/{hidden.pk}/edit/").status_code == 404
    assert client.get("/comments/987654/edit/").status_code == 404
    assert client.get(f"/comments/{shown.pk}/edit/").status_code == 403


@pytest.mark.parametrize(
    ("status", "hidden", "empty_state"),
    [
        (IdeaStatus.PUBLISHED, False, "아직 댓글이 없습니다."),
        (IdeaStatus.SUBMITTED, False, "아이디어가 공개되면 다른 사람들이 댓글을 달 수 있습니다."),
        (IdeaStatus.REJECTED, False, "댓글이 없습니다."),
        (IdeaStatus.PUBLISHED, True, "댓글이 없습니다."),
    ],
)
def test_an_idea_without_comments_says_whether_any_can_come(alice, status, hidden, empty_state):
    """Only an idea open to citizens promises comments "yet"; its author, reading one that waits
    for review, learns when others can comment, and one that nobody can comment on says none."""
    idea = IdeaFactory(author=alice, status=status, is_hidden=hidden)

    html = _signed_in(alice).get(f"/ideas/{idea.pk}/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()

    comments = html[html.index('id="comments"') :]
    assert re.search(r'<p class="empty">([^<]*)</p>', comments).group(1) == empty_state
