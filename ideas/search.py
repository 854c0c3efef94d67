"""Where the idea list's search finds ideas by meaning.

The matcher knows what ideas mean, and ideas may not import it (it depends on ideas). So the
matcher registers its search here as it starts (`matching.apps`), as it registers its panels for
the idea page as template tags; without it, or when it does not answer, ideas are searched by
their words alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class MeaningSearchUnavailable(Exception):
    """Ideas could not be searched by meaning just now (no worker answered, Redis is down, or
    enough searches are already running)."""


class MeaningSearch(Protocol):
    def __call__(self, *, text: str, client: str) -> Mapping[int, float]:
        """{idea id: similarity 0..1} of the ideas close in meaning to `text`, best first; only
        public ideas. `client` names who asks (a user or an address), for a cap per client.
        Raises MeaningSearchUnavailable."""
        ...


_registered: list[MeaningSearch] = []
# From this similarity an idea found by meaning alone is called close; below, loosely related.
# Set by the registering search, whose scale it is.
_close_from: list[float] = [0.0]


def register_meaning_search(search: MeaningSearch, *, close_from: float) -> None:
    _registered[:] = [search]
    _close_from[:] = [close_from]


def meaning_search() -> MeaningSearch | None:
    return _registered[0] if _registered else None


def close_in_meaning_from() -> float:
    return _close_from[0]
