"""Citizens report an idea or a comment from the idea page; the report joins the staff queue of
the moderation page, where staff hide the content or dismiss the report."""

import pytest
from django.test import Client

from accounts.models import AuditEntry
from ideas.models import Comment, Idea, IdeaStatus, Report
from tests.accounts.factories import UserFactory
from tests.ideas.factories import CommentFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_idea_page_links_to_reporting_the_idea_and_each_comment(bob, idea):
    comment = CommentFactory(idea=idea)

    html = _signed_in(bob).get(f"/ideas/{idea.pk}/").content.decode()

    assert f'href="/ideas/{idea.pk}/report/"' in html
    assert f'href="/comments/{comment.pk}/report/"' in html


def test_a_citizen_reports_an_idea_and_it_joins_the_staff_queue(bob, staff_user, idea):
    client = _signed_in(bob)
    form = client.get(f"/ideas/{idea.pk}/report/").content.decode()
    assert 'name="reason"' in form and 'name="details"' in form

    response = client.post(
        f"/ideas/{idea.pk}/report/",
        {"reason": "personal_data", "details": "전화번호가 적혀 있어요"},
        follow=True,
    )

    assert response.redirect_chain == [(f"/ideas/{idea.pk}/", 302)]
    assert "검토 담당자가 신고 내용을 확인합니다" in response.content.decode()
    report = Report.objects.get()
    assert (report.reporter, report.idea, report.reason, report.details) == (
        bob,
        idea,
        "personal_data",
        "전화번호가 적혀 있어요",
    )
    queue = _signed_in(staff_user).get("/staff/moderation/").content.decode()
    assert f'id="report-{report.pk}"' in queue and "전화번호가 적혀 있어요" in queue


def test_a_citizen_reports_a_comment(bob, idea):
    comment = CommentFactory(idea=idea, body="광고입니다 010-0000-0000")

    response = _signed_in(bob).post(f"/comments/{comment.pk}/report/", {"reason": "spam"})

    assert response.status_code == 302
    assert response["Location"] == f"/ideas/{idea.pk}/#comment-{comment.pk}"
    assert Report.objects.filter(reporter=bob, comment=comment, reason="spam").exists()


def test_a_second_report_of_the_same_item_is_refused_with_a_clear_message(bob, idea):
    client = _signed_in(bob)
    client.post(f"/ideas/{idea.pk}/report/", {"reason": "spam"})

    page = client.get(f"/ideas/{idea.pk}/report/").content.decode()
    again = client.post(f"/ideas/{idea.pk}/report/", {"reason": "abuse"})

    assert "이미 신고하셨습니다" in page and 'name="reason"' not in page
    assert again.status_code == 200 and "이미 신고하셨습니다" in again.content.decode()
    assert Report.objects.filter(reporter=bob).count() == 1


def test_a_report_needs_a_reason_and_keeps_the_details_typed(bob, idea):
    response = _signed_in(bob).post(f"/ideas/{idea.pk}/report/", {"details": "설명만 적었어요"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "필수 항목입니다." in html and "설명만 적었어요" in html
    assert not Report.objects.exists()


def test_only_signed_in_people_report(client, idea):
    page = client.get(f"/ideas/{idea.pk}/report/")
    sent = client.post(f"/ideas/{idea.pk}/report/", {"reason": "spam"})

    assert page.status_code == sent.status_code == 302
    assert page["Location"] == f"/accounts/login/?next=/ideas/{idea.pk}/report/"
    assert not Report.objects.exists()


@pytest.mark.parametrize("what", ["idea", "comment"])
def test_the_author_is_not_offered_a_report_of_what_they_wrote(alice, idea, what):
    """As the idea page shows them no report link and the API refuses them: they edit or delete
    instead, and the page says so rather than offer a form that would be refused."""
    path = f"/ideas/{idea.pk}/report/"
    if what == "comment":
        path = f"/comments/{CommentFactory(idea=idea, author=alice).pk}/report/"
    client = _signed_in(alice)

    page = client.get(path)
    sent = client.post(path, {"reason": "spam"})

    assert page.status_code == sent.status_code == 403
    html = page.content.decode()
    assert "내가 쓴 글은 신고할 수 없습니다. 대신 고치거나 삭제해 주세요." in html
    assert 'name="reason"' not in html
    assert not Report.objects.exists()


@pytest.mark.parametrize("hidden", ["draft", "hidden_idea", "hidden_comment", "removed_comment"])
def test_what_the_public_does_not_see_cannot_be_reported(alice, bob, hidden):
    idea = IdeaFactory(author=alice, status=IdeaStatus.DRAFT if hidden == "draft" else IdeaStatus.PUBLISHED)
    if hidden == "hidden_idea":
        Idea.objects.filter(pk=idea.pk).update(is_hidden=True)
    if hidden.endswith("comment"):
        comment = CommentFactory(
            idea=idea, is_hidden=hidden == "hidden_comment", is_removed=hidden == "removed_comment"
        )
        path = f"/comments/{comment.pk}/report/"
    else:
        path = f"/ideas/{idea.pk}/report/"

    response = _signed_in(bob).post(path, {"reason": "spam"})

    assert response.status_code == 404
    assert not Report.objects.exists()


def test_staff_hide_a_reported_idea_from_the_moderation_page(bob, staff_user, idea):
    _signed_in(bob).post(f"/ideas/{idea.pk}/report/", {"reason": "abuse"})
    report = Report.objects.get()

    response = _signed_in(staff_user).post(f"/staff/reports/{report.pk}/", {"action": "hide"})

    assert response.status_code == 302
    idea.refresh_from_db()
    report.refresh_from_db()
    assert idea.is_hidden is True
    assert (report.resolution, report.resolved_at is not None) == ("hidden", True)
    assert Client().get(f"/ideas/{idea.pk}/").status_code == 404
    assert AuditEntry.objects.filter(action="content_hide", actor=staff_user).exists()


def test_staff_dismiss_a_report_of_a_comment_and_it_stays(bob, staff_user, idea):
    comment = CommentFactory(idea=idea)
    _signed_in(bob).post(f"/comments/{comment.pk}/report/", {"reason": "off_topic"})
    report = Report.objects.get()

    _signed_in(staff_user).post(f"/staff/reports/{report.pk}/", {"action": "dismiss"})

    report.refresh_from_db()
    assert report.resolution == "dismissed"
    assert Comment.objects.get(pk=comment.pk).is_hidden is False
    assert f'id="report-{report.pk}"' not in _signed_in(staff_user).get("/staff/moderation/").content.decode()


@pytest.mark.parametrize("posted", [{}, {"action": ""}, {"action": "delete"}])
def test_a_decision_on_a_report_without_a_known_action_is_refused_not_saved(bob, staff_user, idea, posted):
    report = Report.objects.create(reporter=bob, idea=idea, reason="spam")
    waiting = IdeaFactory(status=IdeaStatus.SUBMITTED, published_at=None)
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(staff_user)

    response = client.post(f"/staff/reports/{report.pk}/", posted)

    html = response.content.decode()
    assert response.status_code == 400
    assert '<span role="alert">할 일을 선택해 주세요.</span>' in html
    assert "저장했습니다." not in html
    assert f'id="report-{report.pk}"' in html  # the report still waits in the queue
    report.refresh_from_db()
    idea.refresh_from_db()
    assert (report.resolved_at, idea.is_hidden) == (None, False)
    assert not AuditEntry.objects.exists()
    # The page stands at the report's address: its decisions on ideas still go to the queue's, and
    # asking for the address again (a language switch) goes back to the queue.
    assert f'value="{waiting.pk}"' in html
    assert html.count('action="/staff/moderation/"') == 3
    assert client.get(f"/staff/reports/{report.pk}/")["Location"] == "/staff/moderation/"


def test_citizens_cannot_decide_on_reports(bob, idea):
    reporter = UserFactory()
    report = Report.objects.create(reporter=reporter, idea=idea, reason="spam")

    response = _signed_in(bob).post(f"/staff/reports/{report.pk}/", {"action": "hide"})

    assert response.status_code == 403
    idea.refresh_from_db()
    report.refresh_from_db()
    assert (idea.is_hidden, report.resolved_at) == (False, None)


def test_restore_is_offered_only_for_reported_content_that_is_hidden(bob, staff_user, idea):
    shown = CommentFactory(idea=idea)
    hidden = CommentFactory(idea=idea, is_hidden=True)
    on_shown = Report.objects.create(reporter=bob, comment=shown, reason="spam")
    on_hidden = Report.objects.create(reporter=bob, comment=hidden, reason="spam")

    html = _signed_in(staff_user).get("/staff/moderation/").content.decode()

    def buttons(report):
        item = html[html.index(f'id="report-{report.pk}"') :]
        return item[: item.index("</form>")]

    assert 'value="hide"' in buttons(on_shown) and 'value="restore"' not in buttons(on_shown)
    assert 'value="restore"' in buttons(on_hidden)


def test_reports_of_the_same_comment_are_one_entry_with_the_count_and_reasons(bob, staff_user, idea):
    comment = CommentFactory(idea=idea, body="광고입니다 010-0000-0000")
    first = Report.objects.create(reporter=bob, comment=comment, reason="spam")
    second = Report.objects.create(reporter=UserFactory(), comment=comment, reason="spam")
    third = Report.objects.create(reporter=UserFactory(), comment=comment, reason="personal_data")
    client = _signed_in(staff_user)
    client.cookies["django_language"] = "en"

    html = client.get("/staff/moderation/").content.decode()

    assert html.count('id="report-') == 1 and f'id="report-{first.pk}"' in html
    assert html.count(f'action="/staff/reports/{first.pk}/"') == 1
    assert "Reported 3 times</strong>: Spam or advertising ×2, Reveals personal data" in html
    assert "Dismiss these 3 reports" in html

    client.post(f"/staff/reports/{first.pk}/", {"action": "dismiss"})

    assert set(Report.objects.values_list("pk", "resolution")) == {
        (first.pk, "dismissed"),
        (second.pk, "dismissed"),
        (third.pk, "dismissed"),
    }
    assert AuditEntry.objects.filter(action="report_dismiss").count() == 3
    assert Comment.objects.get(pk=comment.pk).is_hidden is False


def test_a_single_report_is_told_as_one_in_korean(bob, staff_user, idea):
    Report.objects.create(reporter=bob, idea=idea, reason="spam")
    client = _signed_in(staff_user)
    client.cookies["django_language"] = "ko"

    html = client.get("/staff/moderation/").content.decode()

    assert "신고 1건</strong>: 스팸" in html
    assert "신고 1건 기각" in html


def test_reports_all_for_one_reason_give_the_count_once(bob, staff_user, idea):
    Report.objects.create(reporter=bob, idea=idea, reason="spam")
    Report.objects.create(reporter=UserFactory(), idea=idea, reason="spam")
    client = _signed_in(staff_user)
    client.cookies["django_language"] = "ko"

    html = client.get("/staff/moderation/").content.decode()

    assert "신고 2건</strong>: 스팸 또는 광고</p>" in html
    assert "×2" not in html
