"""Pilots' reads: interest in ideas, pilots, what companies may know of donations, my data."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from companies.models import Company
from core.errors import ApplicationError, ErrorKind, forbidden
from ideas.models import Idea
from ideas.selectors import idea_page_flag_is_off
from matching.idea_pilots import IdeaPilot

from .models import (
    Pilot,
    PilotConsent,
    PilotDataRequest,
    PilotFollow,
    PilotMilestone,
    PilotStage,
    PilotUpdate,
    PilotVolunteer,
)

ACTIVE_CONSENTS = Q(consents__withdrawn_at__isnull=True)


LIST_STAGE_ORDER = (
    PilotStage.RECRUITING,
    PilotStage.RUNNING,
    PilotStage.EVALUATING,
    PilotStage.PLANNING,
    PilotStage.COMPLETED,
    PilotStage.CANCELLED,
)


# Those a citizen can still join first, then those under way, then those over, and a cancelled
# pilot, which will not go ahead, last; the newest first within a stage.
_LIST_ORDER = (
    Case(
        *(When(stage=stage, then=Value(rank)) for rank, stage in enumerate(LIST_STAGE_ORDER)),
        default=Value(len(LIST_STAGE_ORDER)),
    ),
    "-created_at",
    "-id",
)


def pilot_list(
    *, user: User | AnonymousUser, stage: str | None = None, idea_id: int | None = None
) -> QuerySet[Pilot]:
    pilots = (
        Pilot.objects.visible_to(user)
        .select_related("idea")
        # A public pilot may come from an idea the reader may not see (hidden, say): then the
        # pilot is shown without it (Pilot.visible_idea).
        .annotate(idea_is_visible=Exists(Idea.objects.visible_to(user).filter(pk=OuterRef("idea_id"))))
        .prefetch_related(
            # A company whose verification was withdrawn since is named, without its page.
            Prefetch("companies", queryset=Company.objects.with_visibility(user).order_by("name")),
            Prefetch("milestones", queryset=PilotMilestone.objects.order_by("due_date", "id")),
        )
        .annotate(volunteers_count=Count("volunteers", filter=Q(volunteers__left_at__isnull=True)))
        .annotate(is_following=_follows(user))
        .order_by(*_LIST_ORDER)
    )
    if stage:
        pilots = pilots.filter(stage=stage)
    if idea_id:
        pilots = pilots.filter(idea_id=idea_id, idea_is_visible=True)
    return pilots


def _follows(user: User | AnonymousUser) -> Exists | Value:
    if not user.is_authenticated:
        return Value(False, output_field=BooleanField())
    return Exists(PilotFollow.objects.filter(pilot=OuterRef("pk"), user=user))


# A pilot made again within this time by the same staff member, from the same idea, with the same
# text and companies, is the create form sent twice (a double click, the back button).
PILOT_REPEAT_WINDOW = timedelta(minutes=2)


def pilot_repeat_of(
    *, by: User, idea: Idea, companies: Sequence[Company], fields: Mapping[str, str]
) -> Pilot | None:
    """The pilot `by` made from `idea` in the last PILOT_REPEAT_WINDOW with these `fields` (as
    pilot_create writes them) and companies, if any."""
    candidates = Pilot.objects.filter(
        idea=idea, created_by=by, created_at__gte=timezone.now() - PILOT_REPEAT_WINDOW, **fields
    ).order_by("-created_at", "-id")
    wanted = sorted(company.pk for company in companies)
    for pilot in candidates:
        if sorted(pilot.companies.values_list("pk", flat=True)) == wanted:
            return pilot
    return None


def pilots_followed_by(*, user: User) -> QuerySet[Pilot]:
    """The pilots the user follows and may still see, most recently followed first."""
    return (
        Pilot.objects.visible_to(user)
        .filter(follows__user=user)
        .order_by("-follows__created_at", "-id")
        .only("id", "title", "title_en", "stage")
    )


def pilot_titles_for_idea(*, idea_id: int, user: User | AnonymousUser) -> QuerySet[Pilot]:
    """An idea's pilots as its page lists them: title and stage, nothing prefetched."""
    return (
        Pilot.objects.visible_to(user)
        .filter(idea_id=idea_id)
        .only("id", "title", "title_en", "stage")
        .order_by("-created_at", "-id")
    )


def pilot_get(*, pilot_id: int, user: User | AnonymousUser) -> Pilot:
    """Raises Pilot.DoesNotExist for pilots the user may not see."""
    return (
        pilot_list(user=user)
        .prefetch_related(
            Prefetch("updates", queryset=PilotUpdate.objects.select_related("author")),
            # Only what volunteers can consent to now; a replaced request stays in the history.
            Prefetch(
                "data_requests",
                queryset=PilotDataRequest.objects.current().prefetch_related(
                    Prefetch(
                        "recipient_companies", queryset=Company.objects.with_visibility(user).order_by("name")
                    )
                ),
            ),
        )
        .get(pk=pilot_id)
    )


@dataclass
class DonationSummary:
    volunteers_count: int
    categories: QuerySet[PilotDataRequest]
    # Only the volunteers who chose to be known and still donate to the reader.
    identified_volunteers: QuerySet[PilotVolunteer]
    # The company asking, whose read of the identities is recorded; None for city staff
    # asking as staff.
    company: Company | None = None


def pilot_donation_summary(*, pilot: Pilot, user: User, company_slug: str = "") -> DonationSummary:
    """What the pilot's companies may know: counts per category, and identities only of the
    volunteers who agreed to share them "with the data I donate": those still consenting to a
    category the company asking receives, with those categories alone. City staff, asking for
    no company, see every volunteer known to some company."""
    received = PilotDataRequest.objects.filter(pilot=pilot)
    company = None
    if company_slug or not user.is_city_staff:
        company = pilot_company_acted_for(pilot=pilot, user=user, company_slug=company_slug)
        received = received.filter(recipient_companies=company)
    consents = PilotConsent.objects.filter(data_request__in=received, withdrawn_at__isnull=True)
    active = PilotVolunteer.objects.filter(pilot=pilot, left_at__isnull=True)
    return DonationSummary(
        volunteers_count=active.count(),
        # An aggregate drops the model's ordering, so the order is asked for again.
        categories=pilot.data_requests.annotate(
            consents_count=Count("consents", filter=ACTIVE_CONSENTS)
        ).order_by("id"),
        identified_volunteers=active.filter(share_identity=True)
        .filter(Exists(consents.filter(volunteer=OuterRef("pk"))))
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "consents",
                queryset=consents.select_related("data_request").order_by("data_request_id"),
                to_attr="active_consents",
            )
        ),
        company=company,
    )


def pilot_company_acted_for(
    *, pilot: Pilot, user: User, company_slug: str = "", refused: str | None = None
) -> Company:
    """The company of the pilot `user` asks for: their only one, or the one `company_slug`
    names, as donated data is read (what the company receives decides what it is shown).
    `refused` says why someone in none of the pilot's companies is turned away."""
    companies = list(Company.objects.filter(pilots=pilot, memberships__user=user).order_by("slug"))
    if company_slug:
        companies = [company for company in companies if company.slug == company_slug]
        if not companies:
            message = _("You are not a member of this company of the pilot.")
            raise ApplicationError(message, fields={"company": [message]}, kind=ErrorKind.FORBIDDEN)
    if not companies:
        raise forbidden(refused or _("Only the pilot's companies and city staff can see its data donations."))
    if len(companies) > 1:
        message = _("You are a member of several of this pilot's companies: name the one you act for.")
        raise ApplicationError(message, fields={"company": [message]})
    return companies[0]


def _with_consents(volunteers: QuerySet[PilotVolunteer]) -> QuerySet[PilotVolunteer]:
    return volunteers.select_related("user").prefetch_related(
        Prefetch("consents", queryset=PilotConsent.objects.select_related("data_request"))
    )


def pilot_volunteer_list(*, pilot: Pilot) -> QuerySet[PilotVolunteer]:
    """Everyone who ever volunteered, with every consent given and withdrawn (staff only)."""
    return _with_consents(PilotVolunteer.objects.filter(pilot=pilot)).order_by("joined_at", "id")


def pilot_volunteer_get(*, pilot: Pilot, user: User, active: bool = True) -> PilotVolunteer:
    """Raises PilotVolunteer.DoesNotExist when the user does not (or, with active, no longer)
    take part."""
    volunteers = PilotVolunteer.objects.filter(pilot=pilot, user=user)
    if active:
        volunteers = volunteers.filter(left_at__isnull=True)
    return _with_consents(volunteers).select_related("pilot").get()


def idea_page_has_pilots() -> Exists:
    """Whether the idea (OuterRef("pk")) has a pilot, seen or not: read with the idea for its page
    (`ideas.selectors.register_idea_page_flag`) as `has_pilots`."""
    return Exists(Pilot.objects.filter(idea=OuterRef("pk")))


def _all_pilots_of_idea(idea: Idea) -> list[Pilot]:
    """Every pilot of the idea, whoever may see it, with what the idea page's timeline and pilots
    panel read; read once per idea object, for both. Most ideas have none."""
    pilots = getattr(idea, "_all_pilots", None)
    if pilots is None:
        pilots = (
            []
            if idea_page_flag_is_off(idea, "has_pilots")
            else list(
                Pilot.objects.filter(idea=idea).only(
                    "title", "stage", "created_at", "went_public_at", "closed_at"
                )
            )
        )
        idea._all_pilots = pilots  # type: ignore[attr-defined]
    return pilots


def pilots_of_idea_by_age(*, idea: Idea) -> list[Pilot]:
    """The pilots that put the idea in pilot (past planning, not cancelled), the first to go
    public first, with only what the idea's timeline needs. A pilot in planning is not public yet."""
    return sorted(
        (p for p in _all_pilots_of_idea(idea) if p.stage not in (PilotStage.PLANNING, PilotStage.CANCELLED)),
        key=lambda p: (p.went_public_at or p.created_at, p.pk),
    )


def idea_has_pilots(*, idea: Idea) -> bool:
    """Whether the idea has a pilot at all, seen or not: without one, its page asks nothing more."""
    return bool(_all_pilots_of_idea(idea))


def match_idea_has_pilot() -> Exists:
    """Whether the idea of a match (OuterRef("idea_id")) has a pilot, seen or not: read with a
    company's matches (`matching.idea_pilots`), most of whose ideas have none."""
    return Exists(Pilot.objects.filter(idea=OuterRef("idea_id")))


def _pilots_naming_companies(user: User | AnonymousUser) -> QuerySet[Pilot]:
    """The pilots that name an idea's companies to `user`: those they may see, but for one
    cancelled, which will not pilot the idea."""
    return Pilot.objects.visible_to(user).exclude(stage=PilotStage.CANCELLED)


def pilots_of_company(*, company: Company, user: User | AnonymousUser) -> QuerySet[Pilot]:
    """The pilots `company` takes part in that `user` may see (cancelled ones left out, as the
    match cards leave them), title and stage only: those a citizen can still join first, then
    those under way, then those over, as the pilot list orders them."""
    return (
        _pilots_naming_companies(user)
        .filter(companies=company)
        .only("id", "title", "title_en", "stage")
        .order_by(*_LIST_ORDER)
    )


def pilots_of_companies(
    *, companies: Collection[Company], user: User | AnonymousUser
) -> dict[int, list[Pilot]]:
    """`pilots_of_company` for several companies in one query: {company id: its pilots `user` may
    see}, in the same order, for a list naming each company's pilots under it (My page)."""
    found: dict[int, list[Pilot]] = {company.pk: [] for company in companies}
    if not found:
        return found
    pilots = (
        _pilots_naming_companies(user)
        .filter(companies__in=list(found))
        .annotate(listed_company_id=F("companies"))
        .only("id", "title", "title_en", "stage")
        .order_by(*_LIST_ORDER)
    )
    for pilot in pilots:
        found[pilot.listed_company_id].append(pilot)
    return found


def pilots_of_ideas(
    *, idea_ids: Collection[int], user: User | AnonymousUser, company: Company | None = None
) -> dict[int, list[IdeaPilot]]:
    """{idea id: its pilots `user` may see, cancelled ones left out, newest first}, as a company's
    match cards name them, with the ids of their companies, in one query. With `company`, the one
    whose matches these are (read by its members or city staff), its pilots still in planning come
    too, as `is_visible` False where `user` may not open them: the city prepares them with the
    company, whose members are told so before the public is."""
    pilots = _pilots_naming_companies(user)
    if company is not None:
        prepared = Pilot.objects.filter(
            stage=PilotStage.PLANNING,
            # A subquery, not a join: a join on the companies would leave this one alone in
            # `company_ids` below.
            pk__in=Pilot.companies.through.objects.filter(company=company).values("pilot_id"),
        )
        pilots = (pilots | prepared).annotate(
            is_visible=Exists(Pilot.objects.visible_to(user).filter(pk=OuterRef("pk")))
        )
    else:
        pilots = pilots.annotate(is_visible=Value(True))
    pilots = (
        pilots.filter(idea_id__in=idea_ids)
        .annotate(company_ids=ArrayAgg("companies__id", filter=Q(companies__isnull=False), default=Value([])))
        .only("id", "idea_id", "title", "title_en", "stage", "went_public_at")
        .order_by("-created_at", "-id")
    )
    found: dict[int, list[IdeaPilot]] = {}
    for pilot in pilots:
        found.setdefault(pilot.idea_id, []).append(
            IdeaPilot(
                pk=pilot.pk,
                title=pilot.shown_title,
                stage=pilot.stage,
                stage_label=pilot.get_stage_display(),
                company_ids=frozenset(pilot.company_ids),
                is_public=pilot.is_public,
                is_visible=pilot.is_visible,
            )
        )
    return found


def companies_running_pilots_of(*, idea: Idea, user: User | AnonymousUser) -> list[Company]:
    """The companies of the idea's pilots `user` may see (cancelled ones left out), by name, each
    with whether `user` may open its page (`is_visible`): the idea page names them before its
    matches. Asks nothing for an idea without a pilot (`idea_has_pilots`)."""
    if not idea_has_pilots(idea=idea):
        return []
    pilots = _pilots_naming_companies(user).filter(idea=idea, companies=OuterRef("pk"))
    return list(
        Company.objects.with_visibility(user)
        .filter(Exists(pilots))
        .only("id", "name", "slug", "is_verified")
        .order_by("name")
    )


def pilot_participation_of(
    *, pilot: Pilot, user: User | AnonymousUser
) -> tuple[PilotVolunteer | None, set[int]]:
    """The user's active volunteering in the pilot, if any, and the data requests they consent to."""
    if not user.is_authenticated:
        return None, set()
    volunteer = pilot.volunteers.filter(user=user, left_at__isnull=True).first()
    if volunteer is None:
        return None, set()
    return volunteer, set(
        volunteer.consents.filter(withdrawn_at__isnull=True).values_list("data_request_id", flat=True)
    )


def volunteer_requests_with_donations(*, volunteer: PilotVolunteer) -> set[int]:
    """The data requests the volunteer has donations held under, in one query: withdrawing or
    leaving asks what to do with past donations only where there are some."""
    # Unordered, or the model's ordering would join the DISTINCT and repeat each request.
    return set(volunteer.donations.order_by().values_list("data_request_id", flat=True).distinct())


def stations_taking(stations: QuerySet, *, consents: QuerySet[PilotConsent]) -> QuerySet:
    """Of `stations`, those that can take a donor's data now, by place: not revoked, and taking a
    category one of `consents` (the donor's) agrees to now. A station takes what its pilot asks
    for now (its current data requests), so a consent only to a replaced request counts for none.

    Here, not in donations, so the pilot page can ask too; `consents` may be several pilots' (one
    user's), each station matched against those to its own pilot's requests."""
    taken = consents.filter(
        withdrawn_at__isnull=True,
        data_request__replaced_at__isnull=True,
        data_request__pilot=OuterRef("pilot"),
    )
    return stations.filter(revoked_at__isnull=True).filter(Exists(taken)).order_by("name", "id")


def volunteer_stations(*, volunteer: PilotVolunteer) -> QuerySet:
    """The stations where the volunteer can donate now (`stations_taking`): without one, a donor
    code has nowhere to be used, so none is offered nor issued."""
    if not volunteer.is_active:
        return volunteer.pilot.stations.none()
    return stations_taking(volunteer.pilot.stations.all(), consents=volunteer.consents.all())


@dataclass
class ConsentToRenew:
    """A consent still given to a data request that was since replaced: no new donation is taken
    under it until the volunteer consents to the request that replaced it (`current`)."""

    consent: PilotConsent
    current: PilotDataRequest | None


def pilot_consents_to_renew(*, volunteer: PilotVolunteer) -> list[ConsentToRenew]:
    """The volunteer's consents to replaced requests whose current version they have not
    consented to yet, each with that current version."""
    consents = list(
        volunteer.consents.filter(withdrawn_at__isnull=True, data_request__replaced_at__isnull=False)
        .select_related("data_request__replaced_by")
        .order_by("given_at", "id")
    )
    if not consents:
        return []
    consented_ids = set(
        volunteer.consents.filter(withdrawn_at__isnull=True).values_list("data_request_id", flat=True)
    )
    renewals = []
    for consent in consents:
        current = consent.data_request.replaced_by
        # A request changed again after it replaced this one: follow to the one asked for now.
        while current is not None and current.replaced_at is not None:
            current = current.replaced_by
        if current is None or current.pk not in consented_ids:
            renewals.append(ConsentToRenew(consent=consent, current=current))
    return renewals
