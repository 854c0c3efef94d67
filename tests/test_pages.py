"""The server-rendered pages: every one calls the same selectors and services as the API."""

import pytest

from ideas.models import Idea, IdeaStatus, Support
from tests.companies.factories import CompanyFactory
from tests.ideas.factories import IdeaFactory
from tests.pilots.factories import MilestoneFactory, PilotFactory

pytestmark = pytest.mark.django_db

VALID = {
    "title": "버스 도착 시간을 알려 주세요",
    "problem": "시골 정류장에는 안내판이 없어 오래 기다립니다.",
    "proposal": "버스 도착 시간을 예측해서 알려 주면 좋겠어요.",
    "category": "mobility",
    "district": "gwangsan_gu",
}


def test_home_shows_newest_ideas_and_pilots(client):
    IdeaFactory(title="공개된 아이디어입니다")
    IdeaFactory(title="검토 중인 아이디어", status=IdeaStatus.SUBMITTED)
    PilotFactory(title="광산구 버스 실증")

    html = client.get("/").content.decode()

    assert "공개된 아이디어입니다" in html and "검토 중인 아이디어" not in html
    assert "광산구 버스 실증" in html
    assert '<html lang="ko">' in html


def test_idea_list_filters_and_escapes_text(client):
    IdeaFactory(title="<script>alert(1)</script> 건강", category="health")
    IdeaFactory(title="동물 보호 아이디어", category="animals")

    html = client.get("/ideas/?category=health").content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt; 건강" in html
    assert "<script>alert(1)" not in html
    assert "동물 보호 아이디어" not in html


def test_idea_page_hides_unpublished_ideas_from_others(client, alice, bob):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)

    assert client.get(f"/ideas/{idea.pk}/").status_code == 404
    client.force_login(bob)
    assert client.get(f"/ideas/{idea.pk}/").status_code == 404
    client.force_login(alice)
    assert client.get(f"/ideas/{idea.pk}/").status_code == 200


def test_submitting_an_idea_needs_an_account(client):
    response = client.get("/ideas/new/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/ideas/new/"


def test_a_visitor_finds_proposing_an_idea_in_the_menu_of_every_page(client, idea):
    client.cookies["django_language"] = "en"

    for path in ("/", "/ideas/", f"/ideas/{idea.pk}/", "/pilots/"):
        html = client.get(path).content.decode()
        menu = html[html.index('<nav aria-label="Main">') : html.index("</nav>")]
        assert '<li><a href="/ideas/new/">Propose an idea</a></li>' in menu, path


def test_form_errors_sit_next_to_their_field_in_korean(client, alice):
    client.force_login(alice)

    html = client.post("/ideas/new/", {**VALID, "title": "짧음", "category": "space"}).content.decode()

    assert 'id="id_title_error"' in html and 'id="id_category_error"' in html
    assert "목록에 있는 값을 골라 주세요. 고를 수 없는 값입니다: space" in html
    assert not Idea.objects.exists()


def test_a_citizen_submits_and_supports_through_the_pages(client, alice, bob):
    client.force_login(alice)
    response = client.post("/ideas/new/", VALID)
    idea = Idea.objects.get()
    assert response["Location"] == f"/ideas/{idea.pk}/"
    assert (idea.author, idea.status) == (alice, IdeaStatus.SUBMITTED)

    published = IdeaFactory()
    client.force_login(bob)
    client.post(f"/ideas/{published.pk}/support/", {"support": "1"})
    assert Support.objects.filter(idea=published, user=bob).exists()
    client.post(f"/ideas/{published.pk}/support/", {"support": "0"})
    assert not Support.objects.filter(idea=published, user=bob).exists()


def test_language_switch_turns_the_page_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/ideas/"}, follow=True)

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert ">Ideas</a>" in html


def test_company_and_pilot_pages(client):
    company = CompanyFactory(name="빛고을케어", slug="bitgoeul-care")
    hidden = CompanyFactory(name="미인증 기업", slug="unverified", is_verified=False)
    pilot = PilotFactory(title="북구 복약 실증")
    MilestoneFactory(pilot=pilot, is_done=True)
    MilestoneFactory(pilot=pilot, is_done=False)

    assert "빛고을케어" in client.get("/companies/").content.decode()
    assert client.get(f"/companies/{company.slug}/").status_code == 200
    assert client.get(f"/companies/{hidden.slug}/").status_code == 404
    assert 'value="50"' in client.get(f"/pilots/{pilot.pk}/").content.decode()
    assert client.get(f"/pilots/{PilotFactory(stage='planning').pk}/").status_code == 404


def test_sign_up_and_log_in_pages(client):
    form = {"username": "minji", "password": "빛고을-산책-2026", "password_again": "빛고을-산책-2026"}
    refused = client.post("/accounts/signup/", form)
    mistyped = client.post(
        "/accounts/signup/", {**form, "password_again": "빛고을-산책-2025", "privacy_consent": "on"}
    )
    response = client.post("/accounts/signup/", {**form, "privacy_consent": "on"})
    # Without agreeing to the privacy notice, or with two different passwords, nobody is signed up.
    assert refused.status_code == mistyped.status_code == 200
    assert (
        "개인정보" in refused.content.decode() and "두 비밀번호가 같지 않습니다" in mistyped.content.decode()
    )
    assert response["Location"] == "/me/"

    client.post("/accounts/logout/")
    logged_in = client.post("/accounts/login/", {"username": "minji", "password": "빛고을-산책-2026"})
    assert logged_in.status_code == 302


def test_staff_moderate_through_the_page(client, staff_user, alice, bob):
    from accounts.models import AuditEntry

    waiting = IdeaFactory(author=alice, title="검토를 기다리는 아이디어", status=IdeaStatus.SUBMITTED)
    other = IdeaFactory(author=alice, title="반려될 아이디어", status=IdeaStatus.SUBMITTED)
    client.force_login(bob)
    assert client.get("/staff/moderation/").status_code == 403

    client.force_login(staff_user)
    assert "검토를 기다리는 아이디어" in client.get("/staff/moderation/").content.decode()
    client.post("/staff/moderation/", {"idea": waiting.pk, "action": "publish"})
    empty_reason = client.post(
        "/staff/moderation/", {"idea": other.pk, "action": "reject", "reason": ""}, follow=True
    )
    client.post("/staff/moderation/", {"idea": other.pk, "action": "reject", "reason": "중복입니다"})

    waiting.refresh_from_db()
    other.refresh_from_db()
    assert waiting.status == IdeaStatus.PUBLISHED
    assert "필수 항목입니다" in empty_reason.content.decode()
    assert (other.status, other.rejection_reason) == (IdeaStatus.REJECTED, "중복입니다")
    assert AuditEntry.objects.filter(actor=staff_user).count() == 2


def test_a_citizen_volunteers_consents_and_withdraws_through_the_pilot_page(client, bob):
    from pilots.models import PilotConsent
    from tests.pilots.factories import data_request

    pilot = PilotFactory(stage="recruiting")
    request = data_request(pilot)
    client.force_login(bob)
    url = f"/pilots/{pilot.pk}/participation/"

    client.post(url, {"action": "join"})
    unticked = client.post(url, {"action": "consent", "data_request": request.pk}, follow=True)
    assert not PilotConsent.objects.exists()
    assert "동의" in unticked.content.decode()

    client.post(url, {"action": "consent", "data_request": request.pk, "agree": "on"})
    page = client.get(f"/pilots/{pilot.pk}/").content.decode()
    assert request.consent_text in page
    consent = PilotConsent.objects.get()
    assert consent.consent_text == request.consent_text and consent.withdrawn_at is None

    client.post(url, {"action": "withdraw", "data_request": request.pk})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None


def test_volunteering_needs_a_recruiting_pilot(client, bob):
    from pilots.models import PilotVolunteer

    pilot = PilotFactory(stage="running")
    client.force_login(bob)

    client.post(f"/pilots/{pilot.pk}/participation/", {"action": "join"})

    assert not PilotVolunteer.objects.exists()


def test_my_page_lists_my_ideas_supports_notifications_and_consents(client, alice, bob):
    from accounts.models import Notification, NotificationKind
    from accounts.notifications import notify

    mine = IdeaFactory(author=alice, title="내가 낸 아이디어", status=IdeaStatus.DRAFT)
    mine.moderation_note = "연락처를 지워 주세요"
    mine.save()
    theirs = IdeaFactory(author=bob, title="밥의 아이디어")
    Support.objects.create(idea=theirs, user=alice)
    notify(users=[alice], kind=NotificationKind.IDEA_STATUS, title="아이디어가 공개되었습니다")
    client.force_login(alice)

    html = client.get("/me/").content.decode()

    assert "내가 낸 아이디어" in html and "연락처를 지워 주세요" in html
    assert "밥의 아이디어" in html
    assert "아이디어가 공개되었습니다" in html
    marked = client.post("/me/", follow=True).content.decode()
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
    assert "모든 알림을 읽음으로 표시했습니다." in marked


def test_comment_and_follow_on_the_idea_page(client, bob):
    from ideas.models import Comment, Follow

    idea = IdeaFactory()
    client.force_login(bob)

    client.post(f"/ideas/{idea.pk}/comment/", {"body": "<b>저도</b> 필요해요"})
    client.post(f"/ideas/{idea.pk}/follow/", {"follow": "1"})
    html = client.get(f"/ideas/{idea.pk}/").content.decode()

    assert Comment.objects.get(idea=idea).body == "<b>저도</b> 필요해요"
    assert "&lt;b&gt;저도&lt;/b&gt; 필요해요" in html
    assert Follow.objects.filter(idea=idea, user=bob).exists()
    client.post(f"/ideas/{idea.pk}/follow/", {"follow": "0"})
    assert not Follow.objects.filter(idea=idea, user=bob).exists()


def test_a_comment_that_is_too_long_comes_back_with_its_text_and_the_limit(client, bob):
    from ideas.models import Comment

    idea = IdeaFactory()
    client.force_login(bob)
    too_long = "가" * 2001

    response = client.post(f"/ideas/{idea.pk}/comment/", {"body": too_long})

    assert response.status_code == 400
    html = response.content.decode()
    assert f">{too_long}</textarea>" in html
    errors = html[html.index('id="comment-errors"') : html.index("</ul>", html.index('id="comment-errors"'))]
    assert "2,000" in errors
    assert not Comment.objects.exists()


def test_a_comment_counts_each_line_break_once_as_the_browser_does(client, bob):
    from ideas.models import Comment

    idea = IdeaFactory()
    client.force_login(bob)
    # 1,999 characters as the browser counts them; 2,098 as sent, with CRLF line breaks.
    body = "\r\n".join(["가" * 19] * 100)

    response = client.post(f"/ideas/{idea.pk}/comment/", {"body": body})

    assert response.status_code == 302
    assert Comment.objects.get(idea=idea).body == "\n".join(["가" * 19] * 100)


def test_staff_create_and_run_a_pilot_through_the_pages(client, staff_user, bob):
    from accounts.models import Notification
    from pilots.models import Pilot

    company = CompanyFactory(name="곁에케어", slug="gyeote-care")
    idea = IdeaFactory(title="어르신 복약 알림")
    idea.follows.create(user=bob)
    client.force_login(bob)
    assert client.get(f"/staff/ideas/{idea.pk}/pilot/").status_code == 403

    client.force_login(staff_user)
    assert "어르신 복약 알림" in client.get(f"/staff/ideas/{idea.pk}/pilot/").content.decode()
    no_company = client.post(
        f"/staff/ideas/{idea.pk}/pilot/",
        {"title": "서구 복약 실증", "description": "8주 실증", "district": "seo_gu"},
    )
    assert "errorlist" in no_company.content.decode()
    client.post(
        f"/staff/ideas/{idea.pk}/pilot/",
        {
            "title": "서구 복약 실증",
            "description": "8주 실증",
            "district": "seo_gu",
            "companies": [company.pk],
        },
    )
    pilot = Pilot.objects.get()
    manage = f"/pilots/{pilot.pk}/manage/"
    client.post(manage, {"action": "stage", "stage": "recruiting"})
    client.post(manage, {"action": "milestone", "title": "기기 설치", "due_date": "2027-03-01"})
    client.post(manage, {"action": "milestone_done", "milestone": pilot.milestones.get().pk, "is_done": "1"})
    client.post(manage, {"action": "update", "body": "기기 설치를 마쳤습니다."})
    bad_date = client.post(manage, {"action": "milestone", "title": "평가", "due_date": "내일"}, follow=True)

    pilot.refresh_from_db()
    assert (pilot.stage, pilot.progress, pilot.companies.get()) == ("recruiting", 100, company)
    assert Notification.objects.filter(user=bob, kind="pilot_update").exists()
    assert "날짜" in bad_date.content.decode() or "date" in bad_date.content.decode()
    # The page comes back with what was typed, not an empty form.
    assert bad_date.status_code == 400 and 'name="title" value="평가"' in bad_date.content.decode()
    unknown_stage = client.post(manage, {"action": "stage", "stage": "sleeping"}, follow=True)
    assert "단계를 선택해 주세요." in unknown_stage.content.decode()
    nothing = client.post(manage, {}, follow=True).content.decode()
    assert "할 일을 선택해 주세요." in nothing and "저장했습니다." not in nothing
    reloaded = client.get(manage)
    assert (reloaded.status_code, reloaded["Location"]) == (302, f"/pilots/{pilot.pk}/#manage")


def test_staff_settle_reports_and_read_the_audit_log(client, staff_user, bob):
    from ideas.models import Report

    idea = IdeaFactory(title="신고된 아이디어")
    report = Report.objects.create(reporter=bob, idea=idea, reason="spam")
    client.force_login(staff_user)

    assert "신고된 아이디어" in client.get("/staff/moderation/").content.decode()
    client.post(f"/staff/reports/{report.pk}/", {"action": "hide"})
    idea.refresh_from_db()
    assert idea.is_hidden
    log = client.get("/staff/audit/").content.decode()
    # The action in the staff member's language, not its code.
    table = log[log.index("<table") :]  # the filter's options carry the codes as their values
    assert "콘텐츠 숨김" in table and "content_hide" not in table and "신고된 아이디어" in table
    client.force_login(bob)
    assert client.get("/staff/audit/").status_code == 403


def test_notification_choices_on_my_page(client, alice):
    from accounts.models import NotificationPreference

    client.force_login(alice)
    page = client.post(
        "/me/",
        {"action": "preferences", "pilot_update-in_app": "on", "pilot_update-email": "on"},
        follow=True,
    ).content.decode()

    saved = {p.kind: (p.in_app, p.email) for p in NotificationPreference.objects.filter(user=alice)}
    assert saved["pilot_update"] == (True, True)
    assert saved["idea_status"] == (False, False)
    assert "알림 설정을 저장했습니다." in page


def test_my_page_offers_news_of_a_companys_matches_only_to_its_members(client, alice, carol):
    from django.utils import translation

    from accounts.models import NotificationKind, NotificationPreference
    from tests.companies.factories import MembershipFactory

    MembershipFactory(user=carol)
    NotificationPreference.objects.create(
        user=alice, kind=NotificationKind.STRONG_MATCH, in_app=True, email=True
    )
    with translation.override("en"):
        label = str(NotificationKind.STRONG_MATCH.label)

    client.force_login(alice)
    citizen = client.get("/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.post("/me/", {"action": "preferences", "pilot_update-in_app": "on"})
    client.force_login(carol)
    member = client.get("/me/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert label not in citizen and 'name="strong_match-in_app"' not in citizen
    assert label in member and 'name="strong_match-in_app"' in member
    # Saving the settings the page showed leaves the one it did not show as it was.
    kept = NotificationPreference.objects.get(user=alice, kind=NotificationKind.STRONG_MATCH)
    assert (kept.in_app, kept.email) == (True, True)


def test_idea_page_shows_the_steps_reached(client):
    idea = IdeaFactory()
    PilotFactory(idea=idea)

    html = client.get(f"/ideas/{idea.pk}/").content.decode()

    # Submitted, published, matched (the city chose the pilot's companies) and in pilot.
    assert html.count('class="done"') == 4
