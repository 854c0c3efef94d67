"""An idea saved in the Django admin is matched again at once, as one saved on the site is."""

import pytest

from ideas.models import IdeaStatus
from tests.accounts.factories import UserFactory
from tests.companies.conftest import Broker
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db

EMBED = "matching.tasks.embed_idea"


@pytest.fixture
def broker(monkeypatch) -> Broker:
    from matching import dispatch

    found = Broker()
    monkeypatch.setattr(dispatch, "current_app", found)
    return found


def _as_sent(client, idea, **changes) -> dict:
    """The admin's change form as the browser would send it back, with some fields changed."""
    form = client.get(f"/admin/ideas/idea/{idea.pk}/change/").context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "관리 화면에서 고친 제목"},
        {"proposal": "관리 화면에서 고친 제안입니다."},
        {"is_hidden": "on"},
    ],
    ids=["title", "proposal", "hidden"],
)
def test_an_idea_saved_in_the_admin_is_matched_again(
    client, broker, django_capture_on_commit_callbacks, changes
):
    idea = IdeaFactory(status=IdeaStatus.PUBLISHED)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    data = _as_sent(client, idea, **changes)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/ideas/idea/{idea.pk}/change/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert broker.sent == [(EMBED, (idea.pk,))]
