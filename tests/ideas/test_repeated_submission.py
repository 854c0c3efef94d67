"""Sending the same idea twice (the back button, a double click) does not make a copy: the page
asks whether it is meant, and the API answers 409 unless told it is."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from ideas.models import Idea
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

IDEA = {
    "title": "어머니가 약 드시는 걸 자꾸 잊으세요",
    "problem": "혼자 사시는 어머니가 혈압약을 드셨는지 기억을 못 하세요.",
    "proposal": "약 먹을 시간을 알려주고 안 드시면 가족에게 알려주면 좋겠어요.",
    "category": "elderly_care",
    "district": "seo_gu",
    "beneficiaries": "",
}


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_same_idea_sent_again_is_asked_about_not_copied(alice):
    client = _signed_in(alice)
    first = client.post("/ideas/new/", IDEA)
    assert first.status_code == 302

    again = client.post("/ideas/new/", IDEA)

    assert again.status_code == 200
    html = again.content.decode()
    original = Idea.objects.get()
    assert 'id="repeat-notice"' in html
    assert "이미 제출한 아이디어입니다." in html
    assert f'href="/ideas/{original.pk}/"' in html
    assert 'name="repeat" value="1"' in html
    assert IDEA["problem"] in html  # the form keeps what was typed


def test_submitting_again_anyway_makes_a_second_idea(alice):
    client = _signed_in(alice)
    client.post("/ideas/new/", IDEA)

    response = client.post("/ideas/new/", {**IDEA, "repeat": "1"})

    assert response.status_code == 302
    assert Idea.objects.filter(author=alice).count() == 2


def test_line_breaks_and_spaces_as_the_browser_sends_them_still_count_as_the_same(alice):
    client = _signed_in(alice)
    client.post("/ideas/new/", {**IDEA, "problem": "첫 줄입니다.\r\n둘째 줄입니다."})

    again = client.post("/ideas/new/", {**IDEA, "problem": "  첫 줄입니다.\r\n둘째 줄입니다.\u200b"})

    assert 'id="repeat-notice"' in again.content.decode()
    assert Idea.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"title": "어머니가 약을 자꾸 잊으세요"},
        {"proposal": "약 드실 시간에 말로 알려주는 스피커가 있으면 좋겠어요."},
    ],
)
def test_a_different_text_is_a_new_idea(alice, change):
    client = _signed_in(alice)
    client.post("/ideas/new/", IDEA)

    response = client.post("/ideas/new/", {**IDEA, **change})

    assert response.status_code == 302
    assert Idea.objects.count() == 2


def test_another_author_or_a_later_time_is_not_a_repeat(alice, settings):
    settings.IDEA_REPEAT_WINDOW_MINUTES = 10
    _signed_in(alice).post("/ideas/new/", IDEA)

    other = _signed_in(UserFactory()).post("/ideas/new/", IDEA)
    Idea.objects.filter(author=alice).update(created_at=timezone.now() - timedelta(minutes=11))
    later = _signed_in(alice).post("/ideas/new/", IDEA)

    assert (other.status_code, later.status_code) == (302, 302)
    assert Idea.objects.count() == 3


def test_the_api_answers_a_repeat_with_409_unless_told(api, alice):
    first = api(alice).post("/api/v1/ideas/", IDEA, format="json")
    again = api(alice).post("/api/v1/ideas/", IDEA, format="json")
    meant = api(alice).post("/api/v1/ideas/", {**IDEA, "repeat": True}, format="json")

    assert (first.status_code, again.status_code, meant.status_code) == (201, 409, 201)
    assert again.json()["error"]["code"] == "repeated_submission"
    assert Idea.objects.count() == 2
