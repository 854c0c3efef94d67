"""What the moderators hid is still shown to its author, marked hidden and explained, rather than
called "Published" (an idea) or made to vanish without a word (a comment)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from ideas.models import IdeaStatus, Report, ReportReason
from tests.accounts.factories import UserFactory
from tests.ideas.factories import CommentFactory, IdeaFactory
from tests.pages import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_idea(alice):
    return IdeaFactory(author=alice, title="우리 동네 가로등 고장 알림", is_hidden=True)


def _status_of(html: str) -> str:
    return html.split('<span class="status">', 1)[1].split("</span>", 1)[0]


@pytest.mark.parametrize(
    ("language", "label"), [("en", "Hidden by the moderators"), ("ko", "검토 담당자가 숨김")]
)
def test_the_author_reads_their_hidden_idea_as_hidden_on_its_page_and_on_my_page(
    alice, hidden_idea, language, label
):
    client = signed_in_client(alice, language)

    page = client.get(f"/ideas/{hidden_idea.pk}/").content.decode()
    my_page = client.get("/me/").content.decode()

    assert _status_of(page) == label
    mine = my_page[my_page.index(hidden_idea.title) :]
    assert _status_of(mine) == label


@pytest.mark.parametrize(
    ("language", "label", "ahead"),
    [("en", "Hidden by the moderators", "Matched"), ("ko", "검토 담당자가 숨김", "매칭됨")],
)
def test_a_hidden_ideas_progress_ends_where_it_stands_without_steps_it_cannot_reach(
    alice, hidden_idea, language, label, ahead
):
    page = signed_in_client(alice, language).get(f"/ideas/{hidden_idea.pk}/").content.decode()

    timeline = page[
        page.index('<ol class="timeline"') : page.index("</ol>", page.index('<ol class="timeline"'))
    ]
    assert timeline.rstrip().endswith(f'<li class="done">{label}</li>')
    assert ahead not in timeline


def test_staff_read_a_hidden_idea_as_hidden(staff_user, hidden_idea):
    page = signed_in_client(staff_user).get(f"/ideas/{hidden_idea.pk}/").content.decode()

    assert _status_of(page) == "Hidden by the moderators"
    assert 'id="hidden-notice"' not in page  # the explanation is the author's


def test_the_idea_list_of_the_authors_own_ideas_calls_it_hidden(alice, hidden_idea):
    listing = signed_in_client(alice).get("/ideas/?mine=true").content.decode()

    card = listing[listing.index(hidden_idea.title) :]
    assert _status_of(card) == "Hidden by the moderators"


def test_the_author_is_told_who_sees_a_hidden_idea_and_what_they_can_do(alice, hidden_idea):
    page = signed_in_client(alice).get(f"/ideas/{hidden_idea.pk}/").content.decode()

    notice = page[page.index('id="hidden-notice"') :].split("</div>", 1)[0]
    assert "The moderators decided to hide this idea." in notice
    assert "Only you and the moderators can see it" in notice
    assert "nobody else can find it, support it or comment on it" in notice
    # A published idea is the moderators' to change: a new one in other words can be sent for review.
    assert 'href="/ideas/new/"' in notice
    assert f'href="/ideas/{hidden_idea.pk}/edit/"' not in page


def test_an_idea_hidden_by_reports_tells_its_author_the_moderators_have_yet_to_decide(alice, hidden_idea):
    for _ in range(3):
        Report.objects.create(reporter=UserFactory(), idea=hidden_idea, reason=ReportReason.SPAM)

    page = signed_in_client(alice, "ko").get(f"/ideas/{hidden_idea.pk}/").content.decode()

    notice = page[page.index('id="hidden-notice"') :].split("</div>", 1)[0]
    assert "여러 사람이 신고해서" in notice


def test_a_hidden_idea_its_author_may_still_edit_offers_the_edit(alice):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED, is_hidden=True)

    page = signed_in_client(alice).get(f"/ideas/{idea.pk}/").content.decode()

    notice = page[page.index('id="hidden-notice"') :].split("</div>", 1)[0]
    assert "You can still edit it" in notice
    assert f'href="/ideas/{idea.pk}/edit/"' in page


def test_a_visible_idea_has_no_hidden_notice_and_reads_as_its_status(alice, idea):
    page = signed_in_client(alice).get(f"/ideas/{idea.pk}/").content.decode()

    assert 'id="hidden-notice"' not in page
    assert _status_of(page) == "Published"


def test_the_author_sees_their_own_hidden_comment_marked_hidden(alice, bob, idea):
    hidden = CommentFactory(idea=idea, author=bob, body="제 전화번호는 010-0000-0000 입니다", is_hidden=True)

    own_view = signed_in_client(bob).get(f"/ideas/{idea.pk}/").content.decode()
    others_view = signed_in_client(alice).get(f"/ideas/{idea.pk}/").content.decode()
    public_view = Client().get(f"/ideas/{idea.pk}/").content.decode()

    block = own_view[own_view.index(f'id="comment-{hidden.pk}"') :].split("</li>", 1)[0]
    assert "010-0000-0000" in block
    assert '<span class="status">hidden</span>' in block
    assert "only you and they can see it" in block
    assert "010-0000-0000" not in others_view and "010-0000-0000" not in public_view


def test_the_author_sees_their_own_hidden_reply(alice, bob, idea):
    top = CommentFactory(idea=idea, author=alice)
    reply = CommentFactory(idea=idea, parent=top, author=bob, body="숨겨진 답글", is_hidden=True)

    own_view = signed_in_client(bob).get(f"/ideas/{idea.pk}/").content.decode()

    assert f'id="comment-{reply.pk}"' in own_view and "숨겨진 답글" in own_view
    assert "숨겨진 답글" not in signed_in_client(alice).get(f"/ideas/{idea.pk}/").content.decode()


def test_the_api_lists_the_authors_own_hidden_comment_marked_hidden(api, alice, bob, idea):
    shown = CommentFactory(idea=idea, author=alice)
    hidden = CommentFactory(idea=idea, author=bob, is_hidden=True)

    own = api(bob).get(f"/api/v1/ideas/{idea.pk}/comments/").json()["results"]
    others = api(alice).get(f"/api/v1/ideas/{idea.pk}/comments/").json()["results"]

    assert [(row["id"], row["is_hidden"]) for row in own] == [(shown.pk, False), (hidden.pk, True)]
    assert [row["id"] for row in others] == [shown.pk]


def _comment_queries(client, idea) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/ideas/{idea.pk}/").status_code == 200
    return [query["sql"] for query in queries if query["sql"].startswith('SELECT "ideas_comment"')]


def test_the_comments_are_read_only_when_the_reader_has_some_to_see(alice, bob, idea):
    CommentFactory(idea=idea, author=alice, is_hidden=True)

    assert _comment_queries(signed_in_client(bob), idea) == []
    assert len(_comment_queries(signed_in_client(alice), idea)) == 1
