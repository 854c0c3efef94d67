"""A citizen who supported an idea later merged into another one supports the idea it went into:
that idea's page says so and lets them withdraw, once, and supporting it again counts them once."""

import pytest

from ideas.models import IdeaStatus, Support
from tests.ideas.factories import IdeaFactory
from tests.pages import signed_in_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def merged_pair(bob):
    """Bob supported A; A was merged into B."""
    target = IdeaFactory(title="어르신 복약 알림 서비스")
    source = IdeaFactory(
        status=IdeaStatus.MERGED, status_before_merge=IdeaStatus.PUBLISHED, merged_into=target
    )
    Support.objects.create(idea=source, user=bob)
    return source, target


def test_the_target_page_shows_a_supporter_of_the_merged_idea_as_supporting(bob, merged_pair):
    _source, target = merged_pair

    page = signed_in_client(bob).get(f"/ideas/{target.pk}/").content.decode()

    assert '<span class="figure">1</span>' in page
    assert "Withdraw my support" in page and "Support this idea" not in page


def test_withdrawing_on_the_target_page_takes_back_the_support_given_to_the_merged_idea(bob, merged_pair):
    source, target = merged_pair
    client = signed_in_client(bob)

    response = client.post(f"/ideas/{target.pk}/support/", {"support": "0"})

    assert response.status_code == 302
    assert not Support.objects.filter(user=bob).exists()
    page = client.get(f"/ideas/{target.pk}/").content.decode()
    assert '<span class="figure">0</span>' in page and "Support this idea" in page


def test_supporting_the_target_again_counts_once_and_one_withdrawal_undoes_it(bob, merged_pair):
    source, target = merged_pair
    client = signed_in_client(bob)

    client.post(f"/ideas/{target.pk}/support/", {"support": "0"})
    client.post(f"/ideas/{target.pk}/support/", {"support": "1"})

    assert Support.objects.filter(user=bob).count() == 1
    page = client.get(f"/ideas/{target.pk}/").content.decode()
    assert '<span class="figure">1</span>' in page and "Withdraw my support" in page


def test_the_api_reads_and_withdraws_a_support_given_before_the_merge(api, bob, merged_pair):
    source, target = merged_pair
    client = api(bob)

    read = client.get(f"/api/v1/ideas/{target.pk}/")
    supported_again = client.post(f"/api/v1/ideas/{target.pk}/support/")

    assert read.json()["is_supported"] is True and read.json()["supports_count"] == 1
    assert supported_again.json()["is_supported"] is True and supported_again.json()["supports_count"] == 1
    # Already counted through the merged idea: no second row for one person.
    assert Support.objects.filter(user=bob).count() == 1

    withdrawn = client.delete(f"/api/v1/ideas/{target.pk}/support/")

    assert withdrawn.json()["is_supported"] is False and withdrawn.json()["supports_count"] == 0
    assert not Support.objects.filter(user=bob).exists()


def test_the_api_list_shows_the_support_given_before_the_merge(api, bob, merged_pair):
    _source, target = merged_pair

    rows = {row["id"]: row for row in api(bob).get("/api/v1/ideas/").json()["results"]}

    assert rows[target.pk]["is_supported"] is True


def test_a_support_of_both_ideas_before_the_merge_is_withdrawn_from_both(api, bob, merged_pair):
    source, target = merged_pair
    Support.objects.create(idea=target, user=bob)

    withdrawn = api(bob).delete(f"/api/v1/ideas/{target.pk}/support/")

    assert withdrawn.json()["supports_count"] == 0
    assert not Support.objects.filter(user=bob).exists()


def test_withdrawing_leaves_other_supporters_of_the_merged_idea_alone(api, bob, carol, merged_pair):
    source, target = merged_pair
    Support.objects.create(idea=source, user=carol)

    withdrawn = api(bob).delete(f"/api/v1/ideas/{target.pk}/support/")

    assert withdrawn.json()["supports_count"] == 1
    assert list(Support.objects.values_list("user", flat=True)) == [carol.pk]


def test_after_the_merge_is_undone_each_idea_shows_only_its_own_supporters(api, bob, merged_pair):
    source, target = merged_pair
    source.status, source.merged_into = IdeaStatus.PUBLISHED, None
    source.save()

    read = api(bob).get(f"/api/v1/ideas/{target.pk}/").json()

    assert read["is_supported"] is False and read["supports_count"] == 0
