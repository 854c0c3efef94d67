"""A comment reaches the people it is for: the idea's author, and on a reply the comment's
author, each in their own language and once, never the one who wrote it."""

import pytest

from accounts.models import Notification, NotificationKind, NotificationPreference
from ideas import services
from tests.accounts.factories import UserFactory
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def _told(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=NotificationKind.NEW_COMMENT))


def test_the_author_hears_of_a_comment_in_their_language_with_a_link_to_it():
    author = UserFactory(preferred_language="en")
    commenter = UserFactory(display_name="민지")
    idea = IdeaFactory(author=author, title="버스 도착 알림")

    comment = services.comment_create(idea=idea, author=commenter, body="저도 매일 기다려요. " * 30)

    (notification,) = _told(author)
    assert notification.title == "민지 commented on your idea “버스 도착 알림”"
    assert notification.body.startswith("저도 매일 기다려요.") and notification.body.endswith("…")
    assert len(notification.body) == services.COMMENT_QUOTE_CHARS + 1
    assert notification.link == f"/ideas/{idea.pk}/#comment-{comment.pk}"
    assert not _told(commenter)


def test_a_reply_tells_the_comment_author_and_the_idea_author_once_each_and_not_the_replier():
    author = UserFactory(preferred_language="ko")
    first = UserFactory(preferred_language="ko", display_name="지우")
    replier = UserFactory(display_name="서연")
    idea = IdeaFactory(author=author, title="버스 도착 알림")
    comment = services.comment_create(idea=idea, author=first, body="좋은 생각이에요")

    services.comment_create(idea=idea, author=replier, body="동의해요", parent=comment)

    assert [n.title for n in _told(first)] == ["서연님이 “버스 도착 알림”에 남기신 댓글에 답글을 달았습니다"]
    assert len(_told(author)) == 2  # the first comment and the reply
    assert not _told(replier)


def test_an_author_answering_on_their_own_idea_tells_only_the_commenter():
    author = UserFactory()
    commenter = UserFactory()
    idea = IdeaFactory(author=author)
    comment = services.comment_create(idea=idea, author=commenter, body="질문이 있어요")

    services.comment_create(idea=idea, author=author, body="답변드려요", parent=comment)

    assert len(_told(commenter)) == 1
    assert len(_told(author)) == 1  # of the question, not of their own answer


def test_someone_who_turned_comment_news_off_hears_nothing():
    author = UserFactory()
    NotificationPreference.objects.create(
        user=author, kind=NotificationKind.NEW_COMMENT, in_app=False, email=False
    )

    services.comment_create(idea=IdeaFactory(author=author), author=UserFactory(), body="안녕하세요")

    assert not _told(author)


def test_a_comment_its_author_deletes_is_no_longer_quoted_in_the_notifications_about_it():
    author, commenter = UserFactory(), UserFactory()
    idea = IdeaFactory(author=author)
    deleted = services.comment_create(idea=idea, author=commenter, body="제 번호는 010-1234-5678이에요.")
    kept = services.comment_create(idea=idea, author=commenter, body="저도 같은 생각이에요.")

    services.comment_remove(comment=deleted, user=commenter)

    bodies = {n.link: n.body for n in _told(author)}
    assert bodies == {
        f"/ideas/{idea.pk}/#comment-{deleted.pk}": "",
        f"/ideas/{idea.pk}/#comment-{kept.pk}": "저도 같은 생각이에요.",
    }


def test_a_deleted_reply_is_no_longer_quoted_to_the_comment_it_answered():
    author, commenter, replier = UserFactory(), UserFactory(), UserFactory()
    idea = IdeaFactory(author=author)
    top = services.comment_create(idea=idea, author=commenter, body="좋은 생각이에요.")
    reply = services.comment_create(idea=idea, author=replier, body="제 번호는 010-0000-0000", parent=top)

    services.comment_remove(comment=reply, user=replier)

    assert [n.body for n in _told(commenter)] == [""]
    assert [n.body for n in _told(author) if n.link.endswith(f"-{reply.pk}")] == [""]
