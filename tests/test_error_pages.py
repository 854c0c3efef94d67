"""The pages a person meets when something is not there, not theirs, or broken: in their
language, inside the site, saying what may have happened and where to go."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

from ideas.models import IdeaStatus
from tests.ideas.factories import IdeaFactory
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


def test_an_idea_not_open_to_the_reader_is_a_page_of_the_site_in_their_language(client):
    draft = IdeaFactory(status=IdeaStatus.DRAFT, published_at=None)

    response = client.get(f"/ideas/{draft.pk}/")

    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="ko">' in page and "페이지를 찾을 수 없습니다" in page
    assert "작성자와 시 담당자만 볼 수 있습니다" in page
    assert 'class="site-menu' in page or 'id="main"' in page
    assert f'href="/accounts/login/?next=/ideas/{draft.pk}/"' in page


def test_the_not_found_page_in_english_offers_no_log_in_to_someone_logged_in(client, alice):
    client.force_login(alice)
    client.cookies["django_language"] = "en"

    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404 and "Page not found" in page
    assert "log in</a> to see it" not in page


def test_the_api_still_answers_json_for_an_unknown_address(client):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_someone_elses_idea_edit_page_does_not_call_the_reader_staff(client, idea, bob):
    client.force_login(bob)
    client.cookies["django_language"] = "en"

    response = client.get(f"/ideas/{idea.pk}/edit/")

    page = response.content.decode()
    assert response.status_code == 403
    assert "an idea's or a comment's author, a company's members, or the city's staff" in page
    assert "This page is for city staff" not in page


def test_a_server_error_page_stands_alone_in_the_readers_language():
    request = RequestFactory().get("/")
    with translation.override("ko"):
        response = defaults.server_error(request)

    page = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="ko">' in page and "문제가 생겼습니다" in page and 'href="/"' in page


@pytest.mark.parametrize(
    ("address", "back_to"),
    [
        ("/ideas/{idea}/comment/", "/ideas/{idea}/"),
        ("/me/donations/{pilot}/withdraw/", "/me/donations/"),
    ],
)
def test_a_page_answered_to_a_form_goes_back_when_asked_for_again(client, alice, idea, address, back_to):
    # Switching the language on a page shown after a refused form asks for its address again.
    pilot = PilotFactory()
    client.force_login(alice)
    where = {"idea": idea.pk, "pilot": pilot.pk}

    response = client.get(address.format(**where))

    assert response.status_code == 302 and response["Location"] == back_to.format(**where)
    assert client.put(address.format(**where)).status_code == 405


def test_the_pilot_list_links_to_its_next_page(client):
    PilotFactory.create_batch(13)

    page = client.get("/pilots/").content.decode()

    assert 'href="?page=2"' in page
    second = client.get("/pilots/?page=2").content.decode()
    assert 'href="?page=1"' in second and "page=3" not in second


def test_a_citizen_on_a_staff_page_is_told_it_is_for_staff(client, alice):
    client.force_login(alice)

    response = client.get("/staff/moderation/")

    page = response.content.decode()
    assert response.status_code == 403
    assert "시 담당자를 위한 페이지입니다" in page and "기업의 구성원" not in page
