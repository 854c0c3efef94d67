"""A support counts another citizen who lives with the problem: the author cannot support their
own idea, through the API or the page, and the idea page offers them no Support button."""

import pytest
from django.test import Client

from ideas.models import Support

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_api_refuses_the_author_supporting_their_own_idea(api, alice, idea):
    response = api(alice).post(f"/api/v1/ideas/{idea.pk}/support/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "permission_denied"
    assert error["message"] == "You cannot support your own idea."
    assert not Support.objects.exists()


def test_another_citizen_still_supports_it(api, bob, idea):
    response = api(bob).post(f"/api/v1/ideas/{idea.pk}/support/")

    assert response.status_code == 200
    assert response.json()["supports_count"] == 1
    assert Support.objects.filter(idea=idea, user=bob).exists()


def test_the_support_page_action_refuses_the_author_with_the_reason(alice, idea):
    response = _signed_in(alice).post(
        f"/ideas/{idea.pk}/support/", {"support": "1"}, HTTP_ACCEPT_LANGUAGE="en", follow=True
    )

    assert response.status_code == 200
    assert "You cannot support your own idea." in [str(m) for m in response.context["messages"]]
    assert not Support.objects.exists()


def test_the_idea_page_shows_the_support_button_to_others_but_not_to_the_author(alice, bob, idea):
    by_author = _signed_in(alice).get(f"/ideas/{idea.pk}/").content.decode()
    by_other = _signed_in(bob).get(f"/ideas/{idea.pk}/").content.decode()

    assert 'id="support"' not in by_author
    assert 'id="follow"' in by_author
    assert 'id="support"' in by_other


def test_an_author_who_supported_before_the_rule_may_withdraw_it(alice, idea):
    Support.objects.create(idea=idea, user=alice)
    client = _signed_in(alice)

    assert 'id="support"' in client.get(f"/ideas/{idea.pk}/").content.decode()
    client.post(f"/ideas/{idea.pk}/support/", {"support": "0"})

    assert not Support.objects.exists()


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("ko", "내가 제안한 아이디어입니다: 다른 시민의 공감을 기다려 보세요."),
        ("en", "You proposed this idea: others can support it."),
    ],
)
def test_the_author_is_told_why_there_is_no_support_button(alice, bob, idea, language, line):
    author = _signed_in(alice)
    author.cookies["django_language"] = language
    other = _signed_in(bob)
    other.cookies["django_language"] = language

    by_author = author.get(f"/ideas/{idea.pk}/").content.decode()
    by_other = other.get(f"/ideas/{idea.pk}/").content.decode()

    # Where the button would be: in the support box, before following.
    actions = by_author[by_author.index('class="idea-actions') : by_author.index('id="follow"')]
    assert f'<p class="meta" id="own-idea">{line}</p>' in actions
    assert 'id="own-idea"' not in by_other


def test_an_author_who_may_still_withdraw_a_support_sees_the_button_not_the_line(alice, idea):
    Support.objects.create(idea=idea, user=alice)

    html = _signed_in(alice).get(f"/ideas/{idea.pk}/").content.decode()

    assert 'id="support"' in html and 'id="own-idea"' not in html
