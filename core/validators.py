"""Validators for text people type, shared by the apps' model fields so that the API, the pages and
the admin refuse the same things.

Control characters have no place in what people read: in a title they break the line it is shown
on, and a newline in a title copied into an email's subject would start a new mail header. A
single-line field refuses them all; a text of several lines keeps its line breaks and tabs.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# C0 controls (tab and line breaks included), DEL, C1 controls (NEL included), and the Unicode
# line and paragraph separators, which some mail and terminal software also treat as a new line.
_NOT_ON_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same controls less tab, line feed and carriage return (browsers send line breaks as CRLF).
_NOT_IN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def no_control_characters(value: str) -> None:
    """For a field of one line: no line breaks, tabs or other control characters."""
    if _NOT_ON_ONE_LINE.search(value):
        raise ValidationError(
            _("Write this on one line, without line breaks, tabs or other control characters."),
            code="control_characters",
        )


def no_control_characters_but_line_breaks(value: str) -> None:
    """For a text of several lines: line breaks and tabs, but no other control characters."""
    if _NOT_IN_TEXT.search(value):
        raise ValidationError(
            _("Remove the invisible control characters from this text; line breaks and tabs are fine."),
            code="control_characters",
        )


# Characters that show nothing: the zero-width space, non-joiner and joiner, the word joiner and
# the byte order mark (Python's str.strip() keeps them all). Text made of these and whitespace
# looks empty to everyone who reads it, so it is refused as an empty field is.
INVISIBLE_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE_EDGES = re.compile(f"^[\\s{INVISIBLE_CHARACTERS}]+|[\\s{INVISIBLE_CHARACTERS}]+$")


def strip_invisible(value: str) -> str:
    """The text without whitespace or invisible characters at either end."""
    return _INVISIBLE_EDGES.sub("", value)


def visible_text_required(value: str) -> None:
    """For a required text: something a reader can see, not only spaces or zero-width characters."""
    if value and not strip_invisible(value):
        raise ValidationError(_("This field is required."), code="required")


def multiline_text_validators(max_length: int) -> list:
    """A model text field of several lines: at most `max_length` characters, line breaks and tabs
    but no other control characters."""
    return [MaxLengthValidator(max_length), no_control_characters_but_line_breaks]
