"""A citizen typing an idea they already support finds it among the similar ideas marked as
supported (`is_supported`), so the form does not invite them to support it again; their own idea
is marked `is_own`. The likely duplicates of an idea say the same to its author."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from ideas.models import IdeaStatus, Support
from matching import apis, lookup
from matching.selectors import DuplicateCandidate
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/ideas/similar/"
DRAFT = {"title": "어머니가 약을 자꾸 잊으세요", "problem": "혈압약을 드셨는지 기억을 못 하세요."}


@pytest.fixture
def ideas(alice, bob, carol):
    """Ideas of Alice's, Bob's and Carol's; Alice supports Bob's."""
    own = IdeaFactory(author=alice)
    supported = IdeaFactory(author=bob)
    other = IdeaFactory(author=carol)
    Support.objects.create(idea=supported, user=alice)
    return own, supported, other


@pytest.fixture
def found(monkeypatch, ideas):
    """All three, very likely the same as the draft, as a worker finds them."""
    rows = [{"idea_id": idea.pk, "similarity": 0.9} for idea in ideas]
    monkeypatch.setattr(lookup, "_ask_worker", lambda task, kwargs, *, wait: rows)
    return ideas


def _marks(response) -> list[tuple[int, bool, bool]]:
    assert response.status_code == 200, response.content
    return [(row["idea"]["id"], row["is_own"], row["is_supported"]) for row in response.json()]


def test_the_lookup_marks_the_ideas_the_reader_supports_and_their_own(api, alice, found):
    own, supported, other = found

    assert _marks(api(alice).post(URL, DRAFT)) == [
        (own.pk, True, False),
        (supported.pk, False, True),
        (other.pk, False, False),
    ]


def test_a_support_of_an_idea_merged_into_it_counts(api, alice, bob, found):
    """As on the idea's page: Alice supported an idea the moderators merged into Carol's."""
    own, supported, other = found
    merged = IdeaFactory(author=bob, status=IdeaStatus.MERGED, merged_into=other)
    Support.objects.create(idea=merged, user=alice)

    assert [row[2] for row in _marks(api(alice).post(URL, DRAFT))] == [False, True, True]


def test_nothing_is_supported_or_own_for_someone_who_does_not_support_it_or_is_signed_out(
    api, found, staff_user
):
    for client in (api(staff_user), api()):
        assert [row[1:] for row in _marks(client.post(URL, DRAFT))] == [(False, False)] * 3


def test_the_supports_of_all_the_ideas_found_are_read_at_once(
    api, alice, bob, found, monkeypatch, django_assert_max_num_queries
):
    more = [IdeaFactory(author=bob) for _ in range(6)]
    for idea in more:
        Support.objects.create(idea=idea, user=alice)
    rows = [{"idea_id": idea.pk, "similarity": 0.9} for idea in [*found, *more]]
    monkeypatch.setattr(lookup, "_ask_worker", lambda task, kwargs, *, wait: rows)
    client = api(alice)

    # The ideas found, and which of them Alice supports: not one query per idea.
    with django_assert_max_num_queries(2):
        marks = _marks(client.post(URL, DRAFT))
    assert [row[2] for row in marks] == [False, True, False, *[True] * 6]


def test_the_likely_duplicates_of_an_idea_tell_its_author_which_they_support(api, alice, ideas, monkeypatch):
    own, supported, other = ideas
    draft = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)
    monkeypatch.setattr(
        apis.selectors,
        "duplicates_for_idea",
        lambda *, idea, limit: [DuplicateCandidate(idea=i, similarity=0.9) for i in (supported, other)],
    )

    response = api(alice).get(f"/api/v1/ideas/{draft.pk}/duplicates/")

    assert _marks(response) == [(supported.pk, False, True), (other.pk, False, False)]


def test_the_schema_documents_both_marks():
    duplicate = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]["Duplicate"]

    for name in ("is_own", "is_supported"):
        assert duplicate["properties"][name]["type"] == "boolean"
        assert duplicate["properties"][name]["description"]
        assert name in duplicate["required"]
