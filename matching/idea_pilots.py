"""What the matcher's pages and API say of the pilots made from matched ideas.

A company's match cards say which idea is already in a pilot, and with whom, or which one the city
prepares a pilot of with the company; an idea's matches panel names the companies running its
pilot before the matches. The pilots app depends on the matcher, which may not import it: it
registers its reads here as it starts (`pilots.apps`), as the matcher registers its search with
the idea list. Without them, nothing is said of pilots.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import BooleanField, Exists, Value

from core.bilingual import ShownText

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from companies.models import Company
    from ideas.models import Idea


@dataclass(frozen=True)
class IdeaPilot:
    """A pilot made from an idea, as a match card names it."""

    pk: int
    title: ShownText
    stage: str
    stage_label: str
    # The pilot's companies.
    company_ids: frozenset[int]
    # Whether it left planning: the public may see it.
    is_public: bool
    # Whether the reader may open its page: a company's members are told of a pilot the city
    # prepares with it (`pilots_of` with the company), though they may not open it yet.
    is_visible: bool


@dataclass(frozen=True)
class PilotsOnCard:
    """An idea's pilots as the card of a company's match names them."""

    # Those the reader may open, the company's own first, each newest first.
    own: list[IdeaPilot]
    others: list[IdeaPilot]
    # The city prepares a pilot of the idea with the company that the reader may not open yet.
    in_preparation: bool

    @property
    def with_company(self) -> bool:
        """Whether the company takes part in a pilot of the idea, public or in planning: an answer
        to its match changes nothing any more (`matching.services.match_feedback` refuses one)."""
        return bool(self.own) or self.in_preparation


def pilots_on_card(pilots: list[IdeaPilot], *, company_id: int) -> PilotsOnCard:
    """An idea's `pilots` (`pilots_of`, with the company) split as the card of the company's match
    names them."""
    shown = [pilot for pilot in pilots if pilot.is_visible]
    return PilotsOnCard(
        own=[pilot for pilot in shown if company_id in pilot.company_ids],
        others=[pilot for pilot in shown if company_id not in pilot.company_ids],
        in_preparation=any(not pilot.is_visible and company_id in pilot.company_ids for pilot in pilots),
    )


# Whether the idea of a match (OuterRef("idea_id")) has a pilot at all, seen or not: read with the
# matches, so that a list whose ideas have none asks nothing more.
HasPilot = Callable[[], Exists]
# {idea id: its pilots `user` may see and that were not cancelled, newest first}, for these ideas;
# with `company`, its pilots still in planning too, whoever reads.
PilotsOf = Callable[..., dict[int, list[IdeaPilot]]]
# The companies of the idea's pilots `user` may see and that were not cancelled, by name, each
# with `is_visible` (whether `user` may open its page).
CompaniesRunning = Callable[..., list["Company"]]


class _IdeaPilotsPoint:
    def __init__(self) -> None:
        self._has_pilot: HasPilot | None = None
        self._pilots_of: PilotsOf | None = None
        self._companies_running: CompaniesRunning | None = None

    def register(
        self, *, has_pilot: HasPilot, pilots_of: PilotsOf, companies_running: CompaniesRunning
    ) -> None:
        self._has_pilot = has_pilot
        self._pilots_of = pilots_of
        self._companies_running = companies_running

    def has_pilot(self) -> Exists | Value:
        if self._has_pilot is None:
            return Value(False, output_field=BooleanField())
        return self._has_pilot()

    def pilots_of(
        self, *, idea_ids: Collection[int], user: User | AnonymousUser, company: Company | None = None
    ) -> dict[int, list[IdeaPilot]]:
        if self._pilots_of is None or not idea_ids:
            return {}
        return self._pilots_of(idea_ids=idea_ids, user=user, company=company)

    def companies_running(self, *, idea: Idea, user: User | AnonymousUser) -> list[Company]:
        if self._companies_running is None:
            return []
        return self._companies_running(idea=idea, user=user)


idea_pilots = _IdeaPilotsPoint()
