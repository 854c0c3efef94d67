"""The author of a hidden idea asks the moderators to look again (/ideas/<id>/review/), once; the
request waits in the moderators' report queue beside any reports, and the author hears what they
decided."""

import pytest
from django.test import Client

from accounts.models import AuditAction, AuditEntry, Notification, NotificationKind
from ideas import services
from ideas.models import Report, ReportReason
from tests.accounts.factories import UserFactory
from tests.concurrency import second_while_first_is_open
from tests.conftest import client_for
from tests.ideas.factories import CommentFactory, IdeaFactory
from tests.pages import signed_in_client

pytestmark = pytest.mark.django_db

REASON = "가로등 위치 정보를 지우고 다시 썼습니다. 개인 정보는 없습니다."


@pytest.fixture
def hidden_idea(alice):
    return IdeaFactory(author=alice, title="우리 동네 가로등 고장 알림", is_hidden=True)


def _ask(user, idea, details=REASON, language="en"):
    return signed_in_client(user, language).post(f"/ideas/{idea.pk}/review/", {"details": details})


def test_the_hidden_ideas_notice_offers_the_author_another_look(alice, hidden_idea):
    page = signed_in_client(alice).get(f"/ideas/{hidden_idea.pk}/").content.decode()

    notice = page[page.index('id="hidden-notice"') :].split("</div>", 1)[0]
    assert f'href="/ideas/{hidden_idea.pk}/review/"' in notice


def test_the_author_asks_and_the_request_joins_the_moderators_queue(alice, staff_user, hidden_idea):
    response = _ask(alice, hidden_idea)

    assert response.status_code == 302 and response["Location"] == f"/ideas/{hidden_idea.pk}/"
    review = Report.objects.get(idea=hidden_idea)
    assert (review.reporter, review.reason, review.details) == (alice, ReportReason.REVIEW, REASON)
    queue = signed_in_client(staff_user).get("/staff/moderation/").content.decode()
    entry = queue[queue.index(f'id="report-{review.pk}"') :].split("</li>\n", 1)[0]
    assert "The author asks for another look" in entry and REASON in entry
    assert 'value="restore"' in entry and "Keep it hidden" in entry
    assert "Reported once" not in entry  # nobody reported it: its author asks
    page = signed_in_client(alice).get(f"/ideas/{hidden_idea.pk}/").content.decode()
    assert 'id="review-requested"' in page and "They will tell you what they decide." in page


def test_showing_it_again_tells_the_author_in_their_language(alice, staff_user, hidden_idea):
    alice.preferred_language = "en"
    alice.save(update_fields=["preferred_language"])
    _ask(alice, hidden_idea)
    review = Report.objects.get(idea=hidden_idea)

    signed_in_client(staff_user, "ko").post(f"/staff/reports/{review.pk}/", {"action": "restore"})

    hidden_idea.refresh_from_db()
    assert not hidden_idea.is_hidden
    note = Notification.objects.get(user=alice)
    assert note.kind == NotificationKind.IDEA_STATUS
    assert note.title == f"The moderators looked again and show your idea “{hidden_idea.title}” again"
    assert note.link == f"/ideas/{hidden_idea.pk}/"


def test_keeping_it_hidden_tells_the_author_and_asking_again_is_refused(alice, staff_user, hidden_idea):
    _ask(alice, hidden_idea, language="ko")
    review = Report.objects.get(idea=hidden_idea)

    signed_in_client(staff_user).post(f"/staff/reports/{review.pk}/", {"action": "dismiss"})

    hidden_idea.refresh_from_db()
    assert hidden_idea.is_hidden
    assert Notification.objects.get(user=alice).title == (
        f"검토 담당자가 “{hidden_idea.title}” 아이디어를 재검토했으며, 계속 숨기기로 했습니다."
    )
    again = _ask(alice, hidden_idea, details="한 번 더 부탁드립니다.")
    assert again.status_code == 200 and 'id="already-asked"' in again.content.decode()
    assert Report.objects.filter(idea=hidden_idea).count() == 1


def test_a_request_beside_reports_keeps_the_reports_reasons_and_is_answered_with_them(
    alice, bob, staff_user, idea
):
    services.report_create(reporter=bob, idea=idea, reason=ReportReason.SPAM)
    idea.is_hidden = True
    idea.save(update_fields=["is_hidden"])
    _ask(alice, idea)

    queue = signed_in_client(staff_user).get("/staff/moderation/").content.decode()
    first = Report.objects.filter(idea=idea).order_by("pk").first()
    entry = queue[queue.index(f'id="report-{first.pk}"') :].split("</li>\n  </li>", 1)[0]
    assert "Reported once" in entry and "Spam or advertising" in entry
    assert "The author asks for another look" in entry
    # The author's own notice still says reports wait for the moderators, not a decision made.
    page = signed_in_client(alice).get(f"/ideas/{idea.pk}/").content.decode()
    assert "Several people reported this idea" in page

    signed_in_client(staff_user).post(f"/staff/reports/{first.pk}/", {"action": "restore"})

    assert not Report.objects.filter(idea=idea, resolved_at__isnull=True).exists()
    shown_again = Notification.objects.filter(user=alice, title__contains="재검토한 뒤 다시 공개했습니다")
    assert shown_again.count() == 1


def test_the_request_needs_words_and_keeps_them_within_the_limit(alice, hidden_idea):
    empty = _ask(alice, hidden_idea, details="   ")
    too_long = _ask(alice, hidden_idea, details="가" * 1001)

    assert empty.status_code == too_long.status_code == 400
    assert empty.context["form"].errors["details"] == [
        "Say what the moderators should know: what you changed, or why the idea should be shown."
    ]
    assert too_long.context["form"].errors["details"]
    assert not Report.objects.filter(idea=hidden_idea).exists()


def test_only_the_author_of_a_hidden_idea_may_ask(alice, bob, staff_user, hidden_idea, idea):
    assert _ask(bob, hidden_idea).status_code == 404  # others cannot know it exists
    assert _ask(staff_user, hidden_idea).status_code == 403
    assert _ask(alice, idea).status_code == 403  # not hidden: nothing to look at again
    anonymous = Client().get(f"/ideas/{hidden_idea.pk}/review/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert not Report.objects.exists()


def test_nobody_can_report_content_for_the_authors_reason(bob, idea):
    page = signed_in_client(bob).post(f"/ideas/{idea.pk}/report/", {"reason": "review"})
    api = signed_in_client(bob).post(
        "/api/v1/reports/", {"idea": idea.pk, "reason": "review"}, content_type="application/json"
    )

    assert page.status_code == 400 and api.status_code == 400
    assert not Report.objects.exists()
    with pytest.raises(services.ApplicationError):
        services.report_create(reporter=bob, idea=idea, reason=ReportReason.REVIEW)


def test_keeping_it_hidden_records_the_content_hidden_not_the_reports_dismissed(alice, bob, staff_user, idea):
    for reporter in (bob, UserFactory(), UserFactory()):
        services.report_create(reporter=reporter, idea=idea, reason=ReportReason.SPAM)
    idea.refresh_from_db()
    assert idea.is_hidden  # hidden by its reports, pending a decision
    _ask(alice, idea)
    review = Report.objects.get(idea=idea, reason=ReportReason.REVIEW)

    signed_in_client(staff_user).post(f"/staff/reports/{review.pk}/", {"action": "hide"})

    assert set(Report.objects.filter(idea=idea).values_list("resolution", flat=True)) == {"hidden"}
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [AuditAction.CONTENT_HIDE]
    assert Notification.objects.filter(user=alice, title__contains="계속 숨기기로").count() == 1


def test_a_decision_from_a_page_opened_before_another_was_made_is_refused(alice, staff_user, hidden_idea):
    _ask(alice, hidden_idea)
    review = Report.objects.get(idea=hidden_idea)
    client = signed_in_client(staff_user)
    client.post(f"/staff/reports/{review.pk}/", {"action": "hide"})

    late = client.post(f"/staff/reports/{review.pk}/", {"action": "restore"}, follow=True)

    hidden_idea.refresh_from_db()
    assert hidden_idea.is_hidden
    assert "This report has already been handled." in late.content.decode()
    assert Notification.objects.filter(user=alice).count() == 1


def test_the_api_dismissing_the_request_tells_the_author(alice, staff_user, hidden_idea):
    _ask(alice, hidden_idea)
    review = Report.objects.get(idea=hidden_idea)

    response = client_for(staff_user).post(f"/api/v1/reports/{review.pk}/dismiss/")

    assert response.status_code == 200
    assert Notification.objects.filter(user=alice, title__contains="계속 숨기기로").count() == 1


def test_an_author_cannot_report_their_own_idea_or_comment(alice, idea):
    comment = CommentFactory(idea=idea, author=alice)

    for target in ({"idea": idea}, {"comment": comment}):
        with pytest.raises(services.ApplicationError) as refused:
            services.report_create(reporter=alice, reason=ReportReason.SPAM, **target)
        assert refused.value.kind.value == "forbidden"
    assert not Report.objects.exists()


def test_an_earlier_report_of_their_own_idea_is_told_not_swallowed(alice, hidden_idea):
    Report.objects.create(reporter=alice, idea=hidden_idea, reason=ReportReason.OTHER, details="예전 신고")

    response = _ask(alice, hidden_idea)

    assert response.status_code == 400
    assert "You reported this idea yourself earlier" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_once_make_one_decision_and_the_author_hears_it_once():
    author, staff = UserFactory(), UserFactory(is_staff=True)
    hidden = IdeaFactory(author=author, is_hidden=True)
    review = services.idea_review_request(idea=hidden, user=author, details=REASON)

    outcome = second_while_first_is_open(
        lambda: services.report_decide(report=Report.objects.get(pk=review.pk), by=staff, action="hide"),
        lambda: services.report_decide(report=Report.objects.get(pk=review.pk), by=staff, action="restore"),
    )

    assert not outcome.errors, outcome.errors
    assert [refusal.message for refusal in outcome.refusals] == ["이미 처리된 신고입니다."]
    hidden.refresh_from_db()
    assert hidden.is_hidden
    assert list(Notification.objects.filter(user=author).values_list("title", flat=True)) == [
        f"검토 담당자가 “{hidden.title}” 아이디어를 재검토했으며, 계속 숨기기로 했습니다."
    ]


# --- POST /api/v1/ideas/<id>/review/ -------------------------------------------------------


def _ask_api(user, idea, details=REASON, language="ko"):
    client = client_for(user)
    return client.post(
        f"/api/v1/ideas/{idea.pk}/review/", {"details": details}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )


def test_the_author_asks_through_the_api_and_the_request_joins_the_queue(alice, staff_user, hidden_idea):
    response = _ask_api(alice, hidden_idea)

    assert response.status_code == 201, response.content
    review = Report.objects.get(idea=hidden_idea)
    assert (review.reporter, review.reason, review.details) == (alice, ReportReason.REVIEW, REASON)
    assert response.json() == {
        "id": review.pk,
        "idea": hidden_idea.pk,
        "details": REASON,
        "created_at": response.json()["created_at"],
    }
    queue = client_for(staff_user).get("/api/v1/moderation/reports/").json()["results"]
    assert [(entry["id"], entry["reason"]) for entry in queue] == [(review.pk, "review")]


def test_the_api_asks_once_and_answers_a_second_request_with_a_conflict(alice, hidden_idea):
    _ask_api(alice, hidden_idea)

    again = _ask_api(alice, hidden_idea, details="한 번 더 부탁드립니다.", language="en")

    assert again.status_code == 409
    assert again.json()["error"]["code"] == "duplicate"
    assert (
        again.json()["error"]["message"]
        == "You have already asked the moderators to look again at this idea."
    )
    assert Report.objects.filter(idea=hidden_idea).count() == 1


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (
            "ko",
            "검토 담당자가 알아야 할 내용을 적어 주세요: "
            "무엇을 고쳤는지, 또는 왜 아이디어를 다시 보여야 하는지.",
        ),
        ("en", "Say what the moderators should know: what you changed, or why the idea should be shown."),
    ],
)
def test_the_api_names_the_missing_or_long_reason_in_the_readers_language(
    alice, hidden_idea, language, message
):
    blank = _ask_api(alice, hidden_idea, details="  \u200b ", language=language)
    missing = client_for(alice).post(
        f"/api/v1/ideas/{hidden_idea.pk}/review/", {}, format="json", HTTP_ACCEPT_LANGUAGE=language
    )
    too_long = _ask_api(alice, hidden_idea, details="가" * 1001, language=language)

    assert blank.status_code == missing.status_code == too_long.status_code == 400
    assert blank.json()["error"]["fields"] == missing.json()["error"]["fields"] == {"details": [message]}
    assert list(too_long.json()["error"]["fields"]) == ["details"]
    assert not Report.objects.exists()


def test_the_api_answers_others_and_ideas_not_hidden_as_the_idea_api_does(
    alice, bob, staff_user, hidden_idea, idea
):
    assert _ask_api(bob, hidden_idea).status_code == 404  # others cannot know it exists
    assert _ask_api(staff_user, hidden_idea).status_code == 403
    assert _ask_api(bob, idea).status_code == 403  # they see it, but it is not theirs
    not_hidden = _ask_api(alice, idea, language="en")
    assert not_hidden.status_code == 409
    assert not_hidden.json()["error"]["message"] == "This idea is not hidden."
    assert (
        client_for().post(f"/api/v1/ideas/{hidden_idea.pk}/review/", {"details": REASON}).status_code == 403
    )
    assert not Report.objects.exists()
