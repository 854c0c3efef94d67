"""Merging from the pages: staff see both ideas and confirm, and undo a merge from the merged
idea's page; nobody else can do either."""

import pytest

from accounts.models import AuditEntry
from ideas import services
from ideas.models import Idea, IdeaStatus, Support
from tests.accounts.factories import UserFactory
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db

NOT_STAFF = ["author", "other_citizen", "company_member", "other_company_member"]


@pytest.fixture
def pair(alice):
    source = IdeaFactory(
        title="정류장 버스 안내판",
        problem="정류장 안내판이 자주 꺼져 있어요.",
        status=IdeaStatus.SUBMITTED,
        author=alice,
    )
    target = IdeaFactory(title="버스 도착 알림", problem="버스가 언제 올지 몰라요.")
    for user in UserFactory.create_batch(2):
        Support.objects.create(idea=target, user=user)
    return source, target


def _korean(client):
    client.cookies["django_language"] = "ko"
    return client


def test_staff_see_both_ideas_before_anything_is_merged(client, staff_user, pair):
    source, target = pair
    client.force_login(staff_user)

    response = _korean(client).get(f"/staff/ideas/{source.pk}/merge/?into={target.pk}")

    html = response.content.decode()
    assert response.status_code == 200
    assert "두 아이디어를 병합할까요?" in html
    assert "정류장 안내판이 자주 꺼져 있어요." in html and "버스가 언제 올지 몰라요." in html
    assert "아직 공개되지 않은 아이디어입니다. 병합하면 내용이 공개됩니다." in html
    # Neither was read by the matcher: no likeness is made up for them.
    assert "아직 비교하지 못했습니다. 매칭 시스템이 두 아이디어를 아직 다 읽지 않았습니다." in html
    source.refresh_from_db()
    assert source.status == IdeaStatus.SUBMITTED and not AuditEntry.objects.exists()


def test_the_moderation_queue_leads_to_the_confirmation_not_to_a_merge(client, staff_user, pair):
    source, target = pair
    client.force_login(staff_user)

    response = client.post("/staff/moderation/", {"idea": source.pk, "target": target.pk, "action": "merge"})

    assert response.status_code == 302
    assert response["Location"] == f"/staff/ideas/{source.pk}/merge/?into={target.pk}"
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.SUBMITTED


def test_confirming_merges_and_the_merged_idea_offers_staff_an_undo(client, staff_user, pair):
    source, target = pair
    client.force_login(staff_user)

    response = _korean(client).post(f"/staff/ideas/{source.pk}/merge/", {"into": target.pk}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain == [(f"/ideas/{source.pk}/", 302)]
    assert "“버스 도착 알림” 아이디어에 병합했습니다." in html
    assert f'action="/staff/ideas/{source.pk}/unmerge/"' in html and "병합 취소" in html
    source.refresh_from_db()
    assert (source.status, source.merged_into_id) == (IdeaStatus.MERGED, target.pk)


def test_a_merge_the_service_would_refuse_is_explained_and_has_no_merge_button(client, staff_user, pair):
    source, _target = pair
    draft = IdeaFactory(status=IdeaStatus.DRAFT, title="임시저장 아이디어")
    client.force_login(staff_user)

    page = _korean(client).get(f"/staff/ideas/{source.pk}/merge/?into={draft.pk}")
    posted = client.post(f"/staff/ideas/{source.pk}/merge/", {"into": draft.pk})

    assert "공개된 아이디어에 병합해 주세요." in page.content.decode()
    assert '<button type="submit">병합</button>' not in page.content.decode()
    assert posted.status_code == 409
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.SUBMITTED
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("persona", NOT_STAFF)
def test_only_staff_merge(client, personas, persona, pair):
    source, target = pair
    client.force_login(personas[persona])

    shown = client.get(f"/staff/ideas/{source.pk}/merge/?into={target.pk}")
    posted = client.post(f"/staff/ideas/{source.pk}/merge/", {"into": target.pk})

    assert (shown.status_code, posted.status_code) == (403, 403)
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.SUBMITTED


def test_a_signed_out_visitor_is_sent_to_log_in_and_nothing_is_merged(client, pair):
    source, target = pair

    response = client.post(f"/staff/ideas/{source.pk}/merge/", {"into": target.pk})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.SUBMITTED


def test_undo_restores_the_status_and_the_supporters_and_makes_a_submitted_idea_private_again(
    client, staff_user, pair
):
    source, target = pair
    supporter = UserFactory()
    Support.objects.create(idea=source, user=supporter)
    services.idea_merge(source=source, target=target, by=staff_user)
    assert client.get(f"/ideas/{source.pk}/").status_code == 200  # merged, so public
    assert supporters(target) == 3
    client.force_login(staff_user)

    response = _korean(client).post(f"/staff/ideas/{source.pk}/unmerge/", follow=True)

    assert "병합을 취소했습니다." in response.content.decode()
    source.refresh_from_db()
    assert (source.status, source.merged_into_id, source.status_before_merge) == (
        IdeaStatus.SUBMITTED,
        None,
        "",
    )
    assert supporters(target) == 2 and supporters(source) == 1
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "idea_merge",
        "idea_unmerge",
    ]
    client.logout()
    assert client.get(f"/ideas/{source.pk}/").status_code == 404


@pytest.mark.parametrize("persona", NOT_STAFF)
def test_only_staff_undo_a_merge_or_see_the_button(client, personas, persona, staff_user, pair):
    source, target = pair
    services.idea_merge(source=source, target=target, by=staff_user)
    client.force_login(personas[persona])

    page = client.get(f"/ideas/{source.pk}/").content.decode()
    response = client.post(f"/staff/ideas/{source.pk}/unmerge/")

    assert "/unmerge/" not in page
    assert response.status_code == 403
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.MERGED


def supporters(idea: Idea) -> int:
    return Idea.objects.with_counts().get(pk=idea.pk).supports_count


def test_staff_start_a_merge_from_an_ideas_own_page_and_no_one_else_sees_it(client, staff_user, alice, pair):
    source, target = pair
    client.force_login(staff_user)

    page = _korean(client).get(f"/ideas/{source.pk}/").content.decode()

    assert 'id="merge-into"' in page and f'action="/staff/ideas/{source.pk}/merge/"' in page
    confirm = client.get(f"/staff/ideas/{source.pk}/merge/", {"into": target.pk})
    assert confirm.status_code == 200 and "버스 도착 알림" in confirm.content.decode()
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.SUBMITTED
    client.force_login(alice)
    assert 'id="merge-into"' not in client.get(f"/ideas/{source.pk}/").content.decode()


def test_a_merged_idea_offers_no_second_merge(client, staff_user, pair):
    source, target = pair
    services.idea_merge(source=source, target=target, by=staff_user)
    client.force_login(staff_user)

    assert 'id="merge-into"' not in client.get(f"/ideas/{source.pk}/").content.decode()


@pytest.mark.parametrize(
    ("language", "closed", "stays", "kept", "closes"),
    [
        (
            "en",
            "Closed: merged into the other idea",
            "Stays: keeps its supporters and comments",
            "“버스 도착 알림” stays open as it is, with its own supporters, comments and followers.",
            "“정류장 버스 안내판” is closed: it is shown as merged, points to “버스 도착 알림” and takes "
            "no new supporters or comments.",
        ),
        (
            "ko",
            "닫힘: 다른 아이디어에 병합됩니다",
            "유지: 공감과 댓글이 그대로 남습니다",
            "“버스 도착 알림” 아이디어는 지금처럼 열려 있고, 공감과 댓글, 구독자도 모두 그대로 유지됩니다.",
            "“정류장 버스 안내판” 아이디어는 닫힙니다. 병합됨으로 표시되고 “버스 도착 알림” 아이디어로 "
            "안내하며, 더 이상 공감이나 댓글을 받지 않습니다.",
        ),
    ],
)
def test_the_confirmation_says_which_idea_stays_and_which_is_closed_into_it(
    client, staff_user, pair, language, closed, stays, kept, closes
):
    source, target = pair
    client.force_login(staff_user)
    client.cookies["django_language"] = language

    html = client.get(f"/staff/ideas/{source.pk}/merge/?into={target.pk}").content.decode()

    closing = html[html.index('<section class="card merge-closes"') :]
    closing = closing[: closing.index("</section>")]
    staying = html[html.index('<section class="card merge-stays"') :]
    staying = staying[: staying.index("</section>")]
    assert closed in closing and source.title in closing and target.title not in closing
    assert stays in staying and target.title in staying and source.title not in staying
    assert kept in html and closes in html
    # As the service does: the merged idea takes nothing more, the kept one goes on as before.
    services.idea_merge(source=source, target=target, by=staff_user)
    source.refresh_from_db()
    target.refresh_from_db()
    assert not source.is_open_to_citizens and target.is_open_to_citizens
    assert target.supports.count() == 2
