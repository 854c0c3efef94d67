"""The site's colours meet WCAG 2.1 contrast: 4.5:1 for text, 3:1 for the focus ring and field
borders (non-text), measured on the stylesheet itself."""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[1] / "static" / "css" / "site.css").read_text(encoding="utf-8")
WHITE = "#ffffff"


def _variable(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS).group(1)


def _rule(selector: str, prop: str) -> str:
    block = re.search(rf"(?m)^{re.escape(selector)}\s*{{([^}}]*)}}", CSS).group(1)
    value = re.search(rf"(?<![-\w]){prop}:\s*([^;]+);", block).group(1)
    colour = re.search(r"#[0-9a-fA-F]{6}|var\(--([\w-]+)\)", value)
    return colour.group(0) if colour.group(0).startswith("#") else _variable(colour.group(1))


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", WHITE) == pytest.approx(21.0)
    assert contrast("#767676", WHITE) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(
    ("name", "foreground", "background"),
    [
        ("body text", _variable("ink"), WHITE),
        ("muted text", _variable("muted"), WHITE),
        ("links", _variable("link"), WHITE),
        ("button text", WHITE, _rule(".button, button", "background")),
        ("secondary button", _rule(".button.secondary, button.secondary", "color"), WHITE),
        ("errors", _rule(".errorlist", "color"), WHITE),
        ("status badges", _rule(".status", "color"), _rule(".status", "background")),
        ("messages", _variable("ink"), _rule(".messages li", "background")),
        ("error messages", _rule(".messages li.error", "color"), _rule(".messages li.error", "background")),
        ("links in error messages", _variable("link"), _rule(".messages li.error", "background")),
        ("notices", _variable("ink"), _rule(".notice", "background")),
        ("links in notices", _variable("link"), _rule(".notice", "background")),
        ("a counter over its limit", _rule(".char-counter.over", "color"), WHITE),
    ],
)
def test_text_contrast(name, foreground, background):
    assert contrast(foreground, background) >= 4.5, name


@pytest.mark.parametrize(
    ("name", "colour"),
    [
        ("focus ring", _variable("focus")),
        ("field borders", _rule("input, select, textarea", "border")),
    ],
)
def test_non_text_contrast_against_the_page(name, colour):
    assert contrast(colour, WHITE) >= 3.0, name
