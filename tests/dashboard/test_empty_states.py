"""A section with nothing in it says so, and offers nothing to do on nothing."""

import pytest

from accounts.models import Notification
from tests.pilots.factories import PilotFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


def test_mark_all_as_read_is_offered_only_while_something_is_unread(client, alice):
    client.force_login(alice)
    client.cookies["django_language"] = "en"

    empty = client.get("/me/").content.decode()
    notification = Notification.objects.create(
        user=alice, kind="new_comment", title="A reply to your comment"
    )
    unread = client.get("/me/").content.decode()
    notification.read_at = notification.created_at
    notification.save()
    all_read = client.get("/me/").content.decode()

    assert "No notifications." in empty and "Mark all as read" not in empty
    assert "Mark all as read" in unread
    assert "A reply to your comment" in all_read and "Mark all as read" not in all_read


@pytest.mark.parametrize(
    ("language", "where"),
    [
        (
            "en",
            'The pilots you volunteer for are listed under <a href="#my-pilots">My pilots and consents</a>.',
        ),
        ("ko", '참여 중인 실증 사업은 <a href="#my-pilots">내 실증 참여와 동의</a>에 있습니다.'),
    ],
)
def test_a_volunteer_who_follows_no_pilot_is_told_where_their_pilots_are(client, alice, bob, language, where):
    VolunteerFactory(user=alice)
    left = VolunteerFactory(user=bob)
    left.left_at = left.joined_at
    left.save()
    client.cookies["django_language"] = language

    client.force_login(alice)
    volunteer = client.get("/me/").content.decode()
    client.force_login(bob)
    former_volunteer = client.get("/me/").content.decode()

    followed = volunteer[volunteer.index('<p class="empty" id="followed-pilots">') :]
    assert where in followed[: followed.index("</p>")]
    assert '<h2 id="my-pilots">' in volunteer
    assert where not in former_volunteer


@pytest.mark.parametrize(
    ("language", "none_yet"),
    [
        ("en", "No company takes part in this pilot yet."),
        ("ko", "아직 이 실증 사업에 참여하는 기업이 없습니다."),
    ],
)
def test_a_pilot_without_companies_says_so_under_its_heading(client, language, none_yet):
    pilot = PilotFactory()
    client.cookies["django_language"] = language

    page = client.get(f"/pilots/{pilot.pk}/").content.decode()

    assert none_yet in page
