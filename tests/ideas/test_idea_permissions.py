"""The permission matrix for idea endpoints: every persona against every operation."""

import pytest

from ideas.models import IdeaStatus
from tests.conftest import PERSONAS, client_for
from tests.ideas.factories import CommentFactory

pytestmark = pytest.mark.django_db

A = "anonymous"
AU = "author"
OC = "other_citizen"
CM = "company_member"
OCM = "other_company_member"
ST = "staff"


def expected(allowed: set[str], ok: int, anonymous: int = 403, others: int = 403) -> dict[str, int]:
    return {p: ok if p in allowed else (anonymous if p == A else others) for p in PERSONAS}


EVERYONE = set(PERSONAS)
SIGNED_IN = EVERYONE - {A}

# (description, idea status, method, path template, payload, expected status per persona)
MATRIX = [
    (
        "read a published idea",
        IdeaStatus.PUBLISHED,
        "get",
        "/api/v1/ideas/{id}/",
        None,
        expected(EVERYONE, 200),
    ),
    (
        "read a submitted idea",
        IdeaStatus.SUBMITTED,
        "get",
        "/api/v1/ideas/{id}/",
        None,
        expected({AU, ST}, 200, anonymous=404, others=404),
    ),
    (
        "edit a submitted idea",
        IdeaStatus.SUBMITTED,
        "patch",
        "/api/v1/ideas/{id}/",
        {"title": "새로운 제목입니다", "edit_reason": "오타를 고쳤습니다"},
        expected({AU, ST}, 200, anonymous=403, others=404),
    ),
    (
        "edit a published idea",
        IdeaStatus.PUBLISHED,
        "patch",
        "/api/v1/ideas/{id}/",
        {"title": "새로운 제목입니다", "edit_reason": "오타를 고쳤습니다"},
        expected({ST}, 200),
    ),
    # The author alone, and only while nobody else can see it; staff reject or hide instead.
    (
        "delete a submitted idea",
        IdeaStatus.SUBMITTED,
        "delete",
        "/api/v1/ideas/{id}/",
        None,
        expected({AU}, 204, anonymous=403, others=404) | {ST: 403},
    ),
    (
        "delete a published idea",
        IdeaStatus.PUBLISHED,
        "delete",
        "/api/v1/ideas/{id}/",
        None,
        expected(set(), 204) | {AU: 409},
    ),
    (
        "publish",
        IdeaStatus.SUBMITTED,
        "post",
        "/api/v1/ideas/{id}/publish/",
        None,
        expected({ST}, 200, anonymous=403, others=404) | {AU: 403},
    ),
    (
        "reject",
        IdeaStatus.PUBLISHED,
        "post",
        "/api/v1/ideas/{id}/reject/",
        {"reason": "중복"},
        expected({ST}, 200),
    ),
    # Not the author: a support counts another citizen.
    (
        "support",
        IdeaStatus.PUBLISHED,
        "post",
        "/api/v1/ideas/{id}/support/",
        None,
        expected(SIGNED_IN - {AU}, 200),
    ),
    ("follow", IdeaStatus.PUBLISHED, "post", "/api/v1/ideas/{id}/follow/", None, expected(SIGNED_IN, 200)),
    (
        "comment",
        IdeaStatus.PUBLISHED,
        "post",
        "/api/v1/ideas/{id}/comments/",
        {"body": "좋아요"},
        expected(SIGNED_IN, 201),
    ),
    (
        "read comments",
        IdeaStatus.PUBLISHED,
        "get",
        "/api/v1/ideas/{id}/comments/",
        None,
        expected(EVERYONE, 200),
    ),
    (
        "report",
        IdeaStatus.PUBLISHED,
        "post",
        "/api/v1/reports/",
        {"idea": "{id}", "reason": "spam"},
        # Nobody reports what they wrote: its author edits or deletes it instead.
        expected(SIGNED_IN - {"author"}, 201),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("description", "status", "method", "path", "payload", "by_persona"),
    MATRIX,
    ids=[row[0] for row in MATRIX],
)
def test_idea_permission_matrix(
    personas, idea, persona, description, status, method, path, payload, by_persona
):
    idea.status = status
    idea.save()
    if payload is not None:
        payload = {k: (idea.pk if v == "{id}" else v) for k, v in payload.items()}

    response = getattr(client_for(personas[persona]), method)(path.format(id=idea.pk), payload)

    assert response.status_code == by_persona[persona], response.content


@pytest.mark.parametrize(
    ("persona", "edit", "remove"),
    [(A, 403, 403), (AU, 200, 204), (OC, 403, 403), (CM, 403, 403), (OCM, 403, 403), (ST, 403, 204)],
)
def test_comment_permission_matrix(personas, idea, alice, persona, edit, remove):
    comment = CommentFactory(idea=idea, author=alice)
    client = client_for(personas[persona])

    assert client.patch(f"/api/v1/comments/{comment.pk}/", {"body": "수정했어요"}).status_code == edit
    assert client.delete(f"/api/v1/comments/{comment.pk}/").status_code == remove
    comment.refresh_from_db()
    assert comment.is_removed is (remove == 204)
