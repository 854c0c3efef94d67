from datetime import timedelta

import pytest
from django.utils import timezone

from ideas.models import Comment, IdeaStatus, Report
from tests.ideas.factories import CommentFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def test_replies_are_threaded_one_level_deep(api, alice, bob, idea):
    top = api(alice).post(f"/api/v1/ideas/{idea.pk}/comments/", {"body": "저도 필요해요"}).json()
    reply = api(bob).post(f"/api/v1/ideas/{idea.pk}/comments/", {"body": "동감", "parent": top["id"]}).json()
    reply_to_reply = (
        api(alice)
        .post(f"/api/v1/ideas/{idea.pk}/comments/", {"body": "고마워요", "parent": reply["id"]})
        .json()
    )

    assert reply_to_reply["parent"] == top["id"]
    listing = api().get(f"/api/v1/ideas/{idea.pk}/comments/").json()
    assert [c["body"] for c in listing["results"]] == ["저도 필요해요"]
    assert [r["body"] for r in listing["results"][0]["replies"]] == ["동감", "고마워요"]


def test_reply_to_a_comment_of_another_idea_is_refused(api, alice, idea):
    elsewhere = CommentFactory()

    response = api(alice).post(f"/api/v1/ideas/{idea.pk}/comments/", {"body": "답글", "parent": elsewhere.pk})

    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]


def test_author_edits_a_comment_only_within_the_window(api, alice, idea, settings):
    settings.COMMENT_EDIT_WINDOW_MINUTES = 15
    fresh = CommentFactory(idea=idea, author=alice)
    old = CommentFactory(idea=idea, author=alice)
    Comment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=16))

    assert api(alice).patch(f"/api/v1/comments/{fresh.pk}/", {"body": "고쳤어요"}).status_code == 200
    assert api(alice).patch(f"/api/v1/comments/{old.pk}/", {"body": "고쳤어요"}).status_code == 403
    fresh.refresh_from_db()
    old.refresh_from_db()
    assert (fresh.body, old.body) == ("고쳤어요", "좋은 생각이에요. 저도 같은 불편을 겪어요.")


def test_an_edited_comment_answers_with_only_the_replies_its_author_may_see(api, alice, bob, idea):
    top = CommentFactory(idea=idea, author=bob, body="저도 필요해요")
    shown = CommentFactory(idea=idea, parent=top, author=alice, body="보이는 답글")
    CommentFactory(idea=idea, parent=top, author=alice, body="앨리스의 숨겨진 답글", is_hidden=True)
    own_hidden = CommentFactory(idea=idea, parent=top, author=bob, body="제 숨겨진 답글", is_hidden=True)

    listed = api(bob).get(f"/api/v1/ideas/{idea.pk}/comments/").json()["results"][0]["replies"]
    edited = api(bob).patch(f"/api/v1/comments/{top.pk}/", {"body": "저도 정말 필요해요"})

    assert edited.status_code == 200 and edited.json()["body"] == "저도 정말 필요해요"
    assert (
        [r["id"] for r in edited.json()["replies"]] == [r["id"] for r in listed] == [shown.pk, own_hidden.pk]
    )
    assert "앨리스의 숨겨진 답글" not in edited.content.decode()


def test_staff_hiding_a_comment_are_answered_with_its_replies(api, staff_user, alice, bob, idea):
    top = CommentFactory(idea=idea, author=bob)
    reply = CommentFactory(idea=idea, parent=top, author=alice)

    hidden = api(staff_user).post(f"/api/v1/comments/{top.pk}/hidden/").json()

    assert hidden["is_hidden"] is True
    assert [r["id"] for r in hidden["replies"]] == [reply.pk]


def test_the_comment_count_is_what_the_comment_list_lets_anyone_read(api, alice, bob, idea):
    top = CommentFactory(idea=idea, author=bob)
    CommentFactory(idea=idea, parent=top, author=alice)
    CommentFactory(idea=idea, parent=top, author=alice, is_hidden=True)
    hidden_top = CommentFactory(idea=idea, author=alice, is_hidden=True)
    CommentFactory(idea=idea, parent=hidden_top, author=bob)
    CommentFactory(idea=idea, author=bob, is_removed=True)

    listed = api().get(f"/api/v1/ideas/{idea.pk}/comments/").json()["results"]
    readable = [c for c in listed + [r for c in listed for r in c["replies"]] if not c["is_removed"]]
    one = api().get(f"/api/v1/ideas/{idea.pk}/").json()
    (in_list,) = api(bob).get("/api/v1/ideas/").json()["results"]

    assert len(readable) == 2
    assert one["comments_count"] == in_list["comments_count"] == 2


def test_removed_comment_keeps_its_place_without_its_text(api, alice, staff_user, idea):
    comment = CommentFactory(idea=idea, author=alice, body="지울 댓글")

    api(staff_user).delete(f"/api/v1/comments/{comment.pk}/")

    row = api().get(f"/api/v1/ideas/{idea.pk}/comments/").json()["results"][0]
    assert row["is_removed"] is True
    assert row["body"] == ""
    assert Comment.objects.get(pk=comment.pk).body == "지울 댓글"


def test_comments_list_query_count_is_flat(api, idea, django_assert_num_queries):
    for top in CommentFactory.create_batch(5, idea=idea):
        CommentFactory.create_batch(2, idea=idea, parent=top)

    # idea, count, top-level comments with authors, replies with authors
    with django_assert_num_queries(4):
        response = api().get(f"/api/v1/ideas/{idea.pk}/comments/")

    assert response.json()["count"] == 5


def test_report_an_idea_or_a_comment_once(api, bob, idea):
    comment = CommentFactory(idea=idea)

    on_idea = api(bob).post("/api/v1/reports/", {"idea": idea.pk, "reason": "spam"})
    on_comment = api(bob).post("/api/v1/reports/", {"comment": comment.pk, "reason": "abuse"})
    again = api(bob).post("/api/v1/reports/", {"idea": idea.pk, "reason": "spam"})
    neither = api(bob).post("/api/v1/reports/", {"reason": "spam"})

    assert (on_idea.status_code, on_comment.status_code, again.status_code) == (201, 201, 409)
    assert neither.status_code == 400
    assert Report.objects.filter(reporter=bob).count() == 2


def test_reporting_an_idea_or_a_comment_the_reporter_cannot_see_is_a_400(api, alice, bob):
    draft = IdeaFactory(author=alice, status=IdeaStatus.DRAFT)
    on_draft = CommentFactory(idea=draft)

    idea = api(bob).post("/api/v1/reports/", {"idea": draft.pk, "reason": "spam"})
    comment = api(bob).post("/api/v1/reports/", {"comment": on_draft.pk, "reason": "spam"})
    missing = api(bob).post("/api/v1/reports/", {"comment": on_draft.pk + 1000, "reason": "spam"})

    assert (idea.status_code, comment.status_code, missing.status_code) == (400, 400, 400)
    assert idea.json()["error"]["fields"] == {"idea": ["존재하지 않는 아이디어입니다."]}
    assert comment.json()["error"]["fields"] == missing.json()["error"]["fields"]
    assert missing.json()["error"]["fields"] == {"comment": ["존재하지 않는 댓글입니다."]}
    assert not Report.objects.exists()
