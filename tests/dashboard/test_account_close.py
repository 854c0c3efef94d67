"""Closing one's account: /me/close/ (page) and POST /api/v1/me/close/.

What only the person could see, what they donated and what connected them to others goes; what
they published stays, credited to a former member; the records of how their data was handled stay
without their name; and nothing is done at all when the closing is refused."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from accounts.models import Notification, NotificationKind, NotificationPreference, User
from companies.models import CompanyInvitation, InvitationStatus, MemberRole, Membership
from donations.models import (
    DataRead,
    DataReadDonor,
    DeletionReason,
    Donation,
    DonationDeletion,
    DonationResult,
    Reading,
)
from ideas.models import Comment, Follow, Idea, IdeaStatus, Report, ReportReason, Support
from pilots.models import PilotConsent, PilotFollow
from tests.accounts.factories import PASSWORD, UserFactory
from tests.companies.factories import CompanyFactory, MembershipFactory
from tests.conftest import client_for, refuse_to_queue
from tests.donations.factories import donate, donation_pilot
from tests.ideas.factories import CommentFactory, IdeaFactory
from tests.pages import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_life(bob, alice, idea, company, other_company, dave):
    """bob has taken part everywhere: ideas of his own (one published), a comment and a support
    on alice's idea, follows, notifications, a token, a membership and an invitation, and a
    pilot he volunteers for, with donations, a result and a company's read of them."""
    published = IdeaFactory(author=bob, title="공원 건강측정소", status=IdeaStatus.PUBLISHED)
    draft = IdeaFactory(author=bob, title="아직 쓰는 중", status=IdeaStatus.DRAFT)
    rejected = IdeaFactory(author=bob, title="반려된 제안", status=IdeaStatus.REJECTED)
    comment = CommentFactory(idea=idea, author=bob, body="저도 같은 불편을 겪어요.")
    Support.objects.create(idea=idea, user=bob)
    Follow.objects.create(idea=idea, user=bob)
    Notification.objects.create(user=bob, kind=NotificationKind.PILOT_UPDATE, title="밥에게 온 소식")
    NotificationPreference.objects.create(user=bob, kind=NotificationKind.PILOT_UPDATE, email=True)
    Token.objects.create(user=bob)
    MembershipFactory(company=company, user=bob, role=MemberRole.MEMBER)
    CompanyInvitation.objects.create(company=other_company, user=bob, invited_by=dave)
    setup = donation_pilot(company=company, volunteer_user=bob)
    setup.volunteer.share_identity = True
    setup.volunteer.save(update_fields=["share_identity"])
    donation = donate(setup)
    PilotFollow.objects.create(pilot=setup.pilot, user=bob)
    DonationResult.objects.create(
        pilot=setup.pilot,
        company=company,
        volunteer=setup.volunteer,
        donation=donation,
        text="정상 범위예요.",
    )
    read = DataRead.objects.create(pilot=setup.pilot, company=company, rows=1)
    DataReadDonor.objects.create(
        read=read, volunteer=setup.volunteer, data_request=setup.data_request, rows=1
    )
    return {
        "published": published,
        "draft": draft,
        "rejected": rejected,
        "comment": comment,
        "setup": setup,
    }


def _close(user, password=PASSWORD, language="en"):
    client = signed_in_client(user, language)
    return client, client.post("/me/close/", {"password": password})


def test_closing_deletes_what_was_personal_and_keeps_what_was_published(bob, alice, idea, bobs_life):
    client, response = _close(bob)

    assert response.status_code == 302 and response["Location"] == "/"
    bob.refresh_from_db()
    assert bob.closed_at is not None
    assert (bob.username, bob.email, bob.display_name, bob.real_name) == (f"closed:{bob.pk}", "", "", "")
    assert not bob.is_active and not bob.has_usable_password()
    refused = Client().post("/accounts/login/", {"username": "bob", "password": PASSWORD})
    assert refused.status_code == 200 and not refused.wsgi_request.user.is_authenticated
    # Only what nobody else could see is gone.
    assert list(Idea.objects.filter(author=bob)) == [bobs_life["published"]]
    assert str(bobs_life["published"].author) == "탈퇴한 회원"
    bobs_life["comment"].refresh_from_db()
    assert not bobs_life["comment"].is_removed
    assert Support.objects.filter(idea=idea, user=bob).exists()
    assert not Follow.objects.filter(user=bob).exists()
    assert not PilotFollow.objects.filter(user=bob).exists()
    assert not Notification.objects.filter(user=bob).exists()
    assert not NotificationPreference.objects.filter(user=bob).exists()
    assert not Token.objects.filter(user=bob).exists()
    assert not Membership.objects.filter(user=bob).exists()
    assert CompanyInvitation.objects.get(user=bob).status == InvitationStatus.DECLINED


def test_closing_withdraws_every_consent_and_deletes_donations_and_results(bob, bobs_life):
    volunteer = bobs_life["setup"].volunteer

    _close(bob)

    volunteer.refresh_from_db()
    assert volunteer.left_at is not None and not volunteer.share_identity
    assert not Donation.objects.filter(volunteer=volunteer).exists()
    assert not Reading.objects.filter(volunteer=volunteer).exists()
    assert not DonationResult.objects.filter(volunteer=volunteer).exists()
    # The receipts of what was agreed, the companies' reads and the deletion itself stay.
    consent = PilotConsent.objects.get(volunteer=volunteer)
    assert consent.withdrawn_at is not None
    assert DataReadDonor.objects.filter(volunteer=volunteer).count() == 1
    assert list(DonationDeletion.objects.filter(volunteer=volunteer).values_list("reason", "donations")) == [
        (DeletionReason.ACCOUNT_CLOSED, 1)
    ]


def test_donations_kept_after_an_earlier_withdrawal_are_deleted_too(bob, company):
    setup = donation_pilot(company=company, volunteer_user=bob)
    donate(setup)
    from donations.services import volunteer_leave

    volunteer_leave(volunteer=setup.volunteer, keep_donations=True)
    assert Donation.objects.filter(volunteer=setup.volunteer).exists()

    _close(bob)

    assert not Donation.objects.filter(volunteer=setup.volunteer).exists()
    assert DonationDeletion.objects.get(volunteer=setup.volunteer).reason == DeletionReason.ACCOUNT_CLOSED


def test_closing_signs_out_everywhere(bob):
    elsewhere = signed_in_client(bob)
    assert elsewhere.get("/me/").status_code == 200

    client, _response = _close(bob)

    assert client.get("/me/")["Location"].startswith("/accounts/login/")
    assert elsewhere.get("/me/")["Location"].startswith("/accounts/login/")


def test_the_username_and_email_are_free_again(bob):
    email = bob.email
    _close(bob)

    again = UserFactory(username="bob", email=email)

    assert again.pk != bob.pk


def test_a_wrong_password_closes_nothing_and_says_so_on_the_field(bob, bobs_life):
    _client, response = _close(bob, password="not-my-password")

    assert response.status_code == 400
    assert response.context["form"].errors["password"] == ["Your password is not correct."]
    bob.refresh_from_db()
    assert bob.closed_at is None and bob.is_active and bob.username == "bob"
    assert Idea.objects.filter(pk=bobs_life["draft"].pk).exists()


def test_the_only_owner_of_a_company_is_refused_and_nothing_is_done(bob, bobs_life):
    owned = CompanyFactory(name="밥의 회사", slug="bobs-company")
    MembershipFactory(company=owned, user=bob, role=MemberRole.OWNER)
    MembershipFactory(company=owned, user=UserFactory(), role=MemberRole.MEMBER)
    page = signed_in_client(bob).get("/me/close/")
    assert "밥의 회사" in page.content.decode()
    assert page.context["companies_solely_owned"] == [owned]

    _client, response = _close(bob)

    assert response.status_code == 400
    # The page offers no closing while the notice names the company.
    assert 'id="sole-owner-notice"' in response.content.decode()
    assert 'name="password"' not in response.content.decode()
    bob.refresh_from_db()
    assert bob.closed_at is None
    assert Donation.objects.filter(volunteer=bobs_life["setup"].volunteer).exists()
    assert Membership.objects.filter(user=bob).count() == 2


def test_an_owner_with_another_owner_may_close(bob):
    owned = CompanyFactory(name="함께 세운 회사", slug="co-owned")
    MembershipFactory(company=owned, user=bob, role=MemberRole.OWNER)
    MembershipFactory(company=owned, user=UserFactory(), role=MemberRole.OWNER)
    assert signed_in_client(bob).get("/me/close/").context["companies_solely_owned"] == []

    _client, response = _close(bob)

    assert response.status_code == 302
    assert list(owned.memberships.values_list("role", flat=True)) == [MemberRole.OWNER]


def test_the_page_says_what_goes_and_what_stays_in_this_persons_case(bob, bobs_life):
    response = signed_in_client(bob, "ko").get("/me/close/")

    assert response.status_code == 200
    contents = response.context
    assert (contents["ideas_deleted"], contents["ideas_kept"]) == (2, 1)
    assert (contents["comments_kept"], contents["supports_kept"], contents["donations_deleted"]) == (1, 1, 1)
    assert contents["companies_solely_owned"] == []
    html = response.content.decode()
    assert "회원 탈퇴" in html and "탈퇴한 회원" in html
    assert signed_in_client(bob).get("/me/profile/").content.decode().count('href="/me/close/"') == 1


def test_a_former_members_idea_and_comment_read_as_theirs_to_others(bob, alice, idea, bobs_life):
    _close(bob)

    page = signed_in_client(alice).get(f"/ideas/{idea.pk}/").content.decode()
    api = client_for(None).get(f"/api/v1/ideas/{bobs_life['published'].pk}/").json()

    assert "Former member" in page and "저도 같은 불편을 겪어요." in page
    assert api["author"]["name"] == "탈퇴한 회원"


def test_the_page_is_for_signed_in_people_only():
    response = Client().get("/me/close/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_api_closes_the_account_with_the_password(bob, bobs_life):
    client = client_for(bob)

    refused = client.post("/api/v1/me/close/", {"password": "wrong"}, format="json")
    closed = client.post("/api/v1/me/close/", {"password": PASSWORD}, format="json")

    assert refused.status_code == 400
    assert "password" in refused.json()["error"]["fields"]
    assert closed.status_code == 204
    assert User.objects.get(pk=bob.pk).closed_at is not None
    assert client_for(None).post("/api/v1/me/close/", {"password": PASSWORD}).status_code in (401, 403)


def test_the_api_refuses_the_only_owner_with_a_conflict(carol, company):
    response = client_for(carol).post("/api/v1/me/close/", {"password": PASSWORD}, format="json")

    assert response.status_code == 409
    assert "빛고을케어" in str(response.json())


def test_others_notifications_of_the_persons_comments_no_longer_name_them(bob, alice, idea, bobs_life):
    from ideas import services as idea_services

    alice.preferred_language = "en"
    alice.save(update_fields=["preferred_language"])
    idea_services.comment_create(idea=idea, author=bob, body="저도 그렇게 생각해요.")
    told = Notification.objects.get(user=alice, kind=NotificationKind.NEW_COMMENT)
    assert told.title.startswith(str(bob))

    _close(bob)

    told.refresh_from_db()
    assert told.title == f"Former member commented on your idea “{idea.title}”"


def test_closing_sent_twice_closes_once_and_signs_out(bob):
    from dashboard import services as dashboard

    dashboard.account_close(user=bob, password=PASSWORD)
    again = dashboard.account_close(user=bob, password=PASSWORD)

    assert again.closed_at is not None and again.last_login is None


def test_the_public_api_no_longer_ties_a_former_members_ideas_together(bob, bobs_life):
    _close(bob)

    author = client_for(None).get(f"/api/v1/ideas/{bobs_life['published'].pk}/").json()["author"]

    assert author == {"id": None, "name": "탈퇴한 회원"}


def test_closing_erases_the_text_of_comments_the_person_removed_earlier(bob, alice, idea, bobs_life):
    from ideas import services as idea_services

    removed = idea_services.comment_create(idea=idea, author=bob, body="제 전화번호는 010-0000-0000이에요.")
    idea_services.comment_remove(comment=removed, user=bob)
    reply = CommentFactory(idea=idea, author=alice, parent=removed, body="번호는 지우시는 게 좋겠어요.")

    _close(bob)

    removed.refresh_from_db()
    assert (removed.is_removed, removed.body) == (True, "")
    # What others read stays: the published comment, and the reply in its thread.
    assert Comment.objects.get(pk=bobs_life["comment"].pk).body == "저도 같은 불편을 겪어요."
    assert Comment.objects.get(pk=reply.pk).parent_id == removed.pk
    page = signed_in_client(alice).get(f"/ideas/{idea.pk}/").content.decode()
    assert "010-0000-0000" not in page and "번호는 지우시는 게 좋겠어요." in page


def test_a_removed_comment_under_a_pending_report_keeps_its_text_until_the_moderators_decide(
    bob, alice, staff_user, idea
):
    from ideas import services as idea_services

    reported = idea_services.comment_create(idea=idea, author=bob, body="이런 아이디어는 바보나 냅니다.")
    idea_services.report_create(reporter=alice, comment=reported, reason=ReportReason.ABUSE)
    idea_services.comment_remove(comment=reported, user=bob)

    _close(bob)

    reported.refresh_from_db()
    assert reported.body == "이런 아이디어는 바보나 냅니다."  # what the moderators must judge
    queue = signed_in_client(staff_user).get("/staff/moderation/").content.decode()
    assert "이런 아이디어는 바보나 냅니다." in queue

    report = Report.objects.get(comment=reported)
    signed_in_client(staff_user).post(f"/staff/reports/{report.pk}/", {"action": "hide"})

    reported.refresh_from_db()
    assert (reported.is_hidden, reported.body) == (True, "")
    assert Report.objects.get(pk=report.pk).resolution == "hidden"


def test_others_notifications_of_replies_on_the_persons_deleted_idea_name_neither(bob, alice, bobs_life):
    """Bob replied to Alice on his idea while it was public; it was rejected since, and closing
    deletes it: Alice's notification names neither him nor the idea."""
    from ideas import services as idea_services

    rejected = bobs_life["rejected"]
    Idea.objects.filter(pk=rejected.pk).update(status=IdeaStatus.PUBLISHED)
    rejected.refresh_from_db()
    asked = CommentFactory(idea=rejected, author=alice, body="어디에 쓰실 건가요?")
    idea_services.comment_create(idea=rejected, author=bob, body="공원에요.", parent=asked)
    Idea.objects.filter(pk=rejected.pk).update(status=IdeaStatus.REJECTED)
    told = Notification.objects.get(user=alice, kind=NotificationKind.NEW_COMMENT)
    assert told.title == f"{bob}님이 “{rejected.title}”에 남기신 댓글에 답글을 달았습니다"

    _close(bob)

    told.refresh_from_db()
    assert (told.title, told.body, told.link) == ("작성자가 삭제한 아이디어에 관한 알림입니다", "", "")


def _notification_reads(user) -> int:
    """How many times closing the account reads the notification table, which has no index on
    links."""
    from dashboard.services import account_close

    with CaptureQueriesContext(connection) as queries:
        account_close(user=user, password=PASSWORD)
    return sum(
        query["sql"].startswith("SELECT") and 'FROM "accounts_notification"' in query["sql"]
        for query in queries.captured_queries
    )


def test_the_persons_deleted_ideas_are_looked_for_in_others_notifications_in_one_pass(alice):
    """One idea or three, what others were told of them is found in as many reads of the
    notifications, and each says it is about a deleted idea."""
    one, three = UserFactory(), UserFactory()
    ideas = [IdeaFactory(author=one, status=IdeaStatus.DRAFT)] + [
        IdeaFactory(author=three, status=status)
        for status in (IdeaStatus.DRAFT, IdeaStatus.SUBMITTED, IdeaStatus.REJECTED)
    ]
    told = [
        Notification.objects.create(
            user=alice,
            kind=NotificationKind.IDEA_STATUS,
            title=f"“{idea.title}”",
            link=idea.get_absolute_url(),
        )
        for idea in ideas
    ]

    assert _notification_reads(three) == _notification_reads(one)

    assert not Idea.objects.filter(author__in=[one, three]).exists()
    assert {Notification.objects.get(pk=n.pk).title for n in told} == {
        "작성자가 삭제한 아이디어에 관한 알림입니다"
    }


# --- The confirmation email ----------------------------------------------------------------


def test_closing_emails_the_former_address_in_the_persons_language(
    bob, bobs_life, django_capture_on_commit_callbacks, tasks_run_at_once
):
    from ideas import services as idea_services

    address = bob.email
    bob.preferred_language = "en"
    bob.save(update_fields=["preferred_language"])
    removed = CommentFactory(idea=bobs_life["published"], author=bob, body="지울 댓글")
    idea_services.comment_remove(comment=removed, user=bob)

    with django_capture_on_commit_callbacks(execute=True):
        _close(bob, language="ko")  # the page read in Korean: the email follows the profile

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == [address]
    assert sent.subject == "Your account on Gwangju AI Pilot Ideas is closed"
    assert "is closed, as you asked" in sent.body
    deleted, kept = sent.body.split("What was deleted", 1)[1].split("What stays", 1)
    assert "2 ideas that only you can see" in deleted
    assert "The text of 1 comment you deleted earlier." in deleted
    assert "(1 donation)" in deleted and "빛고을케어" in deleted
    assert "“Former member”" in kept and "1 published idea, 1 comment, your support for 1 idea." in kept
    assert "If you did not close your account yourself, write to privacy@" in sent.body


def test_with_tasks_run_at_once_the_matcher_forgets_the_ideas_closing_deleted(
    bob, django_capture_on_commit_callbacks, tasks_run_at_once
):
    # The matcher's sums count bob's idea, rejected before the withdrawal its rejection asks for
    # ran; closing deletes it, and the refresh the deletion asks for (matching.dispatch) runs
    # at once like every other task here, not left on the broker.
    import numpy as np

    from bench import synthetic_matching as synthetic
    from matching import services as matching
    from matching.models import MatchingRow, MatchingState

    rng = np.random.default_rng(7)
    centres = synthetic.topics(rng, 4)
    synthetic.write_vectors(synthetic.make_companies(3), rng, centres)
    ideas = synthetic.make_ideas(bob, 3)
    synthetic.write_vectors(ideas, rng, centres)
    matching.match_refresh_all()
    Idea.objects.filter(pk=ideas[0].pk).update(status=IdeaStatus.REJECTED)

    with django_capture_on_commit_callbacks(execute=True):
        _close(bob)

    assert not Idea.objects.filter(pk=ideas[0].pk).exists()
    assert MatchingState.objects.get().idea_count == 2 == MatchingRow.objects.count()


def test_the_email_is_in_korean_for_a_reader_of_korean(
    bob, django_capture_on_commit_callbacks, tasks_run_at_once
):
    with django_capture_on_commit_callbacks(execute=True):
        _close(bob, language="en")

    assert [m.subject for m in mail.outbox] == ["광주 AI 실증 아이디어 회원 탈퇴가 완료되었습니다"]
    assert "삭제된 것" in mail.outbox[0].body and "남는 것" in mail.outbox[0].body


def test_a_closing_refused_sends_nothing(
    bob, carol, company, django_capture_on_commit_callbacks, tasks_run_at_once
):
    with django_capture_on_commit_callbacks(execute=True):
        _close(bob, password="wrong")
        client_for(carol).post("/api/v1/me/close/", {"password": PASSWORD}, format="json")

    assert mail.outbox == []
    assert not User.objects.filter(closed_at__isnull=False).exists()


def test_a_closing_rolled_back_after_it_was_written_sends_nothing(
    bob, django_capture_on_commit_callbacks, tasks_run_at_once
):
    from django.db import transaction

    from dashboard import services as dashboard

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            dashboard.account_close(user=bob, password=PASSWORD)
            raise RuntimeError("a later step of the same request failed")

    assert mail.outbox == []
    assert User.objects.get(pk=bob.pk).closed_at is None


def test_the_email_waits_for_a_worker_so_a_mail_server_that_is_down_holds_nothing(
    bob, settings, queued_tasks, django_capture_on_commit_callbacks
):
    from accounts.tasks import send_written_email

    address = bob.email
    settings.EMAIL_BACKEND = "tests.accounts.email_backends.RefusingEmailBackend"

    with django_capture_on_commit_callbacks(execute=True):
        _client, response = _close(bob)

    assert response.status_code == 302
    assert User.objects.get(pk=bob.pk).closed_at is not None
    ((task, args, _kwargs),) = queued_tasks()
    assert task == "accounts.tasks.send_written_email" and args[0] == address
    # Once the mail server answers, the worker sends what the request wrote.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_written_email.apply(args=args, throw=True)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([address], "광주 AI 실증 아이디어 회원 탈퇴가 완료되었습니다")
    ]


def test_with_the_broker_down_the_request_sends_the_email_itself(
    bob, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from accounts.tasks import send_written_email

    address = bob.email
    monkeypatch.setattr(send_written_email, "delay", refuse_to_queue)

    with django_capture_on_commit_callbacks(execute=True):
        _close(bob)

    assert [m.to for m in mail.outbox] == [[address]]
    assert "Could not queue the email confirming that an account was closed" in caplog.text


def test_with_the_broker_and_the_mail_server_down_the_account_is_closed_and_it_is_logged(
    bob, settings, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from accounts.tasks import send_written_email

    settings.EMAIL_BACKEND = "tests.accounts.email_backends.RefusingEmailBackend"
    monkeypatch.setattr(send_written_email, "delay", refuse_to_queue)

    with django_capture_on_commit_callbacks(execute=True):
        _client, response = _close(bob)

    assert response.status_code == 302
    assert User.objects.get(pk=bob.pk).closed_at is not None
    assert "Could not send the email confirming that an account was closed" in caplog.text
    assert bob.email not in caplog.text
