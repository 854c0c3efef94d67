"""model_update(): the one way services set fields, refusing the fields a caller may not change."""

import pytest
from django.core.exceptions import ValidationError

from core.errors import ApplicationError, ErrorKind
from core.services import model_update
from ideas.models import Idea
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def test_sets_strips_saves_and_reports_what_changed():
    idea = IdeaFactory(title="버스 정류장 원래 제목")

    changed = model_update(
        instance=idea,
        fields=("title", "district"),
        data={"title": "  버스 정류장 새 제목  ", "district": idea.district},
    )

    assert changed == ["title"]
    assert Idea.objects.get(pk=idea.pk).title == "버스 정류장 새 제목"


def test_a_field_outside_the_allowed_ones_is_refused_before_anything_is_set():
    idea = IdeaFactory(title="버스 정류장 원래 제목")

    with pytest.raises(ApplicationError) as refused:
        model_update(
            instance=idea, fields=("title",), data={"title": "버스 정류장 새 제목", "status": "completed"}
        )

    assert refused.value.kind == ErrorKind.INVALID
    assert list(refused.value.fields) == ["status"]
    assert idea.title == "버스 정류장 원래 제목"
    assert Idea.objects.get(pk=idea.pk).status == idea.status


def test_the_models_own_limits_are_checked():
    idea = IdeaFactory()
    saved_title = idea.title

    with pytest.raises(ValidationError) as invalid:
        model_update(instance=idea, fields=("title",), data={"title": "가" * 1000})

    assert "title" in invalid.value.message_dict
    assert Idea.objects.get(pk=idea.pk).title == saved_title
