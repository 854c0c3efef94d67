import pytest
from django.core.exceptions import ValidationError

from core.validators import (
    multiline_text_validators,
    no_control_characters,
    no_control_characters_but_line_breaks,
)

CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"]


@pytest.mark.parametrize("text", ["빛고을 버스 알림", "Bus stop (Gwangju) — 2026!", "emoji 🚌", ""])
def test_ordinary_text_passes_both(text):
    no_control_characters(text)
    no_control_characters_but_line_breaks(text)


@pytest.mark.parametrize("character", ["\n", "\r", "\t", "\u2028", "\u2029", *CONTROLS])
def test_one_line_refuses_line_breaks_tabs_and_controls(character):
    with pytest.raises(ValidationError) as refused:
        no_control_characters(f"버스{character}알림")

    assert refused.value.code == "control_characters"


def test_several_lines_keep_line_breaks_and_tabs():
    no_control_characters_but_line_breaks("첫째 줄\r\n둘째 줄\n\t들여 쓴 줄\u2028")


@pytest.mark.parametrize("character", CONTROLS)
def test_several_lines_refuse_other_controls(character):
    with pytest.raises(ValidationError):
        no_control_characters_but_line_breaks(f"첫째 줄\n둘째{character} 줄")


def _refusals(validators, value: str) -> list[str]:
    codes = []
    for validator in validators:
        try:
            validator(value)
        except ValidationError as refused:
            codes.append(refused.code)
    return codes


def test_a_text_of_several_lines_keeps_line_breaks_up_to_its_length():
    validators = multiline_text_validators(10)

    assert _refusals(validators, "첫째 줄\n둘째\t줄") == []
    assert _refusals(validators, "첫째 줄\n둘째 줄\x07") == ["control_characters"]
    assert _refusals(validators, "가" * 11) == ["max_length"]
