"""The moderation page keeps what staff typed when a decision is refused."""

import pytest
from django.test import Client

from ideas.models import IdeaStatus, Report
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="ko")
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize(("action", "field"), [("reject", "reason"), ("revise", "note")])
def test_a_refused_reason_is_shown_again_beside_its_field_with_what_was_typed(
    staff_client, alice, action, field
):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)
    other = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)
    typed = "개인정보가 들어 있어\x00 다시 써 주세요"

    response = staff_client.post("/staff/moderation/", {"idea": idea.pk, "action": action, field: typed})

    assert response.status_code == 400
    html = response.content.decode()
    kept = "개인정보가 들어 있어 다시 써 주세요"
    assert f'id="{field}-{idea.pk}" name="{field}" required value="{kept}"' in html
    assert f'aria-describedby="{field}-{idea.pk}-error"' in html
    assert f'id="{field}-{idea.pk}-error"' in html
    # Only the idea the decision was about carries the error and the typed text.
    assert f'id="{field}-{other.pk}-error"' not in html
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED


def test_a_blank_reason_is_refused_on_its_field_and_the_idea_waits(staff_client, alice):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)

    response = staff_client.post("/staff/moderation/", {"idea": idea.pk, "action": "reject", "reason": "   "})

    assert response.status_code == 400
    assert "작성자에게 반려 사유를 알려 주세요." in response.content.decode()
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED and idea.rejection_reason == ""


def test_a_decision_that_goes_through_still_returns_to_the_queue(staff_client, alice):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)

    response = staff_client.post(
        "/staff/moderation/", {"idea": idea.pk, "action": "reject", "reason": "중복"}
    )

    assert response.status_code == 302 and response.url == "/staff/moderation/"
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.REJECTED


def test_an_empty_queue_of_ideas_says_it_is_the_ideas_that_none_wait(staff_client, alice, idea):
    # A pending report under "nothing waits" read as a contradiction: each section says what it lacks.
    Report.objects.create(reporter=alice, idea=idea, reason="spam")
    staff_client.cookies["django_language"] = "en"

    html = staff_client.get("/staff/moderation/").content.decode()

    assert "Ideas waiting for a decision</h2>" in html
    assert "No idea waits for a decision." in html
    assert "Nothing waits for a decision." not in html
    assert "No open reports." not in html


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_author_and_reporter_lines_do_not_nest_brackets(staff_client, alice, bob, idea, language):
    alice.real_name, bob.real_name = "Emily Carter", "이순자"
    alice.save()
    bob.save()
    IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED, published_at=None)
    Report.objects.create(reporter=bob, idea=idea, reason="spam")
    staff_client.cookies["django_language"] = language

    html = staff_client.get("/staff/moderation/").content.decode()

    assert f'<span class="meta-item">{alice.display_name}</span> · <span' in html
    assert f">Emily Carter ({alice.username})</span>" in html
    assert f"{bob.display_name} · <span" in html and f">이순자 ({bob.username})</span>" in html
    assert "))" not in html
