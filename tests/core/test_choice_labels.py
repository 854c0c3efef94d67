"""Choice labels (`get_<field>_display()`, core.models.ChoiceLabelsModel) come from a table per
field and language, made once: the same labels as Django's own, without translating every label
of the field again for each one shown."""

import pytest
from django.db import models
from django.utils import translation

from ideas.models import Category, District, Idea, IdeaStatus
from matching.models import Match, MatchStatus, MatchStrength


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_label_is_djangos_own_in_each_language(language):
    cases = [
        *((Idea(category=value), "category") for value in Category.values),
        *((Idea(district=value), "district") for value in District.values),
        *((Idea(status=value), "status") for value in IdeaStatus),
        *((Match(strength=value), "strength") for value in MatchStrength),
        *((Match(status=value), "status") for value in MatchStatus.values),
    ]
    with translation.override(language):
        for instance, name in cases:
            field = instance._meta.get_field(name)
            shown = getattr(instance, f"get_{name}_display")()
            assert shown == models.Model._get_FIELD_display(instance, field)
            assert isinstance(shown, str)


def test_a_label_follows_the_language_of_the_request_that_shows_it():
    idea = Idea(category=Category.HEALTH)
    with translation.override("en"):
        english = idea.get_category_display()
    with translation.override("ko"):
        korean = idea.get_category_display()
    with translation.override("en"):
        again = idea.get_category_display()

    assert english == again == "Health"
    assert korean != english


def test_a_value_outside_the_choices_shows_as_stored():
    assert Idea(category="retired_category").get_category_display() == "retired_category"
    assert Idea(status_before_merge=None).get_status_before_merge_display() is None


def test_a_label_shown_again_asks_for_no_translation(monkeypatch):
    idea = Idea(category=Category.MOBILITY)
    with translation.override("en"):
        idea.get_category_display()
        asked: list[str] = []
        gettext = translation._trans.gettext
        monkeypatch.setattr(
            translation._trans, "gettext", lambda message: asked.append(message) or gettext(message)
        )

        assert idea.get_category_display() == "Mobility"

    assert asked == []
