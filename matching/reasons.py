"""A match's reason in words: the short phrase of the idea and of the profile that met."""

import re

from django.utils.translation import gettext_lazy

from .engine.passages import TAG_LIST_FIELD

FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "problem": gettext_lazy("problem"),
    "proposal": gettext_lazy("what AI could do"),
    "summary": gettext_lazy("summary"),
    "description": gettext_lazy("description"),
    "technology": gettext_lazy("technology"),
    "domain": gettext_lazy("domain"),
    TAG_LIST_FIELD: gettext_lazy("technologies and fields"),
    # As the profile editor names it ("Past projects"), so a reason points where to look.
    "reference": gettext_lazy("past project"),
}

# A reason quotes a clause, not a paragraph: about a line of text on a phone.
PHRASE_CHARACTERS = 60
MIN_CLAUSE_CHARACTERS = 10
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+[-–—]\s+")
# A reference is stored as "its title. its text": the title, or any first sentence that fits,
# says it in full where a clause cut from the middle would not.
# Not after an abbreviation such as "Dr.", "Co.", "Ltd." or "Univ." (a capital and at most three
# letters), where a sentence seldom ends.
_SENTENCE_END = re.compile(
    r"(?<![.\s][A-Z]\.)(?<![.\s][A-Z][a-z]\.)(?<![.\s][A-Z][a-z]{2}\.)(?<![.\s][A-Z][a-z]{3}\.)"
    r"(?<=[.!?。])\s+"
)


def short_phrase(text: str, limit: int = PHRASE_CHARACTERS) -> str:
    """The first sentence of a passage, its first clause, or its first words: the first of these
    that fits within `limit` characters."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    sentence = _SENTENCE_END.split(text)[0]
    if MIN_CLAUSE_CHARACTERS <= len(sentence) <= limit:
        return sentence.rstrip(".。")
    clause = _CLAUSE_BREAK.split(text)[0].rstrip(",;:")
    # A clause too short to say anything ("However,") is passed over for the first words.
    if MIN_CLAUSE_CHARACTERS <= len(clause) <= limit:
        return f"{clause}…"
    cut = text[:limit]
    # Cut at a word boundary where there is one (Korean has spaces between words too).
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return f"{cut.rstrip(',;: ')}…"


# A quote that ends a sentence of its own ("…보냅니다.", "…pests and…") ends the reason's too: its
# full stop after the closing quote would be a second one.
_STOPPED_QUOTE_THEN_STOP = re.compile(r"(?<=[.…?!。])”\.$")


def _without_double_stop(line: str) -> str:
    return _STOPPED_QUOTE_THEN_STOP.sub("”", line)


# The line for (weak, found in the idea's title, read by the company's own members). A weak match's
# nearest phrases are often not close at all: said to be "close", they read as a claim the reader
# can see is false, so its line names them as the nearest parts, nothing more. A reason found in the
# title does not quote it: the title heads the card the reason is read on.
_LINES = {
    (False, True, True): gettext_lazy(
        "The idea's title is close to your %(company_field)s “%(company_text)s”."
    ),
    (False, True, False): gettext_lazy(
        "The idea's title is close to the company's %(company_field)s “%(company_text)s”."
    ),
    (False, False, True): gettext_lazy(
        "The idea's “%(idea_text)s” is close to your %(company_field)s “%(company_text)s”."
    ),
    (False, False, False): gettext_lazy(
        "The idea's “%(idea_text)s” is close to the company's %(company_field)s “%(company_text)s”."
    ),
    (True, True, True): gettext_lazy(
        "Nearest parts: the idea's title and your %(company_field)s “%(company_text)s”."
    ),
    (True, True, False): gettext_lazy(
        "Nearest parts: the idea's title and the company's %(company_field)s “%(company_text)s”."
    ),
    (True, False, True): gettext_lazy(
        "Nearest parts: the idea's “%(idea_text)s” and your %(company_field)s “%(company_text)s”."
    ),
    (True, False, False): gettext_lazy(
        "Nearest parts: the idea's “%(idea_text)s” and the company's %(company_field)s “%(company_text)s”."
    ),
}


def reason_text(reason: dict, *, to_company: bool = False, weak: bool = False) -> str:
    """The match reason as one line in the reader's language; `to_company` when the company's
    own members read it, of their own profile; `weak` for a weak match (`Match.reason_in_words`)."""
    if not reason:
        return ""
    in_title = reason.get("idea_field") == "title"
    values = {
        "company_field": FIELD_LABELS.get(reason["company_field"], reason["company_field"]),
        "company_text": short_phrase(reason["company_text"]),
    }
    if not in_title:
        values["idea_text"] = short_phrase(reason["idea_text"])
    return _without_double_stop(str(_LINES[weak, in_title, to_company]) % values)
