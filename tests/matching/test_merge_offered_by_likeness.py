"""The moderation queue offers a merge by name only for a pair very likely the same idea, and
the merge confirmation says how likely the two are the same, on the queue's scale and the real
model's: from "similar" down most pairs are different ideas near in words."""

import pytest

from ideas.models import Idea, IdeaStatus
from matching import selectors, services
from tests.accounts.factories import UserFactory
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pills_again(catalogue):
    """The "pills" idea written again by someone else, in other words."""
    idea = IdeaFactory(
        title="어머니가 약 드시는 것을 자주 잊으세요",
        problem="혼자 계신 어머니께서 혈압약을 드셨는지 자꾸 잊어버리세요.",
        proposal="약 드실 시간을 알려 드리고, 안 드시면 가족에게 알려 주면 좋겠어요.",
        category="elderly_care",
        language="ko",
        status=IdeaStatus.PUBLISHED,
        author=UserFactory(),
    )
    services.embedding_refresh_for_idea(idea_id=idea.pk)
    return idea


@pytest.fixture
def queued(catalogue, pills_again):
    pills = catalogue["ideas"]["pills"]
    Idea.objects.filter(pk=pills.pk).update(status=IdeaStatus.SUBMITTED)
    return pills


def _card(html: str, idea: Idea) -> str:
    card = html[html.index(f'id="idea-{idea.pk}"') :]
    return card[: card.index("</ul>")]


def _button(card: str, source: Idea, target: Idea) -> str:
    link = f'href="/staff/ideas/{source.pk}/merge/?into={target.pk}">'
    return card[card.index(link) + len(link) :].split("</a>", 1)[0]


def test_the_queue_names_a_merge_only_for_a_likely_duplicate(
    client, catalogue, staff_user, queued, pills_again
):
    pills_en = catalogue["ideas"]["pills_en"]
    near = {c.idea: c for c in selectors.duplicates_for_idea(idea=queued)}
    assert near[pills_again].likely_duplicate
    assert selectors.POSSIBLY_SAME <= near[pills_en].similarity < selectors.LIKELY_SAME
    client.force_login(staff_user)

    korean = _card(client.get("/staff/moderation/", HTTP_ACCEPT_LANGUAGE="ko").content.decode(), queued)
    english = _card(client.get("/staff/moderation/", HTTP_ACCEPT_LANGUAGE="en").content.decode(), queued)

    # Both lead to the comparison: a duplicate written differently may fall among the similar.
    assert _button(english, queued, pills_again) == "Compare and merge…"
    assert _button(english, queued, pills_en) == "Compare…"
    assert _button(korean, queued, pills_again) == "비교하고 병합…"
    assert _button(korean, queued, pills_en) == "비교하기…"


@pytest.mark.parametrize(
    ("other", "language", "strength", "label", "cautioned"),
    [
        ("pills_again", "en", "strong", "Very likely the same idea", False),
        ("pills_en", "en", "possible", "Similar idea", True),
        ("leaves", "en", "weak", "Not alike", True),
        ("pills_again", "ko", "strong", "같은 아이디어일 가능성이 매우 높음", False),
        ("pills_en", "ko", "possible", "비슷한 아이디어", True),
    ],
)
def test_the_merge_confirmation_says_how_likely_the_two_are_the_same(
    client, catalogue, staff_user, queued, pills_again, other, language, strength, label, cautioned
):
    target = pills_again if other == "pills_again" else catalogue["ideas"][other]
    client.force_login(staff_user)
    client.cookies["django_language"] = language

    response = client.get(f"/staff/ideas/{queued.pk}/merge/?into={target.pk}")

    html = response.content.decode()
    assert response.status_code == 200
    likeness = html[html.index('<p class="likeness">') :].split("</p>", 1)[0]
    assert f'<span class="strength strength-{strength}">{label}</span>' in likeness
    caution = {"en": "Merge only if both propose the same thing", "ko": "같은 것을 제안할 때만 병합하세요"}
    assert (caution[language] in likeness) is cautioned
    # Said beside both ideas, before what a merge does.
    said_at = html.index('<p class="likeness">')
    assert html.index(queued.problem) < said_at < html.index(f'name="into" value="{target.pk}"')
