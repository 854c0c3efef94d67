"""A merged idea's page says where it went and offers no Support button that would fail."""

import pytest

from ideas.models import Follow, IdeaStatus, Support
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def test_a_merged_idea_points_to_where_support_goes_and_has_no_support_button(client, bob):
    target = IdeaFactory(title="어르신 복약 알림 서비스")
    merged = IdeaFactory(status=IdeaStatus.MERGED, merged_into=target)
    client.force_login(bob)

    page = client.get(f"/ideas/{merged.pk}/").content.decode()
    target_page = client.get(f"/ideas/{target.pk}/").content.decode()

    assert "어르신 복약 알림 서비스" in page and f'href="/ideas/{target.pk}/"' in page
    assert 'id="support"' not in page
    assert 'id="support"' in target_page


def test_a_merged_idea_does_not_name_a_target_the_public_no_longer_sees(client):
    target = IdeaFactory(title="숨겨진 아이디어 제목", is_hidden=True)
    merged = IdeaFactory(status=IdeaStatus.MERGED, merged_into=target)

    page = client.get(f"/ideas/{merged.pk}/").content.decode()

    assert "숨겨진 아이디어 제목" not in page


def test_a_merged_idea_offers_no_count_nor_following_but_lets_a_follower_stop(client, bob):
    target = IdeaFactory()
    merged = IdeaFactory(status=IdeaStatus.MERGED, merged_into=target)
    Support.objects.create(idea=merged, user=bob)
    client.force_login(bob)

    page = client.get(f"/ideas/{merged.pk}/").content.decode()
    assert 'id="follow"' not in page
    assert 'class="figure"' not in page

    Follow.objects.create(idea=merged, user=bob)
    page = client.get(f"/ideas/{merged.pk}/").content.decode()
    assert 'id="follow"' in page and "구독 취소" in page


def test_a_merged_ideas_timeline_ends_where_it_was_merged(client):
    merged = IdeaFactory(status=IdeaStatus.MERGED, merged_into=IdeaFactory())
    client.cookies["django_language"] = "en"

    page = client.get(f"/ideas/{merged.pk}/").content.decode()

    timeline = page[page.index('<ol class="timeline"') :].split("</ol>")[0]
    assert "Merged" in timeline
    assert "In pilot" not in timeline and "Completed" not in timeline
