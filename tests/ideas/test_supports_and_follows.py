import pytest

from ideas.models import Follow, IdeaStatus, Support

pytestmark = pytest.mark.django_db


def test_support_counts_once_per_citizen_and_can_be_withdrawn(api, bob, idea):
    client = api(bob)

    first = client.post(f"/api/v1/ideas/{idea.pk}/support/")
    second = client.post(f"/api/v1/ideas/{idea.pk}/support/")

    assert first.json()["supports_count"] == 1
    assert second.json()["supports_count"] == 1
    assert second.json()["is_supported"] is True
    assert Support.objects.filter(idea=idea, user=bob).count() == 1

    withdrawn = client.delete(f"/api/v1/ideas/{idea.pk}/support/")

    assert withdrawn.json()["supports_count"] == 0
    assert not Support.objects.filter(idea=idea).exists()


def test_unpublished_idea_cannot_be_supported(api, alice, idea):
    idea.status = IdeaStatus.SUBMITTED
    idea.save()

    response = api(alice).post(f"/api/v1/ideas/{idea.pk}/support/")

    assert response.status_code == 409
    assert not Support.objects.exists()


def test_follow_and_unfollow(api, bob, idea):
    followed = api(bob).post(f"/api/v1/ideas/{idea.pk}/follow/")
    assert followed.json()["is_following"] is True
    assert Follow.objects.filter(idea=idea, user=bob).exists()

    unfollowed = api(bob).delete(f"/api/v1/ideas/{idea.pk}/follow/")
    assert unfollowed.json()["is_following"] is False
    assert not Follow.objects.exists()
