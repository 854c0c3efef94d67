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
    box = html[html.index(f'<textarea id="{field}-{idea.pk}"') :]
    box = box[: box.index("</textarea>")]
    assert box.endswith(f">{kept}")
    assert f'aria-describedby="{field}-{idea.pk}-error"' in box
    # Under the field, as on the idea form.
    assert html.index(f'id="{field}-{idea.pk}-error"') > html.index(f'<textarea id="{field}-{idea.pk}"')
    # Only the idea the decision was about carries the error and the typed text.
    assert f'id="{field}-{other.pk}-error"' not in html
    # Its fold opens by itself on what was refused; the others stay closed.
    folded = {"reason": "reject", "note": "revise"}
    assert f'<details class="fold decision" id="{folded[field]}-{idea.pk}" open>' in html
    assert f'<details class="fold decision" id="{folded[field]}-{other.pk}">' in html
    for other_field in set(folded) - {field}:
        assert f'<details class="fold decision" id="{folded[other_field]}-{idea.pk}">' in html
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.SUBMITTED


def test_a_blank_reason_is_refused_on_its_field_and_the_idea_waits(staff_client, alice):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)

    response = staff_client.post("/staff/moderation/", {"idea": idea.pk, "action": "reject", "reason": "   "})

    assert response.status_code == 400
    html = response.content.decode()
    assert "작성자에게 반려 사유를 알려 주세요." in html
    # Not a box that looks empty while its counter says 3 characters.
    assert f'<textarea id="reason-{idea.pk}"' in html and "autofocus></textarea>" in html
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


def test_who_reported_an_idea_and_why_comes_before_the_buttons_that_decide(staff_client, bob, idea):
    report = Report.objects.create(reporter=bob, idea=idea, reason="spam", details="Ads for a loan shop.")
    staff_client.cookies["django_language"] = "en"

    html = staff_client.get("/staff/moderation/").content.decode()

    card = html[html.index(f'id="report-{report.pk}"') :]
    assert card.index("Ads for a loan shop.") < card.index('value="hide"') < card.index('value="dismiss"')


def _card(html: str, idea) -> str:
    card = html[html.index(f'id="idea-{idea.pk}"') :]
    return card[: card.index('<li class="card"')] if '<li class="card"' in card else card


@pytest.mark.parametrize(
    ("language", "reject", "revise"), [("ko", "반려", "보완 요청"), ("en", "Reject", "Ask for a revision")]
)
def test_publish_stays_in_view_and_reject_and_revise_are_folded_under_their_names(
    staff_client, alice, language, reject, revise
):
    # Three full forms a card made the queue of six ideas 5,000 px tall on a phone.
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)
    staff_client.cookies["django_language"] = language

    card = _card(staff_client.get("/staff/moderation/").content.decode(), idea)

    publish = card.index('value="publish"')
    assert publish < card.index('<details class="fold decision"')
    assert f'<details class="fold decision" id="reject-{idea.pk}"><summary>{reject}</summary>' in card
    assert f'<details class="fold decision" id="revise-{idea.pk}"><summary>{revise}</summary>' in card
    reason, note = card.index(f'id="reason-{idea.pk}"'), card.index(f'id="note-{idea.pk}"')
    assert card.index(f'id="reject-{idea.pk}"') < reason < card.index("</details>", reason)
    assert card.index(f'id="revise-{idea.pk}"') < note < card.index("</details>", note)


@pytest.mark.parametrize(("language", "summary"), [("ko", "전체 글 보기"), ("en", "Show the whole text")])
def test_staff_can_read_the_whole_idea_on_its_card(staff_client, alice, language, summary):
    problem = "버스 정류장 안내가 부족합니다. " * 30 + "마지막 문장까지 읽어야 알 수 있는 내용입니다."
    idea = IdeaFactory(
        author=alice,
        status=IdeaStatus.SUBMITTED,
        problem=problem,
        proposal="도착 시각을 음성으로 알려 주세요.",
        beneficiaries="시각장애인",
    )
    staff_client.cookies["django_language"] = language

    card = _card(staff_client.get("/staff/moderation/").content.decode(), idea)

    assert problem[:120] in card and "…" in card  # the first lines, cut
    whole = card[card.index('<details class="fold whole-text">') :]
    whole = whole[: whole.index("</details>")]
    assert f"<summary>{summary}</summary>" in whole
    assert "마지막 문장까지 읽어야 알 수 있는 내용입니다." in whole
    assert "도착 시각을 음성으로 알려 주세요." in whole and "시각장애인" in whole


@pytest.mark.parametrize(
    ("language", "reason_limit", "note_limit"),
    [
        ("ko", "최대 1000자까지 쓸 수 있습니다.", "최대 2000자까지 쓸 수 있습니다."),
        ("en", "Up to 1000 ", "Up to 2000 "),
    ],
)
def test_the_reason_and_the_note_to_the_author_have_room_for_a_few_lines_within_their_limits(
    staff_client, alice, language, reason_limit, note_limit
):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)
    staff_client.cookies["django_language"] = language

    card = _card(staff_client.get("/staff/moderation/").content.decode(), idea)

    assert (
        f'<textarea id="reason-{idea.pk}" name="reason" rows="3" required data-max-chars="1000"></textarea>'
        in card
    )
    assert (
        f'<textarea id="note-{idea.pk}" name="note" rows="3" required data-max-chars="2000"></textarea>'
        in card
    )
    assert f'id="reason-{idea.pk}-counter"' in card and f'id="note-{idea.pk}-counter"' in card
    assert reason_limit in card and note_limit in card
