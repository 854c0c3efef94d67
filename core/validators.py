"""Validators for text people type, shared by the apps' model fields so that the API, the pages and
the admin refuse the same things.

Control characters have no place in what people read: in a title they break the line it is shown
on, and a newline in a title copied into an email's subject would start a new mail header. A
single-line field refuses them all; a text of several lines keeps its line breaks and tabs.
"""

import re

from django.core.exceptions import ValidationError
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
