"""Where a list's search box finds rows by meaning.

The matcher knows what ideas and company profiles mean, and the apps listing them may not import
it (it depends on them). So each list keeps a `MeaningSearchPoint` and the matcher registers its
search there as it starts (`matching.apps`); without it, or when it does not answer, the list is
searched by its words alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    Model,
    Q,
    QuerySet,
    TextChoices,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

_Row = TypeVar("_Row", bound=Model)


class MeaningSearchUnavailable(Exception):
    """Rows could not be searched by meaning just now (no worker answered, Redis is down, or
    enough searches are already running)."""


class MeaningSearch(Protocol):
    def __call__(self, *, text: str, client: str) -> Mapping[int, float]:
        """{row id: how close} of the public rows close in meaning to `text`, best first, on the
        search's own scale (higher is closer). `client` names who asks (a user or an address),
        for a cap per client. Raises MeaningSearchUnavailable."""
        ...


@dataclass(frozen=True)
class HowSearched:
    """How a list's text search ran, for the page's notice and the API's `search`
    (`core.pagination.SearchedPagination`)."""

    # False when only the words were searched for: the matcher did not answer in time.
    by_meaning: bool
    # What the reader is told then, in their language.
    words_only_notice: str

    @property
    def notice(self) -> str:
        """What the reader should know about the results; empty when nothing."""
        return "" if self.by_meaning else self.words_only_notice

    def described(self) -> dict:
        return {"by_meaning": self.by_meaning, "notice": self.notice}


class MeaningSearchPoint:
    def __init__(self) -> None:
        self._search: MeaningSearch | None = None
        # From this score a row found by meaning alone is called close; below, loosely related.
        # Set by the registering search, whose scale it is.
        self._close_from = 0.0

    def register(self, search: MeaningSearch, *, close_from: float) -> None:
        self._search = search
        self._close_from = close_from

    def close_from(self) -> float:
        return self._close_from

    def ask(self, *, text: str, client: str) -> Mapping[int, float] | None:
        """The rows close in meaning to `text`; None when no search is registered or it did not
        answer, so the list goes by words alone and says so."""
        if self._search is None or not text.split():
            return None
        try:
            return self._search(text=text, client=client)
        except MeaningSearchUnavailable:
            return None


# Words that appear in most ideas and profiles whatever they are about, so an idea containing one of
# them alone says nothing about a search. Only "some of the words" ignores them: a row containing
# every word typed is listed first whatever the words are.
_TOO_COMMON = frozenset(
    """
    the and for with from into about that this what when where which who how not but are was
    can could would should have has had our your their its they them you she him her his
    help want need please ai 인공지능 광주 도움 도와주세요
    그리고 위한 대한 있는 없는 하는 너무 정말 같은 어떻게 있어요 싶어요
    """.split()
)
# A single Korean syllable ("약", "길") and a Latin word of one or two letters are part of too many
# other words (예약, 절약; "air" in "wheelchair") for containing them to tell ideas apart.
_HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Where a word starts: after the start of the text or any character that is not a letter or a
# digit. Spelled out rather than PostgreSQL's \m, which in a database with the plain C locale
# takes no Korean syllable for a letter.
_WORD_START = r"(^|[^[:alnum:]\uac00-\ud7a3])"


class FoundBy(TextChoices):
    """Why a row is among a search's results, as the list marks it."""

    ALL_WORDS = "all_words", _("Contains every word")
    SOME_WORDS = "some_words", _("Contains some of your words")
    MEANING = "meaning", _("Close in meaning")
    LOOSELY = "loosely", _("Only loosely related")


def search_terms(text: str) -> list[str]:
    """The words of a search, each once (whatever its case)."""
    return list({term.casefold(): term for term in text.split()}.values())


def _telling(term: str) -> bool:
    """Whether a row containing `term` but not every word of the search is worth listing."""
    if term.casefold() in _TOO_COMMON:
        return False
    return len(term) >= (2 if _HANGUL.search(term) else 3)


def words_then_meaning(
    rows: QuerySet[_Row],
    *,
    text: str,
    fields: tuple[str, ...],
    similar: Mapping[int, float],
    close_from: float,
    then_by: tuple[str, ...],
) -> QuerySet[_Row]:
    """`rows` narrowed to a search, most relevant first: every word in the first of `fields`, then
    every word somewhere in `fields`, then some of the words (more of them first, then those whose
    words are all in the first field), then close in meaning only (`similar`: row id → score,
    higher closer); within each, closer in meaning first, then `then_by`. A row both containing
    some words and close in meaning counts as found by its words. `similar` may name rows outside
    `rows` (not public, or not the reader's): they stay out.

    Each row is annotated with `search_found` (a `FoundBy`; a row found by meaning alone below
    `close_from` is `LOOSELY`) and `search_words`, how many of the words it contains."""
    terms = search_terms(text)
    if not terms:
        return rows
    # Substrings rather than PostgreSQL's full text: its parsers do not segment Korean, whose
    # words carry their particles ("약을", "혈압약"), and pg_trgm is not in every PostgreSQL.
    has_words = Q()
    in_first = Q()
    for term in terms:
        anywhere = Q()
        for field in fields:
            anywhere |= Q(**{f"{field}__icontains": term})
        has_words &= anywhere
        in_first &= Q(**{f"{fields[0]}__icontains": term})
    # Some of the words count only where a word starts, so "dog" is not found in "hotdog", nor
    # "어르신" wherever it is part of a longer word that means something else.
    some_words = Q(pk__in=[])
    count_some: Any = Value(0)
    misplaced = Q(pk__in=[])
    for term in filter(_telling, terms):
        pattern = _WORD_START + re.escape(term)
        anywhere = Q()
        for field in fields:
            anywhere |= Q(**{f"{field}__iregex": pattern})
        some_words |= anywhere
        count_some = count_some + Case(When(anywhere, then=Value(1)), default=Value(0))
        # A word of the search found in the text but not in the first field (the title).
        misplaced |= anywhere & ~Q(**{f"{fields[0]}__iregex": pattern})
    # An idea containing one word of three is hardly about what was searched for: at least half of
    # the words ("치매 어르신": one of two).
    by_some = Q(search_some__gte=(len(terms) + 1) // 2)
    similarity = (
        Case(
            *[When(pk=row_id, then=Value(float(score))) for row_id, score in similar.items()],
            default=Value(0.0),
            output_field=FloatField(),
        )
        if similar
        else Value(0.0, output_field=FloatField())
    )
    found: QuerySet[_Row] = (
        rows.alias(
            search_some=Case(When(some_words, then=count_some), default=Value(0), output_field=IntegerField())
        )
        .filter(has_words | by_some | Q(pk__in=list(similar)))
        .annotate(search_similarity=similarity)
        .annotate(
            search_words=Case(
                When(has_words, then=Value(len(terms))),
                When(by_some, then=F("search_some")),
                default=Value(0),
                output_field=IntegerField(),
            ),
            # Title before body, among rows containing as many of the words.
            search_in_title=Case(
                When(in_first, then=Value(True)),
                When(has_words, then=Value(False)),
                When(by_some & ~misplaced, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            search_found=Case(
                When(has_words, then=Value(FoundBy.ALL_WORDS.value)),
                When(by_some, then=Value(FoundBy.SOME_WORDS.value)),
                When(search_similarity__gte=close_from, then=Value(FoundBy.MEANING.value)),
                default=Value(FoundBy.LOOSELY.value),
                output_field=CharField(),
            ),
        )
    )
    # A row containing every word has more of them than any containing only some.
    return found.order_by("-search_words", "-search_in_title", "-search_similarity", *then_by)


@dataclass(frozen=True)
class Outcome:
    """What a search found, as a whole, for what the list says first."""

    # The words of the search were all (ALL_WORDS), some (SOME_WORDS) or none (None) found in a row.
    words_found: str | None
    # Some row found by meaning alone is close, not only loosely related.
    close_in_meaning: bool


def search_outcome(found: QuerySet[Any]) -> Outcome:
    """`found`, rows as `words_then_meaning` gives them (and narrowed further, by other filters),
    summed up in one query."""
    counts = found.order_by().aggregate(
        all_words=Count("pk", filter=Q(search_found=FoundBy.ALL_WORDS)),
        some_words=Count("pk", filter=Q(search_found=FoundBy.SOME_WORDS)),
        close=Count("pk", filter=Q(search_found=FoundBy.MEANING)),
    )
    words_found = (
        FoundBy.ALL_WORDS.value
        if counts["all_words"]
        else FoundBy.SOME_WORDS.value
        if counts["some_words"]
        else None
    )
    return Outcome(words_found=words_found, close_in_meaning=bool(counts["close"]))
