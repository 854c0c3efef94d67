"""A public pilot shows its idea only to those who may see the idea: hidden after reports, the
idea's title must not show through its pilot."""

import pytest

from ideas.models import Idea
from pilots.models import PilotStage
from tests.conftest import PERSONAS, client_for
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

SECRET_TITLE = "숨겨진 아이디어의 제목입니다"
MAY_SEE_THE_IDEA = {"author", "staff"}


@pytest.fixture
def pilot(idea, company):
    Idea.objects.filter(pk=idea.pk).update(title=SECRET_TITLE, is_hidden=True)
    return PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING, title="북구 복약 알림 실증")


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_shows_a_hidden_idea_of_a_pilot_only_to_who_may_see_it(personas, persona, pilot, idea):
    api = client_for(personas[persona])

    detail = api.get(f"/api/v1/pilots/{pilot.pk}/").json()
    listed = api.get("/api/v1/pilots/").json()["results"]
    by_idea = api.get("/api/v1/pilots/", {"idea": idea.pk}).json()["results"]

    assert detail["title"] == "북구 복약 알림 실증"
    if persona in MAY_SEE_THE_IDEA:
        assert detail["idea"]["title"] == SECRET_TITLE
        assert [row["idea"]["id"] for row in listed] == [idea.pk]
        assert [row["id"] for row in by_idea] == [pilot.pk]
    else:
        assert detail["idea"] is None
        assert [row["idea"] for row in listed] == [None]
        assert by_idea == []
    assert Idea.objects.get(pk=idea.pk).is_hidden  # reading changed nothing


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pilot_page_links_a_hidden_idea_only_for_who_may_see_it(client, personas, persona, pilot, idea):
    if personas[persona] is not None:
        client.force_login(personas[persona])

    html = client.get(f"/pilots/{pilot.pk}/").content.decode()

    assert "북구 복약 알림 실증" in html
    shown = SECRET_TITLE in html and f'href="/ideas/{idea.pk}/"' in html
    assert shown is (persona in MAY_SEE_THE_IDEA)
    assert (SECRET_TITLE in html) is (persona in MAY_SEE_THE_IDEA)


def test_a_visible_idea_shows_on_its_pilot_for_everyone(api, pilot, idea):
    Idea.objects.filter(pk=idea.pk).update(is_hidden=False)

    assert api().get(f"/api/v1/pilots/{pilot.pk}/").json()["idea"]["title"] == SECRET_TITLE
