"""The staff audit log page: readable changes in the staff member's language, filters by who,
what and when, and pages."""

import datetime

import pytest
from django.utils import timezone
from django.utils.html import escape

from accounts.audit import audit_record
from accounts.models import AuditAction, AuditEntry
from ideas import services
from ideas.models import IdeaStatus
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory
from tests.ideas.factories import IdeaFactory
from tests.pilots.factories import MilestoneFactory

pytestmark = pytest.mark.django_db


def _log(client, query="", language="ko"):
    client.cookies["django_language"] = language
    response = client.get(f"/staff/audit/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<table") :]


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("persona", ["author", "other_citizen", "company_member", "other_company_member"])
def test_only_staff_read_the_log_even_filtered(client, personas, persona, staff_user, idea):
    services.idea_reject(idea=idea, by=staff_user, reason="중복 제안")
    client.force_login(personas[persona])

    response = client.get("/staff/audit/?action=idea_reject")

    assert response.status_code == 403
    assert "중복 제안" not in response.content.decode()


def test_a_signed_out_visitor_is_sent_to_log_in(client):
    response = client.get("/staff/audit/?action=idea_reject")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_change_reads_field_before_and_after_in_the_staff_members_language(staff_client, staff_user):
    idea = IdeaFactory(status=IdeaStatus.SUBMITTED, title="공원 혈압 측정")
    services.idea_publish(idea=idea, by=staff_user)

    korean = _log(staff_client)
    english = _log(staff_client, language="en")

    assert "상태</strong>: 접수됨 → 공개됨" in korean
    assert "Status</strong>: Submitted → Published" in english
    assert "아이디어 공개" in korean and "Published an idea" in english
    assert f'<a href="/ideas/{idea.pk}/">공원 혈압 측정</a>' in korean
    # Fields the action records but did not change are left out, and no raw code shows.
    assert "병합 대상" not in korean and "merged_into_id" not in korean and "{" not in korean


def test_a_merge_names_the_idea_merged_into_and_the_status_it_had(staff_client, staff_user):
    source, target = IdeaFactory(), IdeaFactory()
    services.idea_merge(source=source, target=target, by=staff_user)

    html = _log(staff_client)

    assert "상태</strong>: 공개됨 → 병합됨" in html
    assert f'병합 대상</strong>: — → <a href="/ideas/{target.pk}/">{escape(target.title)}</a>' in html


def test_a_milestone_added_to_a_pilot_shows_its_own_fields(staff_client, staff_user):
    milestone = MilestoneFactory(title="참여자 30명 모집", due_date=datetime.date(2026, 6, 1), is_done=True)
    audit_record(
        actor=staff_user,
        action=AuditAction.PILOT_MILESTONE_ADD,
        target=milestone.pilot,
        after={"title": milestone.title, "due_date": "2026-06-01", "is_done": True},
    )

    english = _log(staff_client, language="en")

    assert "Title</strong>: 참여자 30명 모집" in english
    assert "Due date</strong>: June\u00a01,\u00a02026" in english
    assert "Done</strong>: Yes" in english


def test_staff_filter_by_who_what_and_when(staff_client, staff_user):
    colleague = UserFactory(username="colleague", display_name="동료 담당자", is_staff=True)
    mine = IdeaFactory(status=IdeaStatus.SUBMITTED, title="내가 공개한 아이디어")
    theirs = IdeaFactory(status=IdeaStatus.SUBMITTED, title="동료가 반려한 아이디어")
    old = IdeaFactory(status=IdeaStatus.SUBMITTED, title="지난달에 공개한 아이디어")
    services.idea_publish(idea=mine, by=staff_user)
    services.idea_reject(idea=theirs, by=colleague, reason="중복")
    services.idea_publish(idea=old, by=staff_user)
    last_month = timezone.now() - datetime.timedelta(days=40)
    AuditEntry.objects.filter(target_id=old.pk).update(created_at=last_month)
    today = timezone.localdate().isoformat()

    by_colleague = _log(staff_client, f"?actor={colleague.pk}")
    publishing = _log(staff_client, "?action=idea_publish")
    since_today = _log(staff_client, f"?since={today}&until={today}")
    until_last_month = _log(staff_client, f"?until={timezone.localdate(last_month).isoformat()}")

    assert "동료가 반려한 아이디어" in by_colleague and "내가 공개한 아이디어" not in by_colleague
    assert "내가 공개한 아이디어" in publishing and "동료가 반려한 아이디어" not in publishing
    assert "지난달에 공개한 아이디어" in publishing
    assert "지난달에 공개한 아이디어" not in since_today and "내가 공개한 아이디어" in since_today
    assert "지난달에 공개한 아이디어" in until_last_month and "내가 공개한 아이디어" not in until_last_month


def test_a_date_range_that_ends_before_it_starts_is_refused_on_its_field(staff_client, staff_user, idea):
    services.idea_reject(idea=idea, by=staff_user, reason="중복")
    staff_client.cookies["django_language"] = "ko"

    html = staff_client.get("/staff/audit/?since=2026-05-02&until=2026-05-01").content.decode()

    assert "종료일이 시작일보다 앞섭니다." in html
    assert "이 조건에 맞는 기록이 없습니다." in html


def test_pages_keep_the_filters(staff_client, staff_user):
    ideas = IdeaFactory.create_batch(30, status=IdeaStatus.SUBMITTED)
    for idea in ideas:
        services.idea_publish(idea=idea, by=staff_user)

    first = _log(staff_client, "?action=idea_publish")
    second = _log(staff_client, "?action=idea_publish&page=2")

    assert first.count("<tr>") - 1 == 25  # the header row aside
    assert second.count("<tr>") - 1 == 5
    assert "?action=idea_publish&amp;page=2" in first
    assert "30쪽" not in first and "2쪽 중 1쪽" in first
    assert "?action=idea_publish&amp;page=1" in second


def test_a_data_requests_fields_read_as_key_value_pairs_escaped(staff_client, staff_user):
    pilot = MilestoneFactory().pilot
    fields = [
        # As PostgreSQL hands back a JSON object: its keys shortest first.
        {"max": 120.0, "min": -60.0, "code": "minutes_late", "unit": "분", "label": "<b>지각</b> 시간"},
        {"max": 1.0, "min": 0.0, "code": "came", "unit": "", "label": "출석"},
    ]
    audit_record(
        actor=staff_user,
        action=AuditAction.PILOT_DATA_REQUEST_ADD,
        target=pilot,
        after={"category_code": "attendance", "fields": fields, "recipient": {"company": 3, "all": False}},
    )

    html = _log(staff_client)

    # Each field by its name and unit, then its range and code, the keys in the reader's language.
    minutes_late = "&lt;b&gt;지각&lt;/b&gt; 시간 (분) — 최솟값: -60, 최댓값: 120, 코드: minutes_late"
    assert f"<li>{minutes_late}</li>" in html
    assert "<li>출석 — 최솟값: 0, 최댓값: 1, 코드: came</li>" in html
    assert "전체: 아니요, 기업: 3" in html
    assert "min:" not in html and "label:" not in html
    assert "{" not in html and "'max'" not in html and "<b>지각" not in html


def test_the_api_keeps_the_recorded_fields_as_they_are(api, staff_user):
    fields = [{"max": 120.0, "min": -60.0, "code": "minutes_late", "unit": "분", "label": "지각 시간"}]
    audit_record(
        actor=staff_user,
        action=AuditAction.PILOT_DATA_REQUEST_ADD,
        target=MilestoneFactory().pilot,
        after={"fields": fields},
    )

    response = api(staff_user).get("/api/v1/audit/")

    assert response.status_code == 200
    assert response.json()["results"][0]["after"] == {"fields": fields}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_pilot_created_names_its_idea_and_companies_and_leaves_out_ids_and_empty_fields(
    staff_client, staff_user, language
):
    idea = IdeaFactory(title="어르신 복약 알림")
    first, second = CompanyFactory(name="길고양이랩"), CompanyFactory(name="책장AI")
    pilot = MilestoneFactory().pilot
    audit_record(
        actor=staff_user,
        action=AuditAction.PILOT_CREATE,
        target=pilot,
        after={
            "title": "복약 알림 실증",
            "cancellation_reason": "",
            "idea": idea.pk,
            "companies": sorted([first.slug, second.slug]),
        },
    )
    audit_record(
        actor=staff_user,
        action=AuditAction.PILOT_DATA_REQUEST_ADD,
        target=pilot,
        after={"id": 17, "category_code": "trip_feedback", "category_label": "승차 후기"},
    )

    html = _log(staff_client, language=language)

    assert f'<a href="/ideas/{idea.pk}/">어르신 복약 알림</a>' in html
    assert f'<a href="/companies/{first.slug}/">길고양이랩</a>' in html
    assert f'<a href="/companies/{second.slug}/">책장AI</a>' in html
    assert first.slug + "</li>" not in html and f"#{idea.pk}</li>" not in html
    category = {"ko": "분야", "en": "Category"}[language]
    assert f"{category}</strong>: 승차 후기 (trip_feedback)" in html
    assert "trip_feedback</li>" not in html  # the code is not a line of its own
    assert "ID</strong>" not in html and ": —</li>" not in html  # no ids, no empty fields of a new row
