"""The home page: the most supported ideas and the newest of the rest, the visitor's language
first, and pilots citizens can follow with their stage."""

import pytest

from ideas.models import IdeaStatus
from pilots.models import PilotStage
from tests.accounts.factories import UserFactory
from tests.ideas.factories import IdeaFactory
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


def _home(client, language="ko"):
    client.cookies["django_language"] = language
    response = client.get("/")
    assert response.status_code == 200
    return response


def _titles(ideas):
    return [idea.title for idea in ideas]


def test_newest_and_most_supported_are_different_lists(client):
    supporters = UserFactory.create_batch(3)
    popular = [IdeaFactory(title=f"공감 많은 아이디어 {n}") for n in range(2)]
    for idea in popular:
        for user in supporters:
            idea.supports.create(user=user)
    quiet = [IdeaFactory(title=f"새 아이디어 {n}") for n in range(3)]

    response = _home(client)

    most_supported = _titles(response.context["most_supported"])
    newest = _titles(response.context["newest"])
    assert sorted(most_supported) == sorted(_titles(popular))
    assert newest == [idea.title for idea in reversed(quiet)]
    assert not set(most_supported) & set(newest)


def test_ideas_in_the_visitors_language_come_first(client):
    english = IdeaFactory(title="Bus arrival alerts at every stop", language="en")
    korean = IdeaFactory(title="정류장마다 버스 도착 알림", language="ko")

    assert _titles(_home(client, "en").context["newest"]) == [english.title, korean.title]
    assert _titles(_home(client, "ko").context["newest"]) == [korean.title, english.title]


def test_private_and_hidden_ideas_stay_off_the_home_page_even_for_their_author(client, alice):
    IdeaFactory(title="접수된 아이디어", status=IdeaStatus.SUBMITTED, author=alice)
    IdeaFactory(title="숨겨진 아이디어", is_hidden=True, author=alice)
    client.force_login(alice)

    html = _home(client).content.decode()

    assert "접수된 아이디어" not in html and "숨겨진 아이디어" not in html


@pytest.mark.parametrize("language", ["ko", "en"])
def test_pilots_are_featured_with_their_stage_recruiting_first(client, language):
    PilotFactory(title="진행 중인 실증", stage=PilotStage.RUNNING)
    PilotFactory(title="모집 중인 실증", stage=PilotStage.RECRUITING)
    PilotFactory(title="계획 중인 실증", stage=PilotStage.PLANNING)
    PilotFactory(title="취소된 실증", stage=PilotStage.CANCELLED, cancellation_reason="예산")

    html = _home(client, language).content.decode()

    assert html.index("모집 중인 실증") < html.index("진행 중인 실증")
    assert "계획 중인 실증" not in html and "취소된 실증" not in html
    assert ("참여자 모집" if language == "ko" else "Recruiting participants") in html
    assert 'href="/pilots/"' in html


def test_most_supported_says_the_readers_language_comes_first_and_links_the_whole_ranking(client):
    popular = IdeaFactory(title="Bus arrival alerts at every stop", language="en")
    popular.supports.create(user=UserFactory())

    html = _home(client, "en").content.decode()

    assert "Ideas written in the language you read come first." in html
    assert 'href="/ideas/?ordering=-supports"' in html
    assert client.get("/ideas/?ordering=-supports").status_code == 200
