"""compiled_annotations(): subqueries compiled once give what the annotations they came from give."""

import pytest
from django.db.models import Exists, OuterRef

from accounts.models import User
from core.sql import compiled_annotations, with_parameter
from ideas.models import Comment, Idea, Support
from tests.accounts.factories import UserFactory
from tests.ideas.factories import CommentFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def test_compiled_once_they_read_each_row_as_the_originals_do():
    commented, quiet = IdeaFactory(), IdeaFactory()
    CommentFactory(idea=commented)
    CommentFactory(idea=commented, is_removed=True)
    original = Idea.objects.with_counts().annotate(
        has_comments=Exists(Comment.objects.filter(idea=OuterRef("pk")))
    )

    compiled = Idea.objects.annotate(**compiled_annotations(original, "comments_count", "has_comments"))

    expected = {idea.pk: (idea.comments_count, idea.has_comments) for idea in original}
    found = {idea.pk: (idea.comments_count, idea.has_comments) for idea in compiled}
    assert found == expected == {commented.pk: (1, True), quiet.pk: (0, False)}
    # Filtered and narrowed like any query, the compiled SQL still reads the row it is on.
    assert compiled.filter(pk=quiet.pk).get().has_comments is False


def test_a_subquery_compiled_for_a_stand_in_reads_for_the_reader_given():
    idea = IdeaFactory()
    supporter, other = UserFactory(), UserFactory()
    Support.objects.create(idea=idea, user=supporter)
    stand_in = User(pk=-1, is_active=True)
    compiled = compiled_annotations(Idea.objects.with_reader_state(stand_in), "is_supported")["is_supported"]

    for reader, supports in ((supporter, True), (other, False)):
        found = Idea.objects.annotate(is_supported=with_parameter(compiled, -1, reader.pk)).get(pk=idea.pk)
        assert found.is_supported is supports
