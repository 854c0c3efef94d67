"""The idea page's support and follow buttons send the state they ask for, not a flip of what
the database holds: sent twice (a retry, the back button, a second tab, a page without script),
each does what its label said, and the page says what happened."""

import pytest
from django.test import Client

from ideas.models import Follow, Support

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _told(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _post(client, address, data, language):
    return client.post(address, data, HTTP_ACCEPT_LANGUAGE=language, follow=True)


@pytest.mark.parametrize(
    ("language", "supported", "already"),
    [
        ("ko", "이 아이디어에 공감했습니다.", "이미 공감한 아이디어입니다."),
        ("en", "You support this idea.", "You already support this idea."),
    ],
    ids=["ko", "en"],
)
def test_supporting_twice_leaves_one_support(bob, idea, language, supported, already):
    client = _signed_in(bob)
    address = f"/ideas/{idea.pk}/support/"

    first = _post(client, address, {"support": "1"}, language)
    second = _post(client, address, {"support": "1"}, language)

    assert Support.objects.filter(idea=idea, user=bob).count() == 1
    assert _told(first) == [supported]
    assert _told(second) == [already]
    assert '<input type="hidden" name="support" value="0">' in second.content.decode()


@pytest.mark.parametrize(
    ("language", "withdrawn", "already"),
    [
        ("ko", "공감을 취소했습니다.", "이미 공감을 취소한 아이디어입니다."),
        ("en", "Support withdrawn.", "Your support was already withdrawn."),
    ],
    ids=["ko", "en"],
)
def test_withdrawing_twice_leaves_none_and_says_so(bob, carol, idea, language, withdrawn, already):
    Support.objects.create(idea=idea, user=bob)
    Support.objects.create(idea=idea, user=carol)
    client = _signed_in(bob)
    address = f"/ideas/{idea.pk}/support/"

    first = _post(client, address, {"support": "0"}, language)
    second = _post(client, address, {"support": "0"}, language)

    assert not Support.objects.filter(user=bob).exists()
    assert Support.objects.filter(idea=idea, user=carol).exists()
    assert _told(first) == [withdrawn]
    assert _told(second) == [already]


def test_withdrawing_a_support_never_given_changes_nothing(bob, idea):
    response = _post(_signed_in(bob), f"/ideas/{idea.pk}/support/", {"support": "0"}, "en")

    assert not Support.objects.exists()
    assert _told(response) == ["Your support was already withdrawn."]


@pytest.mark.parametrize(
    ("language", "followed", "unfollowed"),
    [
        (
            "ko",
            "이 아이디어를 구독합니다. 새 소식은 알림과 내 페이지로 옵니다.",
            "이 아이디어 구독을 그만뒀습니다.",
        ),
        (
            "en",
            "You follow this idea: its news comes to your notifications and My page.",
            "You no longer follow this idea.",
        ),
    ],
    ids=["ko", "en"],
)
def test_following_and_stopping_twice_each_do_what_they_say(bob, idea, language, followed, unfollowed):
    client = _signed_in(bob)
    address = f"/ideas/{idea.pk}/follow/"

    told = [_told(_post(client, address, {"follow": "1"}, language)) for _ in range(2)]
    assert Follow.objects.filter(idea=idea, user=bob).count() == 1
    told += [_told(_post(client, address, {"follow": "0"}, language)) for _ in range(2)]

    assert not Follow.objects.filter(user=bob).exists()
    assert told == [[followed], [followed], [unfollowed], [unfollowed]]


@pytest.mark.parametrize("action", ["support", "follow"])
@pytest.mark.parametrize("sent", [{}, {"support": "yes", "follow": "2"}], ids=["missing", "altered"])
def test_a_button_without_the_state_it_asks_for_changes_nothing(bob, idea, action, sent):
    Support.objects.create(idea=idea, user=bob)
    Follow.objects.create(idea=idea, user=bob)

    response = _post(_signed_in(bob), f"/ideas/{idea.pk}/{action}/", sent, "en")

    assert _told(response) == ["The form was incomplete or altered. Reload the page and try again."]
    assert Support.objects.filter(user=bob).count() == Follow.objects.filter(user=bob).count() == 1


def test_the_page_buttons_ask_for_the_state_opposite_to_the_one_shown(bob, idea):
    client = _signed_in(bob)
    before = client.get(f"/ideas/{idea.pk}/").content.decode()
    Support.objects.create(idea=idea, user=bob)
    Follow.objects.create(idea=idea, user=bob)
    after = client.get(f"/ideas/{idea.pk}/").content.decode()

    assert '<input type="hidden" name="support" value="1">' in before
    assert '<input type="hidden" name="follow" value="1">' in before
    assert '<input type="hidden" name="support" value="0">' in after
    assert '<input type="hidden" name="follow" value="0">' in after
