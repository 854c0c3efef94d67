"""The idea list's filters as a person reads them, in Korean and English, per persona."""

import re

import pytest

from ideas.models import IdeaStatus
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def _page(client, query="", language="ko"):
    client.cookies["django_language"] = language
    response = client.get(f"/ideas/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _options(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no {name} filter"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


@pytest.mark.parametrize("language", ["ko", "en"])
def test_no_filter_shows_dashes_unknown_or_descending(client, language):
    html = _page(client, language=language)

    for leftover in ("---------", "알 수 없음", "Unknown", "descending", "내림차순"):
        assert leftover not in html


def test_every_choice_filter_starts_with_all_in_the_visitors_language(client):
    korean = _page(client)
    english = _page(client, language="en")

    assert _options(korean, "category")[0] == ("", "모든 분야")
    assert _options(korean, "district")[0] == ("", "모든 자치구")
    assert _options(korean, "status")[0] == ("", "모든 상태")
    assert _options(english, "category")[0] == ("", "All categories")
    assert [label for _v, label in _options(english, "ordering")] == ["Newest", "Most supported", "Oldest"]
    assert [label for _v, label in _options(korean, "ordering")] == ["최신순", "공감 많은 순", "오래된 순"]


def test_an_anonymous_visitor_is_not_offered_only_my_ideas(client):
    html = _page(client)

    assert 'name="mine"' not in html and "내 아이디어만" not in html


def test_a_signed_in_citizen_narrows_the_list_to_their_own_ideas(client, alice, bob):
    IdeaFactory(title="앨리스의 공개 아이디어", author=alice)
    IdeaFactory(title="밥의 공개 아이디어", author=bob)
    client.force_login(alice)

    everyone = _page(client)
    mine = _page(client, "?mine=true")

    assert _options(everyone, "mine") == [("", "모든 아이디어"), ("true", "내 아이디어만")]
    assert "앨리스의 공개 아이디어" in everyone and "밥의 공개 아이디어" in everyone
    assert "앨리스의 공개 아이디어" in mine and "밥의 공개 아이디어" not in mine


@pytest.mark.parametrize("persona", ["anonymous", "author", "company_member"])
def test_the_status_filter_offers_only_public_states_to_the_public(client, personas, persona):
    if personas[persona] is not None:
        client.force_login(personas[persona])

    values = [value for value, _label in _options(_page(client), "status")]

    assert values == ["", "published", "matched", "in_pilot", "completed", "merged"]


def test_staff_filter_by_every_status(client, staff_user):
    IdeaFactory(title="검토를 기다리는 아이디어", status=IdeaStatus.SUBMITTED)
    client.force_login(staff_user)

    html = _page(client, "?status=submitted")

    assert {"draft", "submitted", "rejected"} <= {value for value, _label in _options(html, "status")}
    assert "검토를 기다리는 아이디어" in html


def test_a_citizen_asking_the_api_for_a_private_status_is_told_which_field(api, alice):
    IdeaFactory(title="앨리스의 접수된 아이디어", status=IdeaStatus.SUBMITTED, author=alice)

    response = api(alice).get("/api/v1/ideas/?status=submitted")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["status"]


def test_sorting_by_most_supported_and_oldest_on_the_page(client, bob, alice):
    old = IdeaFactory(title="오래된 아이디어")
    popular = IdeaFactory(title="인기 있는 아이디어")
    IdeaFactory(title="새 아이디어")
    popular.supports.create(user=bob)
    popular.supports.create(user=alice)
    old.supports.create(user=bob)

    def titles(query):
        return re.findall(r'<h3><a href="/ideas/\d+/"[^>]*>([^<]+)</a>', _page(client, query))

    assert titles("?ordering=-supports")[:2] == ["인기 있는 아이디어", "오래된 아이디어"]
    assert titles("?ordering=newest") == ["오래된 아이디어", "인기 있는 아이디어", "새 아이디어"]
    assert titles("") == ["새 아이디어", "인기 있는 아이디어", "오래된 아이디어"]
