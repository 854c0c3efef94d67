"""An idea's page invites a visitor who is not signed in to log in to support or comment, and
coming back there afterwards."""

import pytest
from django.test import Client

from ideas.models import IdeaStatus
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def test_a_visitor_is_invited_to_log_in_and_come_back(client, idea):
    html = client.get(f"/ideas/{idea.pk}/").content.decode()

    back_here = f'href="/accounts/login/?next=/ideas/{idea.pk}/"'
    assert f'{back_here} id="log-in-to-support"' in html
    assert f'{back_here} id="log-in-to-comment"' in html
    assert f'<a href="/accounts/signup/?next=/ideas/{idea.pk}/">' in html


def test_the_log_in_link_leads_back_to_the_idea(client, alice, idea):
    from tests.accounts.factories import PASSWORD

    response = client.post(
        f"/accounts/login/?next=/ideas/{idea.pk}/",
        {"username": alice.username, "password": PASSWORD, "next": f"/ideas/{idea.pk}/"},
    )

    assert response.status_code == 302 and response["Location"] == f"/ideas/{idea.pk}/"


def test_signed_in_people_get_the_buttons_instead(bob, idea):
    client = Client()
    client.force_login(bob)

    html = client.get(f"/ideas/{idea.pk}/").content.decode()

    assert 'id="log-in-to-support"' not in html and 'id="log-in-to-comment"' not in html
    assert 'id="support"' in html and 'id="id_comment_body"' in html


def test_no_invitation_where_nobody_may_support(client, staff_user):
    target = IdeaFactory()
    merged = IdeaFactory(status=IdeaStatus.MERGED, merged_into=target)

    html = client.get(f"/ideas/{merged.pk}/").content.decode()

    assert 'id="log-in-to-support"' not in html and 'id="log-in-to-comment"' not in html


def test_the_support_box_comes_before_the_text_of_the_idea(client, idea):
    html = client.get(f"/ideas/{idea.pk}/").content.decode()

    assert html.index('class="idea-actions"') < html.index(idea.problem) < html.index('class="idea-panels"')
