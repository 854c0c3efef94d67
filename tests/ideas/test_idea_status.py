"""ideas/services.py changes an idea's status for matching and pilots, with one rule for updated_at."""

import pytest

from accounts.models import Notification, NotificationKind
from ideas.models import Idea, IdeaStatus
from ideas.services import idea_set_pilot_status, ideas_mark_matched
from tests.accounts.factories import UserFactory
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def test_only_published_ideas_become_matched_and_their_people_are_told(bob):
    published = IdeaFactory(status=IdeaStatus.PUBLISHED)
    in_pilot = IdeaFactory(status=IdeaStatus.IN_PILOT)
    published.follows.create(user=bob)
    updated_before = published.updated_at

    changed = ideas_mark_matched(idea_ids=[published.pk, in_pilot.pk])

    assert [idea.pk for idea in changed] == [published.pk]
    published.refresh_from_db()
    assert published.status == IdeaStatus.MATCHED
    # The matcher's own progress is not a change for the matcher to act on.
    assert published.updated_at == updated_before
    assert Idea.objects.get(pk=in_pilot.pk).status == IdeaStatus.IN_PILOT
    told = set(
        Notification.objects.filter(kind=NotificationKind.IDEA_STATUS).values_list("user_id", flat=True)
    )
    assert told == {published.author_id, bob.pk}


def test_a_pilot_sets_only_the_statuses_a_pilot_reaches(staff_user):
    idea = IdeaFactory(status=IdeaStatus.MATCHED)

    idea_set_pilot_status(idea=idea, status=IdeaStatus.IN_PILOT, by=staff_user)
    with pytest.raises(ValueError):
        idea_set_pilot_status(idea=idea, status=IdeaStatus.REJECTED, by=staff_user)

    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.IN_PILOT


def test_the_person_who_moved_the_pilot_is_not_told_of_their_own_change():
    staff = UserFactory(is_staff=True)
    idea = IdeaFactory(status=IdeaStatus.MATCHED, author=staff)

    idea_set_pilot_status(idea=idea, status=IdeaStatus.IN_PILOT, by=staff)

    assert not Notification.objects.filter(user=staff).exists()
