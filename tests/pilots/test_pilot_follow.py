"""Following a pilot: who may, from the page and the API, and the news followers get."""

import re

import pytest

from accounts.models import Notification
from ideas.models import Follow
from pilots import services as pilot_services
from pilots.models import Pilot, PilotFollow, PilotStage
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.pilots.factories import PILOT_PERSONAS, PilotFactory, pilot_personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(idea, company):
    return PilotFactory(idea=idea, companies=[company], stage=PilotStage.RECRUITING)


@pytest.fixture
def everyone(personas, pilot, other_company):
    return pilot_personas(personas, pilot)


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_everyone_signed_in_follows_and_unfollows_a_public_pilot(everyone, pilot, persona):
    user = everyone[persona]
    client = client_for(user)

    followed = client.post(f"/api/v1/pilots/{pilot.pk}/follow/")

    if user is None:
        assert followed.status_code in (401, 403)
        assert followed.json()["error"]["code"] == "not_authenticated"
        assert not PilotFollow.objects.exists()
        return
    assert followed.status_code == 200
    assert followed.json()["is_following"] is True
    assert list(PilotFollow.objects.values_list("pilot_id", "user_id")) == [(pilot.pk, user.pk)]
    # Following twice is following once.
    assert client.post(f"/api/v1/pilots/{pilot.pk}/follow/").status_code == 200
    assert PilotFollow.objects.count() == 1
    assert client.get(f"/api/v1/pilots/{pilot.pk}/").json()["is_following"] is True

    unfollowed = client.delete(f"/api/v1/pilots/{pilot.pk}/follow/")

    assert unfollowed.status_code == 200
    assert unfollowed.json()["is_following"] is False
    assert not PilotFollow.objects.exists()


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_a_pilot_in_planning_can_be_followed_by_staff_only(everyone, pilot, persona):
    Pilot.objects.filter(pk=pilot.pk).update(stage=PilotStage.PLANNING, went_public_at=None)
    user = everyone[persona]

    response = client_for(user).post(f"/api/v1/pilots/{pilot.pk}/follow/")

    if persona == "staff":
        assert response.status_code == 200
        assert PilotFollow.objects.filter(user=user).exists()
    else:
        assert response.status_code in (401, 403, 404)
        assert not PilotFollow.objects.exists()


def test_the_service_refuses_a_pilot_the_user_cannot_see(pilot, bob):
    Pilot.objects.filter(pk=pilot.pk).update(stage=PilotStage.PLANNING, went_public_at=None)
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError):
        pilot_services.pilot_follow(pilot=pilot, user=bob)
    assert not PilotFollow.objects.exists()


def test_the_list_says_which_pilots_i_follow(api, bob, pilot):
    other = PilotFactory(stage=PilotStage.RUNNING)
    PilotFollow.objects.create(pilot=pilot, user=bob)
    client = api(bob)

    rows = {row["id"]: row["is_following"] for row in client.get("/api/v1/pilots/").json()["results"]}

    assert rows == {pilot.pk: True, other.pk: False}
    assert all(row["is_following"] is False for row in api(None).get("/api/v1/pilots/").json()["results"])


def test_followers_hear_of_a_new_stage_and_of_news(pilot, staff_user, bob, alice):
    follower = UserFactory(username="follower", preferred_language="en")
    PilotFollow.objects.create(pilot=pilot, user=follower)
    PilotFollow.objects.create(pilot=pilot, user=bob)
    # alice follows the pilot and its idea: the idea's status does not change here, so she hears
    # of the stage once.
    PilotFollow.objects.create(pilot=pilot, user=alice)
    Follow.objects.create(idea=pilot.idea, user=alice)

    pilot_services.pilot_change_stage(pilot=pilot, by=staff_user, stage=PilotStage.RUNNING)
    pilot_services.pilot_update_post(pilot=pilot, by=staff_user, body="첫 주 복약률 92%")

    english = list(Notification.objects.filter(user=follower).values_list("title", flat=True))
    assert english == [f"News from the pilot “{pilot.title}”", f"The pilot “{pilot.title}” is now: Running"]
    assert Notification.objects.filter(user=bob).count() == 2
    assert Notification.objects.filter(user=alice).count() == 2
    assert not Notification.objects.filter(user=staff_user).exists()


def test_a_follower_of_the_idea_too_is_told_of_a_status_change_once(pilot, staff_user, alice, bob):
    """Completing a pilot completes its idea: the idea's followers hear of that; a pilot follower
    who does not follow the idea hears of the stage."""
    Pilot.objects.filter(pk=pilot.pk).update(stage=PilotStage.EVALUATING)
    pilot.refresh_from_db()
    PilotFollow.objects.create(pilot=pilot, user=alice)
    Follow.objects.create(idea=pilot.idea, user=alice)
    PilotFollow.objects.create(pilot=pilot, user=bob)
    Notification.objects.all().delete()

    pilot_services.pilot_change_stage(pilot=pilot, by=staff_user, stage=PilotStage.COMPLETED)

    assert Notification.objects.filter(user=bob, kind="pilot_update").count() == 1
    assert Notification.objects.filter(user=alice, kind="pilot_update").count() == 0
    assert Notification.objects.filter(user=alice, kind="idea_status").count() == 1


def test_a_citizen_follows_from_the_page_and_sees_it_on_my_page(client, bob, pilot):
    client.force_login(bob)

    page = client.get(f"/pilots/{pilot.pk}/").content.decode()
    assert 'value="follow"' in page
    response = client.post(f"/pilots/{pilot.pk}/follow/", {"action": "follow"})

    assert response.status_code == 302
    assert PilotFollow.objects.filter(pilot=pilot, user=bob).exists()
    assert 'value="unfollow"' in client.get(f"/pilots/{pilot.pk}/").content.decode()
    my_page = client.get("/me/").content.decode()
    assert f'href="/pilots/{pilot.pk}/">{pilot.title}</a>' in my_page

    client.post(f"/pilots/{pilot.pk}/follow/", {"action": "unfollow"})
    assert not PilotFollow.objects.exists()
    assert pilot.title not in client.get("/me/").content.decode()


@pytest.mark.parametrize(
    ("language", "state", "action"),
    [
        ("ko", "이 실증 사업의 소식을 구독하고 있습니다.", "이 실증 사업 구독 그만두기"),
        ("en", "You follow this pilot's news.", "Stop following this pilot"),
    ],
)
def test_a_follower_reads_that_they_follow_beside_a_button_that_stops_it(
    client, bob, pilot, language, state, action
):
    PilotFollow.objects.create(pilot=pilot, user=bob)
    client.force_login(bob)
    client.cookies["django_language"] = language

    html = client.get(f"/pilots/{pilot.pk}/").content.decode().replace("&#x27;", "'")

    # The state in words, and a button whose label is only its action: no toggle to decode.
    assert f'<p class="follow-state"><span aria-hidden="true">✓</span> {state}</p>' in html
    [button] = re.findall(r'<button[^>]*value="unfollow"[^>]*>[^<]*</button>', html)
    assert button.endswith(f">{action}</button>")
    assert "aria-pressed" not in button and "✓" not in button


def test_anonymous_cannot_follow_from_the_page(client, pilot):
    page = client.get(f"/pilots/{pilot.pk}/").content.decode()
    response = client.post(f"/pilots/{pilot.pk}/follow/", {"action": "follow"})

    assert f"/accounts/login/?next=/pilots/{pilot.pk}/" in page
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not PilotFollow.objects.exists()


def test_a_pilot_in_planning_cannot_be_followed_from_the_page(client, bob, pilot):
    Pilot.objects.filter(pk=pilot.pk).update(stage=PilotStage.PLANNING, went_public_at=None)
    client.force_login(bob)

    assert client.post(f"/pilots/{pilot.pk}/follow/", {"action": "follow"}).status_code == 404
    assert not PilotFollow.objects.exists()


def test_my_page_leaves_out_a_followed_pilot_that_went_back_out_of_sight(client, bob, pilot):
    PilotFollow.objects.create(pilot=pilot, user=bob)
    Pilot.objects.filter(pk=pilot.pk).update(stage=PilotStage.PLANNING, went_public_at=None)
    client.force_login(bob)

    assert pilot.title not in client.get("/me/").content.decode()


def test_a_follower_is_told_once_that_they_follow(client, alice):
    """The page says in words that the reader follows; what following brings is said to those
    deciding whether to follow, not again beside "You follow this pilot's news"."""
    from pilots.models import PilotFollow
    from tests.pilots.factories import PilotFactory

    pilot = PilotFactory()
    PilotFollow.objects.create(pilot=pilot, user=alice)
    client.force_login(alice)
    client.cookies["django_language"] = "en"

    html = client.get(f"/pilots/{pilot.pk}/").content.decode()

    assert "You follow this pilot&#x27;s news." in html or "You follow this pilot's news." in html
    assert "Followers are told when the pilot moves" not in html
