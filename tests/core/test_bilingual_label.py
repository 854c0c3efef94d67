"""A field's name staff wrote in Korean, and in English if they chose to, read in the language
asked for, whatever the active one, as a consent receipt gives it in both."""

from django.utils import translation

from core.bilingual import ShownText, shown_label

PULSE = {"code": "pulse", "label": "맥박", "label_en": "Pulse"}


def test_a_field_name_is_read_in_the_language_asked_for():
    with translation.override("ko"):
        assert shown_label(PULSE, "en") == ShownText("Pulse", "en")
    with translation.override("en"):
        assert shown_label(PULSE, "ko") == ShownText("맥박", "ko")
        assert shown_label(PULSE) == ShownText("Pulse", "en")


def test_a_field_named_in_korean_only_is_read_in_korean_and_told_so():
    assert shown_label({"label": "맥박", "label_en": ""}, "en") == ShownText("맥박", "ko", korean_only=True)
