"""A staff decision sent twice (a double click, two staff members at once) is made once: the
second finds the idea already decided and says so, with no second notice and no second audit
entry. Each call passes the idea as it was loaded before the first decision was saved, as two
requests arriving together do."""

import pytest
from django.test import Client

from accounts.models import AuditEntry, Notification
from core.errors import ApplicationError
from ideas import services
from ideas.models import Idea, IdeaStatus, Support
from tests.accounts.factories import UserFactory
from tests.concurrency import second_while_first_is_open
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db

ALREADY_PUBLISHED = "이미 처리된 아이디어입니다. 지금은 공개됨 상태입니다."


def _two_copies(idea: Idea) -> tuple[Idea, Idea]:
    return Idea.objects.get(pk=idea.pk), Idea.objects.get(pk=idea.pk)


def _decide(action: str, idea: Idea, by) -> None:
    if action == "publish":
        services.idea_publish(idea=idea, by=by)
    elif action == "reject":
        services.idea_reject(idea=idea, by=by, reason="중복된 아이디어입니다.")
    else:
        services.idea_request_revision(idea=idea, by=by, note="연락처를 지워 주세요.")


@pytest.mark.parametrize(
    ("action", "decided", "message"),
    [
        ("publish", IdeaStatus.PUBLISHED, ALREADY_PUBLISHED),
        ("reject", IdeaStatus.REJECTED, "이미 처리된 아이디어입니다. 지금은 반려됨 상태입니다."),
        ("revise", IdeaStatus.DRAFT, "이미 작성자에게 보완을 요청한 아이디어입니다."),
    ],
)
def test_a_decision_sent_twice_is_made_once_and_told_once(staff_user, alice, action, decided, message):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)
    first, second = _two_copies(idea)

    _decide(action, first, staff_user)
    with pytest.raises(ApplicationError) as refused:
        _decide(action, second, staff_user)

    assert refused.value.message == message
    assert Idea.objects.get(pk=idea.pk).status == decided
    assert AuditEntry.objects.count() == 1
    assert Notification.objects.filter(user=alice).count() == 1


def test_a_rejection_decided_on_what_was_since_published_is_refused(staff_user, alice):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)
    seen_by_one, seen_by_other = _two_copies(idea)
    colleague = UserFactory(is_staff=True)

    services.idea_publish(idea=seen_by_one, by=colleague)
    with pytest.raises(ApplicationError) as refused:
        services.idea_reject(idea=seen_by_other, by=staff_user, reason="중복된 아이디어입니다.")

    assert refused.value.message == ALREADY_PUBLISHED
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.PUBLISHED
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["idea_publish"]


def test_publish_clicked_twice_on_the_moderation_page_says_it_was_already_published(staff_user, alice):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(staff_user)

    first = client.post("/staff/moderation/", {"idea": idea.pk, "action": "publish"})
    second = client.post("/staff/moderation/", {"idea": idea.pk, "action": "publish"})

    assert first.status_code == 302
    assert second.status_code == 400
    assert ALREADY_PUBLISHED in second.content.decode()
    assert AuditEntry.objects.count() == 1
    assert Notification.objects.filter(user=alice).count() == 1


def test_a_rejection_of_an_idea_already_decided_is_told_on_top_of_the_page(staff_user, alice):
    # Its card has left the queue: an error beside its reason field would be shown nowhere.
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(staff_user)

    client.post("/staff/moderation/", {"idea": idea.pk, "action": "reject", "reason": "중복"})
    again = client.post("/staff/moderation/", {"idea": idea.pk, "action": "reject", "reason": "중복"})

    html = again.content.decode()
    assert again.status_code == 400
    assert '<span role="alert">이미 처리된 아이디어입니다. 지금은 반려됨 상태입니다.</span>' in html


@pytest.fixture
def supported_pair():
    source = IdeaFactory(title="정류장 버스 안내판")
    target = IdeaFactory(title="버스 도착 알림")
    supporter = UserFactory()
    Support.objects.create(idea=source, user=supporter)
    return source, target, supporter


def test_a_merge_sent_twice_merges_once_and_tells_supporters_once(staff_user, supported_pair):
    source, target, supporter = supported_pair
    first, second = _two_copies(source)

    services.idea_merge(source=first, target=target, by=staff_user)
    with pytest.raises(ApplicationError) as refused:
        services.idea_merge(source=second, target=Idea.objects.get(pk=target.pk), by=staff_user)

    assert refused.value.message == "이미 병합된 아이디어입니다."
    assert AuditEntry.objects.count() == 1
    assert Notification.objects.filter(user=supporter).count() == 1
    assert Notification.objects.filter(user=source.author).count() == 1


def test_merge_confirmed_twice_shows_the_refusal_and_nothing_more_happens(client, staff_user, supported_pair):
    source, target, supporter = supported_pair
    client.force_login(staff_user)
    client.cookies["django_language"] = "ko"

    client.post(f"/staff/ideas/{source.pk}/merge/", {"into": target.pk})
    again = client.post(f"/staff/ideas/{source.pk}/merge/", {"into": target.pk})

    assert again.status_code == 409
    assert "이미 병합된 아이디어입니다." in again.content.decode()
    assert AuditEntry.objects.count() == 1
    assert Notification.objects.filter(user=supporter).count() == 1


def test_two_ideas_merged_into_each_other_from_stale_pages_merge_one_way_only(staff_user):
    a, b = IdeaFactory(), IdeaFactory()
    a_seen, b_seen = _two_copies(a)[0], _two_copies(b)[0]

    services.idea_merge(source=a, target=b, by=staff_user)
    with pytest.raises(ApplicationError):
        services.idea_merge(source=b_seen, target=a_seen, by=staff_user)

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.merged_into_id) == (IdeaStatus.MERGED, b.pk)
    assert (b.status, b.merged_into_id) == (IdeaStatus.PUBLISHED, None)
    assert AuditEntry.objects.count() == 1


def test_a_merge_refused_on_a_source_decided_meanwhile(staff_user):
    source = IdeaFactory(status=IdeaStatus.SUBMITTED)
    target = IdeaFactory()
    seen = Idea.objects.get(pk=source.pk)
    services.idea_publish(idea=source, by=UserFactory(is_staff=True))

    with pytest.raises(ApplicationError) as refused:
        services.idea_merge(source=seen, target=target, by=staff_user)

    assert refused.value.message == ALREADY_PUBLISHED
    assert Idea.objects.get(pk=source.pk).status == IdeaStatus.PUBLISHED


@pytest.mark.django_db(transaction=True)
def test_two_staff_merging_two_ideas_into_each_other_at_once_merge_one_way_only():
    """A into B and B into A at the same moment: the second waits for the first and is refused,
    where both used to pass their checks and A ended up merged into itself."""
    staff = UserFactory(is_staff=True)
    a, b = IdeaFactory(), IdeaFactory()
    a_seen_by_second, b_seen_by_second = Idea.objects.get(pk=a.pk), Idea.objects.get(pk=b.pk)
    outcome = second_while_first_is_open(
        lambda: services.idea_merge(source=a, target=b, by=staff),
        lambda: services.idea_merge(source=b_seen_by_second, target=a_seen_by_second, by=staff),
    )

    assert not outcome.errors, outcome.errors
    assert len(outcome.refusals) == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.merged_into_id) == (IdeaStatus.MERGED, b.pk)
    assert (b.status, b.merged_into_id) == (IdeaStatus.PUBLISHED, None)
    assert AuditEntry.objects.filter(action="idea_merge").count() == 1
