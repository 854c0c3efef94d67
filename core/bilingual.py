"""Texts staff write in Korean, and in English if they choose to, shown in the reader's language.

Korean is the site's default and always given; a reader of English whose text was written in
Korean only reads the Korean, told so, rather than nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

KOREAN = "ko"
ENGLISH = "en"


def reader_language(language: str | None = None) -> str:
    """The language a text is shown in for `language` (the active one by default): English or
    Korean, the only two the site has."""
    language = (language or get_language() or KOREAN).lower()
    return ENGLISH if language.split("-")[0] == ENGLISH else KOREAN


@dataclass(frozen=True)
class ShownText:
    """A text as one reader reads it, and the language it is written in."""

    text: str
    language: str
    # The reader reads English, but none was given: this is the Korean.
    korean_only: bool = False

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def shown_text(korean: str, english: str, language: str | None = None) -> ShownText:
    if reader_language(language) == ENGLISH:
        if english.strip():
            return ShownText(english, ENGLISH)
        return ShownText(korean, KOREAN, korean_only=bool(korean))
    return ShownText(korean, KOREAN)


def shown_label(field: Mapping[str, Any], language: str | None = None) -> ShownText:
    """The name of a field staff described as a mapping (`label`, and `label_en` if given), as
    stored in a data request's fields, in `language` (the active one by default)."""
    return shown_text(str(field.get("label", "")), str(field.get("label_en") or ""), language)


def any_korean_only(texts: Iterable[ShownText | str]) -> bool:
    """Whether the reader reads any of these texts in Korean for want of English. A page that
    shows several says so once, near its top (templates/_korean_only_note.html), rather than
    after each of them: up to once a line, a note read over and over says nothing."""
    return any(isinstance(text, ShownText) and text.korean_only for text in texts)
