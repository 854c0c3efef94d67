"""The idea form's category and district start on an empty choice, so a citizen who skips them is
asked for them instead of filing the first of each list without knowing; an idea being edited
keeps its own."""

import re

import pytest
from django.test import Client

from ideas.models import Idea, IdeaStatus
from tests.ideas.factories import IDEA_FORM, IdeaFactory

pytestmark = pytest.mark.django_db

VALID = IDEA_FORM


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)


def _selected_values(select: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select)


def test_a_new_idea_starts_with_no_category_and_no_district_chosen(alice):
    html = _signed_in(alice).get("/ideas/new/").content.decode()

    for name in ("category", "district"):
        select = _select(html, name)
        options = re.findall(r'<option value="([^"]*)"', select)
        assert options[0] == ""
        assert len(options) > 2
        assert _selected_values(select) in ([], [""])


@pytest.mark.parametrize(
    ("field", "message"), [("category", "분야를 선택하세요."), ("district", "자치구를 선택하세요.")]
)
def test_an_idea_without_a_category_or_district_is_refused_with_the_field_named(alice, field, message):
    response = _signed_in(alice).post("/ideas/new/", {**VALID, field: ""})

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert [str(error) for error in form.errors[field]] == [message]
    assert message in response.content.decode()
    assert Idea.objects.count() == 0


def test_an_idea_with_both_chosen_is_submitted_with_them(alice):
    response = _signed_in(alice).post("/ideas/new/", VALID)

    assert response.status_code == 302
    idea = Idea.objects.get()
    assert (idea.category, idea.district) == ("elderly_care", "seo_gu")


def test_editing_an_idea_keeps_its_category_and_district_selected(alice):
    idea = IdeaFactory(author=alice, status=IdeaStatus.DRAFT, category="mobility", district="gwangsan_gu")

    html = _signed_in(alice).get(f"/ideas/{idea.pk}/edit/").content.decode()

    assert _selected_values(_select(html, "category")) == ["mobility"]
    assert _selected_values(_select(html, "district")) == ["gwangsan_gu"]
