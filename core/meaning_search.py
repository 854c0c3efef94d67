"""Where a list's search box finds rows by meaning.

The matcher knows what ideas and company profiles mean, and the apps listing them may not import
it (it depends on them). So each list keeps a `MeaningSearchPoint` and the matcher registers its
search there as it starts (`matching.apps`); without it, or when it does not answer, the list is
searched by its words alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    FloatField,
    IntegerField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)

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


def words_then_meaning(
    rows: QuerySet[_Row],
    *,
    text: str,
    fields: tuple[str, ...],
    similar: Mapping[int, float],
    close_from: float,
    then_by: tuple[str, ...],
) -> QuerySet[_Row]:
    """`rows` narrowed to a search, most relevant first: every word in the first of `fields`,
    then every word somewhere in `fields`, then close in meaning only (`similar`: row id → score,
    higher closer); within each, closer in meaning first, then `then_by`. `similar` may name rows
    outside `rows` (not public, or not the reader's): they stay out. A row found by meaning below
    `close_from` is marked `search_loosely`, for the list to say so."""
    terms = text.split()
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
    # Annotating keeps the rows' model, which django-stubs cannot follow through a type variable.
    found: QuerySet[_Row] = rows.filter(has_words | Q(pk__in=list(similar))).annotate(  # type: ignore[assignment]
        search_words=Case(
            When(in_first, then=Value(2)),
            When(has_words, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )
    if not similar:
        return found.order_by("-search_words", *then_by)
    return (
        found.annotate(
            search_similarity=Case(
                *[When(pk=row_id, then=Value(float(score))) for row_id, score in similar.items()],
                default=Value(0.0),
                output_field=FloatField(),
            ),
        )
        .annotate(
            search_loosely=ExpressionWrapper(
                Q(search_similarity__gt=0, search_similarity__lt=close_from), output_field=BooleanField()
            )
        )
        .order_by("-search_words", "-search_similarity", *then_by)
    )
