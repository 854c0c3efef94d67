"""An idea's news reaches each person in the language they chose for notifications, whatever
language the staff member who acted (or the matcher's worker) works in."""

import pytest
from django.utils import translation

from accounts.models import Notification, NotificationKind
from ideas import services
from ideas.models import IdeaStatus, Support
from tests.accounts.factories import UserFactory
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def _titles(user) -> list[str]:
    return list(
        Notification.objects.filter(user=user, kind=NotificationKind.IDEA_STATUS)
        .order_by("id")
        .values_list("title", flat=True)
    )


@pytest.fixture
def staff():
    return UserFactory(is_staff=True, preferred_language="ko")


def test_publishing_tells_an_english_author_in_english_and_a_korean_follower_in_korean(staff):
    author = UserFactory(preferred_language="en")
    follower = UserFactory(preferred_language="ko")
    idea = IdeaFactory(author=author, title="버스 도착 알림", status=IdeaStatus.SUBMITTED)
    idea.follows.create(user=follower)

    with translation.override("ko"):
        services.idea_publish(idea=idea, by=staff)

    assert _titles(author) == ["“버스 도착 알림” is now Published"]
    assert _titles(follower) == ["“버스 도착 알림” 아이디어의 상태가 바뀌었습니다: 공개됨"]


def test_a_korean_author_is_told_in_korean_when_staff_work_in_english(staff):
    author = UserFactory(preferred_language="ko")
    idea = IdeaFactory(author=author, title="버스 도착 알림", status=IdeaStatus.SUBMITTED)

    with translation.override("en"):
        services.idea_reject(idea=idea, by=staff, reason="개인정보가 들어 있습니다")

    assert _titles(author) == ["“버스 도착 알림” 아이디어의 상태가 바뀌었습니다: 반려됨"]


def test_many_ideas_matched_at_once_each_tell_their_author_in_their_language():
    english, korean = UserFactory(preferred_language="en"), UserFactory(preferred_language="ko")
    ideas = [
        IdeaFactory(author=author, title=title, status=IdeaStatus.PUBLISHED)
        for author, title in (
            (english, "Bus arrival times"),
            (korean, "공원 조명"),
            (english, "Flood alerts"),
        )
    ]

    with translation.override("ko"):
        services.ideas_mark_matched(idea_ids=[idea.pk for idea in ideas])

    assert sorted(_titles(english)) == ["“Bus arrival times” is now Matched", "“Flood alerts” is now Matched"]
    assert _titles(korean) == ["“공원 조명” 아이디어의 상태가 바뀌었습니다: 매칭됨"]


def test_a_revision_request_reaches_an_english_author_in_english(staff):
    author = UserFactory(preferred_language="en")
    idea = IdeaFactory(author=author, title="버스 도착 알림", status=IdeaStatus.SUBMITTED)

    with translation.override("ko"):
        services.idea_request_revision(idea=idea, by=staff, note="연락처를 지워 주세요")

    (notification,) = Notification.objects.filter(user=author)
    assert notification.title == "Please revise “버스 도착 알림”"
    assert notification.body == "연락처를 지워 주세요"


def test_a_merge_tells_each_supporter_in_their_language(staff):
    target = IdeaFactory(title="버스 도착 알림")
    source = IdeaFactory(title="정류장 안내판", author=UserFactory(preferred_language="ko"))
    english = UserFactory(preferred_language="en")
    Support.objects.create(idea=source, user=english)

    with translation.override("ko"):
        services.idea_merge(source=source, target=target, by=staff)

    (told_in_english,) = Notification.objects.filter(user=english)
    (told_in_korean,) = Notification.objects.filter(user=source.author)
    assert (told_in_english.title, told_in_english.body) == (
        "“정류장 안내판” was merged into “버스 도착 알림”",
        "Your support now counts for the merged idea.",
    )
    assert (told_in_korean.title, told_in_korean.body) == (
        "“정류장 안내판” 아이디어가 “버스 도착 알림” 아이디어에 병합되었습니다.",
        "보내 주신 공감은 이제 병합된 아이디어에 반영됩니다.",
    )
