"""A comment (or reply) sent to an idea closed to comments while it was written (merged into
another, hidden by the moderators, deleted) is not posted, and not lost either: the text comes
back in a box to copy, with why."""

import re

import pytest
from django.test import Client

from ideas import services
from ideas.models import Comment, Idea
from tests.ideas.factories import CommentFactory, IdeaFactory

pytestmark = pytest.mark.django_db

TEXT = "저희 동네에도 <꼭> 필요합니다.\n둘째 줄"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _kept_box(html: str) -> str:
    box = re.search(r'<textarea id="kept-comment" rows="4" readonly>\n([^<]*)</textarea>', html)
    assert box is not None, "no box with the text kept"
    return box.group(1)


def _main(html: str) -> str:
    return html[html.index('<main id="main">') : html.index("</main>")]


KEPT = "저희 동네에도 &lt;꼭&gt; 필요합니다.\n둘째 줄"
MERGED = {
    "ko": "댓글을 쓰는 동안 이 아이디어가 다른 아이디어에 병합되었습니다. 대화는 그 아이디어에서 이어집니다.",
    "en": "While you were writing, this idea was merged into another one: the conversation continues there.",
}
NOT_SAVED = {
    "ko": "입력한 내용은 저장되지 않았습니다. 아래에서 복사해 두세요.",
    "en": "What you typed was not saved: it is below, to copy.",
}


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("as_reply", [False, True], ids=["comment", "reply"])
def test_a_comment_on_an_idea_merged_meanwhile_comes_back_to_copy(bob, staff_user, idea, language, as_reply):
    top = CommentFactory(idea=idea)
    services.idea_merge(source=idea, target=IdeaFactory(), by=staff_user)
    sent = {"body": TEXT, **({"parent": top.pk} if as_reply else {})}

    response = _signed_in(bob).post(f"/ideas/{idea.pk}/comment/", sent, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 409
    html = response.content.decode()
    assert MERGED[language] in html and NOT_SAVED[language] in html
    assert _kept_box(html) == KEPT
    assert not Comment.objects.filter(author=bob).exists()


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("ko", "댓글을 쓰는 동안 검토 담당자가 이 아이디어를 숨겨서 이제 아무도 댓글을 달 수 없습니다."),
        ("en", "While you were writing, the moderators hid this idea: nobody can comment on it now."),
    ],
    ids=["ko", "en"],
)
def test_its_author_commenting_on_an_idea_hidden_meanwhile_gets_the_text_back(alice, idea, language, refusal):
    Idea.objects.filter(pk=idea.pk).update(is_hidden=True)

    response = _signed_in(alice).post(
        f"/ideas/{idea.pk}/comment/", {"body": TEXT}, HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert refusal in html
    assert _kept_box(html) == KEPT
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("ko", "이 아이디어는 더 이상 볼 수 없습니다. 검토 담당자가 숨겼거나 작성자가 삭제했을 수 있습니다."),
        (
            "en",
            "This idea is no longer shown: the moderators may have hidden it, or its author deleted it.",
        ),
    ],
    ids=["ko", "en"],
)
def test_a_comment_on_an_idea_hidden_meanwhile_comes_back_without_telling_hidden_from_deleted(
    bob, idea, language, refusal
):
    Idea.objects.filter(pk=idea.pk).update(is_hidden=True)
    client = _signed_in(bob)

    hidden = client.post(f"/ideas/{idea.pk}/comment/", {"body": TEXT}, HTTP_ACCEPT_LANGUAGE=language)
    missing = client.post("/ideas/987654/comment/", {"body": TEXT}, HTTP_ACCEPT_LANGUAGE=language)

    assert hidden.status_code == missing.status_code == 404
    html = hidden.content.decode()
    assert refusal in html and NOT_SAVED[language] in html
    assert _kept_box(html) == KEPT
    assert idea.title not in html
    assert _main(html) == _main(missing.content.decode())
    assert not Comment.objects.exists()


def test_a_blank_comment_on_a_missing_idea_is_a_plain_not_found(bob):
    response = _signed_in(bob).post("/ideas/987654/comment/", {"body": "  "})

    assert response.status_code == 404
    assert "kept-comment" not in response.content.decode()


def test_a_reply_into_a_thread_hidden_meanwhile_comes_back_in_the_comment_form(bob, idea):
    """The idea is still open: the text waits in its comment form, to be posted on its own."""
    top = CommentFactory(idea=idea, is_hidden=True)
    answer = CommentFactory(idea=idea, parent=top)

    response = _signed_in(bob).post(f"/ideas/{idea.pk}/comment/", {"body": TEXT, "parent": answer.pk})

    assert response.status_code == 409
    html = response.content.decode()
    assert "검토 담당자가 숨긴 댓글이라 더 이상 답글을 달 수 없습니다." in html
    assert re.search(
        r'<textarea id="id_comment_body" name="body"[^>]*>' + re.escape(KEPT) + "</textarea>", html
    )
    assert not Comment.objects.filter(author=bob).exists()
