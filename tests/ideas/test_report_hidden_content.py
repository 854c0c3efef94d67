"""Only what the public sees can be reported: hidden or removed content is answered for as if it
did not exist, and no report is stored."""

import pytest

from core.errors import ApplicationError, ErrorKind
from ideas.models import Idea, IdeaStatus, Report
from ideas.services import report_create
from tests.ideas.factories import CommentFactory

pytestmark = pytest.mark.django_db


def _hidden_comment(idea):
    return {"comment": CommentFactory(idea=idea, is_hidden=True).pk}


def _removed_comment(idea):
    return {"comment": CommentFactory(idea=idea, is_removed=True).pk}


def _comment_on_a_hidden_idea(idea):
    comment = CommentFactory(idea=idea)
    Idea.objects.filter(pk=idea.pk).update(is_hidden=True)
    return {"comment": comment.pk}


def _hidden_idea(idea):
    Idea.objects.filter(pk=idea.pk).update(is_hidden=True)
    return {"idea": idea.pk}


def _draft(idea):
    Idea.objects.filter(pk=idea.pk).update(status=IdeaStatus.DRAFT)
    return {"idea": idea.pk}


TARGETS = [_hidden_comment, _removed_comment, _comment_on_a_hidden_idea, _hidden_idea, _draft]


@pytest.mark.parametrize("target", TARGETS, ids=lambda target: target.__name__.strip("_"))
@pytest.mark.parametrize("reporter", ["bob", "alice", "staff_user"])
def test_hidden_or_removed_content_cannot_be_reported(request, api, idea, target, reporter):
    client = api(request.getfixturevalue(reporter))
    payload = target(idea)
    (field,) = payload

    response = client.post("/api/v1/reports/", {**payload, "reason": "spam"})
    missing = client.post("/api/v1/reports/", {field: 999999, "reason": "spam"})

    assert response.status_code == 400
    assert response.json() == missing.json()
    assert not Report.objects.exists()


def test_the_service_refuses_a_hidden_comment_as_not_found(bob, idea):
    comment = CommentFactory(idea=idea, is_hidden=True)

    with pytest.raises(ApplicationError) as refused:
        report_create(reporter=bob, comment=comment, reason="spam")

    assert refused.value.kind == ErrorKind.NOT_FOUND
    assert not Report.objects.exists()


def test_a_visible_comment_and_idea_can_still_be_reported(api, bob, idea):
    comment = CommentFactory(idea=idea)

    on_comment = api(bob).post("/api/v1/reports/", {"comment": comment.pk, "reason": "abuse"})
    on_idea = api(bob).post("/api/v1/reports/", {"idea": idea.pk, "reason": "spam"})

    assert (on_comment.status_code, on_idea.status_code) == (201, 201)
    assert Report.objects.filter(reporter=bob).count() == 2
