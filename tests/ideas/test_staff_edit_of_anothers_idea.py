"""City staff may correct any idea, but words its author did not write never stand silently under
their name: staff who change the title, the problem, what AI could do or who benefits of someone
else's idea say why, the author is told with the reason and a link, the idea's page marks the
change beside the author's name, and the audit log records it. Filing the idea under another
category or district, the common correction, needs no reason and leaves no mark, and is audited."""

import pytest
from django.utils import translation
from django.utils.formats import date_format

from accounts.audit import audit_changes
from accounts.models import AuditEntry, Notification, NotificationKind
from core.errors import ApplicationError
from ideas import services
from ideas.models import IdeaStatus
from tests.ideas.factories import IdeaFactory
from tests.pages import page_html, signed_in_client

pytestmark = pytest.mark.django_db

NEW_TITLE = "하남산단 근처 밤마다 나는 타는 냄새 (시 수정)"
REASON = "제목에 장소를 더했습니다."


def _form(idea, **changes) -> dict:
    fields = ("title", "problem", "proposal", "category", "district", "beneficiaries")
    return {field: getattr(idea, field) for field in fields} | changes


# --- The service --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, words",
    [
        ("title", NEW_TITLE),
        ("problem", "밤마다 공단 쪽에서 타는 냄새가 나서 창문을 열 수 없습니다."),
        ("proposal", "AI가 냄새 민원과 바람 방향을 모아 배출원을 찾아 주면 좋겠어요."),
        ("beneficiaries", "하남동 주민"),
    ],
)
def test_staff_who_change_the_authors_words_without_a_reason_are_refused(idea, staff_user, field, words):
    before = getattr(idea, field)

    with pytest.raises(ApplicationError) as refused:
        services.idea_update(idea=idea, user=staff_user, **{field: words})

    assert list(refused.value.fields) == ["edit_reason"]
    idea.refresh_from_db()
    assert getattr(idea, field) == before
    assert idea.staff_edited_at is None
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_reason_given_marks_the_idea_tells_the_author_and_is_audited(alice, idea, staff_user):
    old_title = idea.title

    services.idea_update(idea=idea, user=staff_user, title=NEW_TITLE, edit_reason=f"  {REASON}\n")

    idea.refresh_from_db()
    assert idea.title == NEW_TITLE
    assert idea.staff_edited_at is not None
    assert idea.staff_edit_reason == REASON
    told = Notification.objects.get()
    assert told.user == alice
    assert told.kind == NotificationKind.IDEA_STATUS
    assert told.link == f"/ideas/{idea.pk}/"
    assert told.title == f"시 담당자가 내 아이디어를 고쳤습니다: “{NEW_TITLE}”"
    assert told.body == f"바뀐 항목: 제목\n고친 이유: {REASON}"
    entry = AuditEntry.objects.get(action="idea_edit")
    assert entry.actor == staff_user
    assert entry.before == {"title": old_title}
    assert entry.after == {"title": NEW_TITLE, "staff_edit_reason": REASON}
    with translation.override("en"):
        read = {change.label: (change.before, change.after) for change in audit_changes(entry)}
    assert read == {"Title": (old_title, NEW_TITLE), "Reason for the change": (None, REASON)}


def test_the_author_is_told_in_their_own_language_which_fields_changed(alice, idea, staff_user):
    alice.preferred_language = "en"
    alice.save(update_fields=["preferred_language"])

    services.idea_update(
        idea=idea,
        user=staff_user,
        title=idea.title,
        problem="밤마다 공단 쪽에서 타는 냄새가 나서 창문을 열 수 없습니다.",
        beneficiaries="하남동 주민",
        edit_reason="Removed a phone number.",
    )

    told = Notification.objects.get(user=alice)
    assert told.title == f"City staff edited your idea: “{idea.title}”"
    assert told.body == "Changed: problem, who benefits\nReason: Removed a phone number."


def test_a_category_or_district_fixed_needs_no_reason_leaves_no_mark_and_is_audited(idea, staff_user):
    # The page sends every field back, the text unchanged.
    fixed = _form(idea, category="environment_energy", district="gwangsan_gu")
    services.idea_update(idea=idea, user=staff_user, **fixed)

    idea.refresh_from_db()
    assert (idea.category, idea.district) == ("environment_energy", "gwangsan_gu")
    assert idea.staff_edited_at is None
    assert idea.staff_edit_reason == ""
    assert not Notification.objects.exists()
    entry = AuditEntry.objects.get(action="idea_edit")
    assert entry.before == {"category": "mobility", "district": "buk_gu"}
    assert entry.after == {"category": "environment_energy", "district": "gwangsan_gu"}


def test_the_author_editing_their_own_idea_gives_no_reason_and_leaves_no_mark(alice):
    draft = IdeaFactory(author=alice, status=IdeaStatus.DRAFT, published_at=None)

    services.idea_update(idea=draft, user=alice, title="버스가 언제 오는지 알고 싶어요")

    draft.refresh_from_db()
    assert draft.title == "버스가 언제 오는지 알고 싶어요"
    assert draft.staff_edited_at is None
    assert not Notification.objects.exists()
    assert not AuditEntry.objects.exists()


def test_staff_editing_an_idea_they_wrote_themselves_give_no_reason(staff_user):
    own = IdeaFactory(author=staff_user)

    services.idea_update(idea=own, user=staff_user, title="시청 앞 자전거 보관소 안내")

    own.refresh_from_db()
    assert own.staff_edited_at is None
    assert not Notification.objects.exists()


# --- The pages ----------------------------------------------------------------------------------

LABEL = {"ko": "작성자의 글을 고치는 이유", "en": "reason for changing the author&#x27;s words"}
IN_SUMMARY = {"ko": LABEL["ko"], "en": "Reason for changing the author&#x27;s words"}
MISSING = {
    "ko": "작성자의 글을 고치는 이유를 적어 주세요. 작성자에게 알림이 가고, 아이디어 페이지에도 보입니다.",
    "en": "Say why you change the author&#x27;s words: they are told, and the idea&#x27;s page shows it.",
}
MARK = {"ko": "시 담당자가 고침 · {date}", "en": "Edited by city staff · {date}"}
REASON_SHOWN = {"ko": "고친 이유: {reason}", "en": "Reason for the change: {reason}"}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_edit_page_asks_staff_for_a_reason_and_the_author_for_none(alice, idea, staff_user, language):
    draft = IdeaFactory(author=alice, status=IdeaStatus.DRAFT, published_at=None)

    staff_page = signed_in_client(staff_user, language).get(f"/ideas/{idea.pk}/edit/").content.decode()
    author_page = signed_in_client(alice, language).get(f"/ideas/{draft.pk}/edit/").content.decode()

    assert 'name="edit_reason"' in staff_page
    assert 'id="staff-edit-notice"' in staff_page
    # Neither optional nor always needed: the help text says when.
    assert f'<label for="id_edit_reason">{LABEL[language]}</label>' in staff_page
    assert 'name="edit_reason"' not in author_page
    assert 'id="staff-edit-notice"' not in author_page


@pytest.mark.parametrize("language", ["ko", "en"])
def test_staff_changing_the_words_without_a_reason_get_the_form_back_naming_the_field(
    idea, staff_user, language
):
    old_title = idea.title

    response = signed_in_client(staff_user, language).post(
        f"/ideas/{idea.pk}/edit/", _form(idea, title=NEW_TITLE)
    )

    assert response.status_code == 200
    html = response.content.decode()
    # The error summary links the field and names it.
    assert f'<a href="#id_edit_reason">{IN_SUMMARY[language]}: {MISSING[language]}</a>' in html
    assert f'value="{NEW_TITLE}"' in html
    idea.refresh_from_db()
    assert idea.title == old_title
    assert not Notification.objects.exists()


@pytest.mark.parametrize("language", ["ko", "en"])
def test_with_a_reason_the_idea_page_marks_the_edit_beside_the_author(alice, idea, staff_user, language):
    response = signed_in_client(staff_user, language).post(
        f"/ideas/{idea.pk}/edit/", _form(idea, title=NEW_TITLE, edit_reason=REASON)
    )

    assert response.status_code == 302
    idea.refresh_from_db()
    with translation.override(language):
        date = date_format(idea.staff_edited_at, "DATE_FORMAT")
    html = page_html(f"/ideas/{idea.pk}/", language)
    mark = html.index('id="staff-edit"')
    assert html.index(str(alice.display_name)) < mark < html.index('class="idea-body"')
    assert MARK[language].format(date=date) in html
    assert REASON_SHOWN[language].format(reason=REASON) in html
    assert Notification.objects.filter(user=alice, link=f"/ideas/{idea.pk}/").exists()


@pytest.mark.parametrize("language", ["ko", "en"])
def test_a_district_fixed_on_the_page_needs_no_reason_and_shows_no_mark(idea, staff_user, language):
    response = signed_in_client(staff_user, language).post(
        f"/ideas/{idea.pk}/edit/", _form(idea, district="gwangsan_gu")
    )

    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.district == "gwangsan_gu"
    assert 'id="staff-edit"' not in page_html(f"/ideas/{idea.pk}/", language)
    assert AuditEntry.objects.filter(action="idea_edit").count() == 1


# --- The API ------------------------------------------------------------------------------------


def test_the_api_asks_staff_for_a_reason_for_other_words_and_shows_the_mark(api, alice, idea, staff_user):
    path = f"/api/v1/ideas/{idea.pk}/"

    refused = api(staff_user).patch(path, {"title": NEW_TITLE})
    filed = api(staff_user).patch(path, {"category": "environment_energy"})
    unmarked = api(alice).get(path).json()
    edited = api(staff_user).patch(path, {"title": NEW_TITLE, "edit_reason": REASON})

    assert refused.status_code == 400
    assert list(refused.json()["error"]["fields"]) == ["edit_reason"]
    assert filed.status_code == 200
    assert unmarked["staff_edited_at"] is None
    assert unmarked["staff_edit_reason"] == ""
    assert edited.status_code == 200
    assert edited.json()["title"] == NEW_TITLE
    assert edited.json()["staff_edited_at"] is not None
    assert edited.json()["staff_edit_reason"] == REASON
    seen_by_anyone = api().get(path).json()
    assert seen_by_anyone["staff_edit_reason"] == REASON
    assert Notification.objects.filter(user=alice).count() == 1
    assert AuditEntry.objects.filter(action="idea_edit").count() == 2
