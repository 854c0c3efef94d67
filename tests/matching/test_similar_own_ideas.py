"""A citizen typing an idea they posted already finds it among the similar ideas marked as
theirs, with no invitation to support it instead (they cannot support their own idea)."""

import pytest

from matching import lookup
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/ideas/similar/"
DRAFT = {"title": "버스 도착 알림이 필요해요", "problem": "정류장에서 버스가 언제 올지 몰라요."}


@pytest.fixture
def found(monkeypatch, alice, bob):
    """Alice's idea and Bob's, both very likely the same as the draft, as a worker finds them."""
    own = IdeaFactory(author=alice)
    other = IdeaFactory(author=bob)
    rows = [{"idea_id": own.pk, "similarity": 0.9}, {"idea_id": other.pk, "similarity": 0.9}]
    monkeypatch.setattr(lookup, "_ask_worker", lambda task, kwargs, *, wait: rows)
    return own, other


def test_the_lookup_marks_the_readers_own_idea(api, alice, found):
    own, other = found

    response = api(alice).post(URL, DRAFT)

    assert response.status_code == 200, response.content
    assert [(row["idea"]["id"], row["is_own"]) for row in response.json()] == [
        (own.pk, True),
        (other.pk, False),
    ]


def test_no_idea_is_own_for_another_citizen_or_someone_signed_out(api, carol, found):
    for client in (api(carol), api()):
        response = client.post(URL, DRAFT)

        assert response.status_code == 200, response.content
        assert [row["is_own"] for row in response.json()] == [False, False]
