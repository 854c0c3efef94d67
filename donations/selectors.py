"""Data donation's reads."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_memberships
from companies.models import Company
from core.bilingual import ShownText, shown_label, shown_text
from core.errors import ApplicationError, ErrorKind, forbidden
from pilots.models import CONSENT_STAGES, Pilot, PilotConsent, PilotDataRequest, PilotVolunteer
from pilots.selectors import pilot_company_acted_for, stations_taking

from .fields import DataField, parse_fields
from .models import (
    STATION_KEY_PREFIX_LENGTH,
    DataReadDonor,
    Donation,
    DonationDeletion,
    DonationResult,
    Reading,
    Station,
    StationVisit,
)

# --- Companies: reading donated data ---------------------------------------------------------


def data_reader_company(*, pilot: Pilot, user: User, company_slug: str = "") -> Company:
    """The company of the pilot `user` reads and answers donations for.

    Only a pilot's own companies ever see what its volunteers donated; city staff see counts
    elsewhere, never values, so being staff grants nothing here. Someone in several of the
    pilot's companies names the one they act for, since every read is recorded against it.
    """
    refused = _("Only the pilot's companies can read its donated data.")
    if not user.is_authenticated:
        raise forbidden(refused)
    return pilot_company_acted_for(pilot=pilot, user=user, company_slug=company_slug, refused=refused)


def data_requests_readable_by(*, pilot: Pilot, company: Company) -> list[PilotDataRequest]:
    """The pilot's data requests, current or replaced, whose data `company` receives."""
    return list(PilotDataRequest.objects.filter(pilot=pilot, recipient_companies=company).order_by("id"))


def data_requests_to_read(*, pilot: Pilot, company: Company, category: str = "") -> list[PilotDataRequest]:
    """What a read by `company` covers: every request it receives, or those of one category.

    Refuses a company that receives nothing, or not this category, rather than answering an
    empty list it could mistake for "no one donated yet".
    """
    readable = data_requests_readable_by(pilot=pilot, company=company)
    if not readable:
        raise forbidden(_("Your company receives none of this pilot's donated data."))
    if not category:
        return readable
    chosen = [data_request for data_request in readable if data_request.category_code == category]
    if chosen:
        return chosen
    if PilotDataRequest.objects.filter(pilot=pilot, category_code=category).exists():
        message = _("Your company does not receive this category of the pilot's data.")
        raise ApplicationError(message, fields={"category": [message]}, kind=ErrorKind.FORBIDDEN)
    message = _("This pilot asks for no data of this category.")
    raise ApplicationError(message, fields={"category": [message]})


def donations_readable(*, data_requests: list[PilotDataRequest]) -> QuerySet[Donation]:
    """Donations a company may see now: under a consent still given, within their retention.

    The consent is the one the donation was made under. Withdrawing it hides the donor's rows
    in that category at once, even those the donor chose to keep; consenting again later
    makes a new consent and does not bring the old rows back.
    """
    return Donation.objects.filter(
        data_request__in=data_requests,
        consent__withdrawn_at__isnull=True,
        volunteer__left_at__isnull=True,
        delete_after__gt=timezone.now(),
    )


def readings_readable(
    *,
    data_requests: list[PilotDataRequest],
    since_id: int | None = None,
    donor_id: str = "",
) -> QuerySet[Reading]:
    """The readings of `data_requests` a company may read now (as `donations_readable`), oldest
    first, so a client can poll with `since_id`."""
    readings = (
        Reading.objects.filter(
            data_request__in=data_requests,
            donation__consent__withdrawn_at__isnull=True,
            volunteer__left_at__isnull=True,
            donation__delete_after__gt=timezone.now(),
        )
        .select_related("donation", "data_request", "volunteer__user")
        .order_by("id")
    )
    if since_id is not None:
        readings = readings.filter(id__gt=since_id)
    if donor_id:
        readings = readings.filter(volunteer__donor_id=donor_id)
    return readings


@dataclass
class CompanyDataAccess:
    """What one of the pilot's companies may read of its donated data now, as its members'
    guide on the pilot page says it."""

    company: Company
    # The pilot's data requests, current or replaced, whose data the company receives.
    data_requests: list[PilotDataRequest]
    # Those of `donations_readable`: under a consent still given, within retention.
    donations_count: int

    @property
    def category_labels(self) -> list[ShownText]:
        """The categories received, once each, as the latest of their requests names them."""
        latest = {data_request.category_code: data_request for data_request in self.data_requests}
        return [data_request.shown_category_label for data_request in latest.values()]


def data_access_of_members(*, pilot: Pilot, user: User | AnonymousUser) -> list[CompanyDataAccess]:
    """For each of the pilot's companies `user` is a member of, by name, what it may read of the
    pilot's donations now; empty for anyone else, asking nothing of the database then (the
    memberships are those the menu reads, the pilot's companies those its page shows)."""
    if not user.is_authenticated:
        return []
    pilot_company_ids = {company.pk for company in pilot.companies.all()}
    companies = sorted(
        (m.company for m in user_memberships(user=user) if m.company_id in pilot_company_ids),
        key=lambda company: company.name,
    )
    found = []
    for company in companies:
        data_requests = data_requests_readable_by(pilot=pilot, company=company)
        count = donations_readable(data_requests=data_requests).count() if data_requests else 0
        found.append(CompanyDataAccess(company=company, data_requests=data_requests, donations_count=count))
    return found


def donation_result_list(*, pilot: Pilot, company: Company) -> QuerySet[DonationResult]:
    """The results `company` sent the pilot's donors, newest first."""
    return (
        DonationResult.objects.filter(pilot=pilot, company=company)
        .select_related("volunteer")
        .order_by("-created_at", "-id")
    )


# --- A donor's own view: My donations -------------------------------------------------------

# The page shows the latest of each, per category (readings per donation); the personal data
# download holds them all.
DONATIONS_SHOWN = 20
READINGS_SHOWN = 50
READS_SHOWN = 50
RESULTS_SHOWN = 50


@dataclass
class DonatedReading:
    measured_at: datetime.datetime
    # In the order of the data request's fields, so the page lays them out as columns.
    values: list[tuple[DataField, float | None]]


@dataclass
class MyDonation:
    donation: Donation
    readings_count: int
    readings: list[DonatedReading] = field(default_factory=list)

    @property
    def readings_not_shown(self) -> int:
        return self.readings_count - len(self.readings)


@dataclass
class MyCategory:
    """What became of one category a donor consented to, in one pilot."""

    volunteer: PilotVolunteer
    data_request: PilotDataRequest
    fields: list[DataField]
    consents: list[PilotConsent] = field(default_factory=list)
    donations: list[MyDonation] = field(default_factory=list)
    donations_count: int = 0
    readings_count: int = 0
    # When the last of the donations still held reaches the end of its retention.
    kept_until: datetime.datetime | None = None
    reads: list[DataReadDonor] = field(default_factory=list)
    results: list[DonationResult] = field(default_factory=list)
    deletions: list[DonationDeletion] = field(default_factory=list)

    @property
    def active_consent(self) -> PilotConsent | None:
        return next((consent for consent in self.consents if consent.withdrawn_at is None), None)

    @property
    def can_upload(self) -> bool:
        return (
            self.active_consent is not None
            and self.volunteer.is_active
            and self.data_request.replaced_at is None
            and self.volunteer.pilot.stage in CONSENT_STAGES
        )

    @property
    def donations_not_shown(self) -> int:
        return self.donations_count - len(self.donations)

    @property
    def shown_texts(self) -> list[ShownText]:
        """What staff wrote that My donations shows of this category, in the reader's language."""
        data_request = self.data_request
        texts = [data_request.shown_category_label, data_request.shown_purpose, data_request.shown_recipient]
        texts += [data_field.shown_label for data_field in self.fields]
        texts += [item.donation.station.shown_name for item in self.donations if item.donation.station]
        return texts


@dataclass
class MyPilotDonations:
    volunteer: PilotVolunteer
    categories: list[MyCategory] = field(default_factory=list)
    # Results about the donor as a whole, or about a donation since deleted.
    results: list[DonationResult] = field(default_factory=list)
    # Where the donor can donate now (pilots.selectors.volunteer_stations): with none, no code is offered.
    stations: list[Station] = field(default_factory=list)

    @property
    def shown_texts(self) -> list[ShownText]:
        """What staff wrote that My donations shows of this pilot, in the reader's language."""
        texts = [self.volunteer.pilot.shown_title]
        for category in self.categories:
            texts += category.shown_texts
        return texts

    @property
    def can_donate_at_a_station(self) -> bool:
        return bool(self.stations) and any(category.can_upload for category in self.categories)

    @property
    def leaving_holds_donations(self) -> bool:
        """Whether leaving has donations to delete or keep: those under a consent still given."""
        return any(category.active_consent and category.donations_count for category in self.categories)


def _latest(queryset, *, partition: list[str], order: list[Any], limit: int):
    """The first `limit` rows of each partition, in one query."""
    return queryset.annotate(
        position=Window(RowNumber(), partition_by=[F(name) for name in partition], order_by=order)
    ).filter(position__lte=limit)


def my_donations(*, user: User) -> list[MyPilotDonations]:
    """Per pilot the user volunteers for, and per category they consented to: their consents,
    what they donated (with its values: it is their own data), who read it and when, the results
    they got back, and the deletions. A fixed number of queries however much was donated."""
    volunteers = list(
        PilotVolunteer.objects.filter(user=user).select_related("pilot").order_by("-joined_at", "-id")
    )
    if not volunteers:
        return []
    pilots = {volunteer.pk: MyPilotDonations(volunteer=volunteer) for volunteer in volunteers}
    categories: dict[tuple[int, int], MyCategory] = {}
    for consent in (
        PilotConsent.objects.filter(volunteer__user=user)
        .select_related("data_request")
        .order_by("data_request_id", "given_at", "id")
    ):
        key = (consent.volunteer_id, consent.data_request_id)
        if key not in categories:
            owner = pilots[consent.volunteer_id]
            categories[key] = MyCategory(
                volunteer=owner.volunteer,
                data_request=consent.data_request,
                fields=parse_fields(consent.data_request.fields) if consent.data_request.fields else [],
            )
            owner.categories.append(categories[key])
        consent.volunteer = pilots[consent.volunteer_id].volunteer
        categories[key].consents.append(consent)

    mine = Donation.objects.filter(volunteer__user=user)
    for total in mine.values("volunteer_id", "data_request_id").annotate(
        donations=Count("id", distinct=True), readings_total=Count("readings"), kept_until=Max("delete_after")
    ):
        category = categories.get((total["volunteer_id"], total["data_request_id"]))
        if category is not None:
            category.donations_count = total["donations"]
            category.readings_count = total["readings_total"]
            category.kept_until = total["kept_until"]

    readings_count = (
        Reading.objects.filter(donation=OuterRef("pk"))
        .values("donation")
        .annotate(count=Count("id"))
        .values("count")
    )
    shown: dict[int, MyDonation] = {}
    for donation in _latest(
        mine.select_related("station").annotate(readings_count=Coalesce(Subquery(readings_count), 0)),
        partition=["volunteer_id", "data_request_id"],
        order=[F("created_at").desc(), F("id").desc()],
        limit=DONATIONS_SHOWN,
    ).order_by("-created_at", "-id"):
        category = categories.get((donation.volunteer_id, donation.data_request_id))
        if category is not None:
            shown[donation.pk] = MyDonation(donation=donation, readings_count=donation.readings_count)
            category.donations.append(shown[donation.pk])
    if shown:
        for reading in _latest(
            Reading.objects.filter(donation_id__in=list(shown)),
            partition=["donation_id"],
            order=[F("measured_at").asc(), F("id").asc()],
            limit=READINGS_SHOWN,
        ).order_by("measured_at", "id"):
            my_donation = shown[reading.donation_id]
            fields = categories[(reading.volunteer_id, reading.data_request_id)].fields
            values = reading.values
            my_donation.readings.append(
                DonatedReading(
                    measured_at=reading.measured_at, values=[(f, values.get(f.code)) for f in fields]
                )
            )

    for read in _latest(
        DataReadDonor.objects.filter(volunteer__user=user).select_related("read__company"),
        partition=["volunteer_id", "data_request_id"],
        order=[F("read__read_at").desc(), F("id").desc()],
        limit=READS_SHOWN,
    ).order_by("-read__read_at", "-id"):
        category = categories.get((read.volunteer_id, read.data_request_id))
        if category is not None:
            category.reads.append(read)

    for result in _latest(
        DonationResult.objects.filter(volunteer__user=user).select_related("company", "donation"),
        partition=["volunteer_id"],
        order=[F("created_at").desc(), F("id").desc()],
        limit=RESULTS_SHOWN,
    ).order_by("-created_at", "-id"):
        category = (
            categories.get((result.volunteer_id, result.donation.data_request_id))
            if result.donation
            else None
        )
        if category is not None:
            category.results.append(result)
        else:
            pilots[result.volunteer_id].results.append(result)

    for deletion in DonationDeletion.objects.filter(volunteer__user=user).order_by("-deleted_at", "-id"):
        category = categories.get((deletion.volunteer_id, deletion.data_request_id))
        if category is not None:
            category.deletions.append(deletion)

    # One query for all their pilots: a user volunteers once per pilot, so a station's pilot says whose.
    by_pilot = {entry.volunteer.pilot_id: entry for entry in pilots.values() if entry.volunteer.is_active}
    for station in stations_taking(
        Station.objects.filter(pilot_id__in=list(by_pilot)),
        consents=PilotConsent.objects.filter(volunteer__user=user, volunteer__left_at__isnull=True),
    ):
        by_pilot[station.pilot_id].stations.append(station)

    return list(pilots.values())


def my_volunteering_get(*, user: User, pilot_id: int) -> PilotVolunteer:
    """The user's volunteering in the pilot, left or not; raises DoesNotExist for a pilot they
    never volunteered for."""
    return PilotVolunteer.objects.select_related("pilot", "user").get(pilot_id=pilot_id, user=user)


def my_category_get(
    *, user: User, pilot_id: int, data_request_id: int
) -> tuple[PilotVolunteer, PilotDataRequest]:
    """The user's volunteering in the pilot and one of its data requests; raises DoesNotExist for
    a pilot they never volunteered for or a request of another pilot."""
    volunteer = PilotVolunteer.objects.select_related("pilot").get(pilot_id=pilot_id, user=user)
    data_request = PilotDataRequest.objects.get(pk=data_request_id, pilot_id=pilot_id)
    return volunteer, data_request


def consent_active_exists(*, volunteer: PilotVolunteer, data_request: PilotDataRequest) -> bool:
    return volunteer.consents.filter(data_request=data_request, withdrawn_at__isnull=True).exists()


def donations_held_exist(*, volunteer: PilotVolunteer, data_request: PilotDataRequest | None) -> bool:
    """Whether withdrawing the consent to `data_request`, or leaving (None: every consent still
    given), touches donations still held, which the donor is then asked to delete or keep."""
    donations = volunteer.donations.all()
    if data_request is not None:
        return donations.filter(data_request=data_request).exists()
    given = volunteer.consents.filter(withdrawn_at__isnull=True).values("data_request_id")
    return donations.filter(data_request_id__in=given).exists()


# --- The consent receipt --------------------------------------------------------------------

CONSENT_RECEIPT_VERSION = "KI-CR-v1.1.0"


def _receipt_field(item: dict[str, Any], language: str) -> str:
    label = shown_label(item, language).text
    unit = shown_text(item.get("unit") or "", item.get("unit_en") or "", language).text
    return f"{label} ({unit})" if unit else label


def consent_receipt(*, volunteer: PilotVolunteer, language: str | None = None) -> dict[str, Any]:
    """A record of every consent one volunteer gave in one pilot, in the spirit of the Kantara
    Initiative's consent receipt (v1.1): who agreed, with whom, to which categories, for which
    purpose and recipients, for how long, the exact text agreed to, and every grant, withdrawal
    and deletion since. Issued to the volunteer themselves, so it names them; in `language`, by
    default the one they chose for the site."""
    language = language or volunteer.user.preferred_language
    pilot = volunteer.pilot
    consents = list(
        volunteer.consents.select_related("data_request")
        .prefetch_related(Prefetch("data_request__recipient_companies", to_attr="recipients"))
        .order_by("data_request_id", "given_at", "id")
    )
    deletions: dict[int, list[DonationDeletion]] = defaultdict(list)
    for deletion in volunteer.donation_deletions.order_by("deleted_at", "id"):
        deletions[deletion.data_request_id].append(deletion)
    by_request: dict[int, list[PilotConsent]] = defaultdict(list)
    for consent in consents:
        by_request[consent.data_request_id].append(consent)

    services = []
    for request_consents in by_request.values():
        data_request = request_consents[0].data_request
        # Prefetched by the query above.
        recipients = data_request.recipients  # type: ignore[attr-defined]
        events: list[dict[str, Any]] = []
        for consent in request_consents:
            events.append({"event": "granted", "at": consent.given_at, "consent_id": consent.pk})
            if consent.withdrawn_at:
                events.append(
                    {
                        "event": "withdrawn",
                        "at": consent.withdrawn_at,
                        "consent_id": consent.pk,
                        "keeps_donations": consent.keeps_donations,
                    }
                )
        for deletion in deletions.get(data_request.pk, []):
            events.append(
                {
                    "event": "deleted",
                    "at": deletion.deleted_at,
                    "reason": deletion.reason,
                    "donations": deletion.donations,
                    "readings": deletion.readings,
                }
            )
        events.sort(key=lambda event: event["at"])
        fields = data_request.fields or []
        services.append(
            {
                # In the receipt's language, as the pilot's page shows them; the consent texts
                # below are as agreed to, each in the language it was read in.
                "service": shown_text(
                    data_request.category_label, data_request.category_label_en, language
                ).text,
                "category_code": data_request.category_code,
                "data_request_id": data_request.pk,
                "replaced": data_request.replaced_at is not None,
                "consent_given": any(consent.is_active for consent in request_consents),
                "purposes": [
                    {
                        "purpose": shown_text(data_request.purpose, data_request.purpose_en, language).text,
                        "consentType": "EXPLICIT",
                        "piiCategory": [_receipt_field(item, language) for item in fields],
                        "primaryPurpose": True,
                        "termination": f"P{data_request.retention_days}D",
                        "thirdPartyDisclosure": bool(recipients),
                        "thirdPartyName": shown_text(
                            data_request.recipient, data_request.recipient_en, language
                        ).text,
                    }
                ],
                "recipients": [{"name": company.name, "slug": company.slug} for company in recipients],
                "retention_days": data_request.retention_days,
                # As stored with the latest consent: the words this donor agreed to.
                "consent_text": request_consents[-1].consent_text,
                "consents": [
                    {
                        "consent_id": consent.pk,
                        "consent_text": consent.consent_text,
                        "language": consent.language,
                        "given_at": consent.given_at,
                        "withdrawn_at": consent.withdrawn_at,
                        "keeps_donations": consent.keeps_donations,
                        "is_active": consent.is_active,
                    }
                    for consent in request_consents
                ],
                "events": events,
                "deletions": [
                    {
                        "deleted_at": deletion.deleted_at,
                        "reason": deletion.reason,
                        "donations": deletion.donations,
                        "readings": deletion.readings,
                    }
                    for deletion in deletions.get(data_request.pk, [])
                ],
            }
        )
    site = settings.SITE_URL.rstrip("/")
    return {
        "version": CONSENT_RECEIPT_VERSION,
        "jurisdiction": "KR",
        "consentTimestamp": min((consent.given_at for consent in consents), default=None),
        "collectionMethod": "web form: the pilot's page",
        "consentReceiptID": str(uuid.uuid4()),
        "timestamp": timezone.now(),
        "language": language,
        "piiPrincipalId": volunteer.donor_id,
        "principal": {
            "donor_id": volunteer.donor_id,
            "username": volunteer.user.username,
            "email": volunteer.user.email,
            "share_identity": volunteer.share_identity,
            "joined_at": volunteer.joined_at,
            "left_at": volunteer.left_at,
        },
        "piiControllers": [
            {
                "piiController": settings.DATA_CONTROLLER_NAME,
                "email": settings.DATA_CONTROLLER_EMAIL,
                "url": site,
            }
        ],
        "policyUrl": f"{site}{pilot.get_absolute_url()}",
        # Both titles as written; empty title_en where staff gave no English.
        "pilot": {
            "id": pilot.pk,
            "title": pilot.title,
            "title_en": pilot.title_en,
            "url": f"{site}{pilot.get_absolute_url()}",
        },
        "services": services,
    }


# --- Donation points ------------------------------------------------------------------------


def station_holding_key(*, key: str) -> Station | None:
    """The station, active or revoked, whose key is `key`; hashes compared in constant time."""
    station = (
        Station.objects.select_related("pilot").filter(key_prefix=key[:STATION_KEY_PREFIX_LENGTH]).first()
    )
    return station if station is not None and station.holds_key(key) else None


def station_authenticate(*, key: str) -> Station | None:
    """The active station holding `key`, or None."""
    station = station_holding_key(key=key)
    return station if station is not None and station.is_active else None


def station_data_requests(*, station: Station) -> QuerySet[PilotDataRequest]:
    """What the station's pilot asks for now: what a station may take."""
    return PilotDataRequest.objects.current().filter(pilot_id=station.pilot_id).order_by("id")


def donor_consented_requests(*, volunteer: PilotVolunteer) -> QuerySet[PilotDataRequest]:
    """The current data requests the donor has an active consent to."""
    return (
        PilotDataRequest.objects.current()
        .filter(consents__volunteer=volunteer, consents__withdrawn_at__isnull=True)
        .order_by("id")
        .distinct()
    )


def station_visits(*, station: Station, open_only: bool = False) -> QuerySet[StationVisit]:
    """The station's visits, newest first, each with how many readings it took and, as
    `volunteer.active_consents`, the donor's active consents to current data requests."""
    visits = StationVisit.objects.filter(station=station).annotate(
        readings_count=Count("donations__readings")
    )
    if open_only:
        visits = visits.filter(closes_at__gt=timezone.now())
    return (
        visits.select_related("volunteer")
        .prefetch_related(
            Prefetch(
                "volunteer__consents",
                queryset=PilotConsent.objects.filter(
                    withdrawn_at__isnull=True, data_request__replaced_at__isnull=True
                ).select_related("data_request"),
                to_attr="active_consents",
            )
        )
        .order_by("-started_at", "-id")
    )


def station_visit_get(*, station: Station, visit_id: int) -> StationVisit | None:
    """One of the station's own visits; another station's is as unknown as a missing one."""
    return StationVisit.objects.select_related("volunteer").filter(station=station, pk=visit_id).first()


def visit_readings(*, visit: StationVisit) -> QuerySet[Reading]:
    return Reading.objects.filter(donation__visit=visit).select_related("data_request").order_by("id")


def visit_results(*, visit: StationVisit) -> QuerySet[DonationResult]:
    return (
        DonationResult.objects.filter(donation__visit=visit)
        .select_related("company")
        .order_by("created_at", "id")
    )


# --- Staff: data requests and stations ------------------------------------------------------


def data_request_list(*, pilot: Pilot, user: User | AnonymousUser) -> QuerySet[PilotDataRequest]:
    """Every data request of the pilot, current and replaced, with how many consents each holds
    and was ever given; the current ones first. Its recipient companies say whether `user` may
    open their pages (`Company.objects.with_visibility`)."""
    recipients = Company.objects.with_visibility(user).order_by("name")
    return (
        PilotDataRequest.objects.filter(pilot=pilot)
        .prefetch_related(Prefetch("recipient_companies", queryset=recipients))
        .annotate(
            active_consents=Count("consents", filter=Q(consents__withdrawn_at__isnull=True)),
            # Withdrawn ones too: a request anyone ever consented to is replaced, not edited.
            consents_given=Count("consents"),
        )
        .order_by(F("replaced_at").desc(nulls_first=True), "category_code", "id")
    )


def data_request_get(*, pilot: Pilot, data_request_id: int, user: User | AnonymousUser) -> PilotDataRequest:
    """Raises PilotDataRequest.DoesNotExist for another pilot's request."""
    return data_request_list(pilot=pilot, user=user).get(pk=data_request_id)


def station_list(*, pilot: Pilot) -> QuerySet[Station]:
    """The pilot's stations, those still working first, then by name."""
    return (
        Station.objects.filter(pilot=pilot)
        .select_related("created_by")
        .order_by(F("revoked_at").desc(nulls_first=True), "name", "id")
    )


def data_request_current_version(*, data_request: PilotDataRequest) -> PilotDataRequest | None:
    """The request asked for now in place of `data_request` (itself if it is current)."""
    current: PilotDataRequest | None = data_request
    while current is not None and current.replaced_at is not None:
        current = current.replaced_by
    return current
