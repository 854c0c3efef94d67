"""Data donation's reads."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Max, OuterRef, Prefetch, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from accounts.models import User
from pilots.models import CONSENT_STAGES, PilotConsent, PilotDataRequest, PilotVolunteer

from .fields import DataField, parse_fields
from .models import DataReadDonor, Donation, DonationDeletion, DonationResult, Reading

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


@dataclass
class MyPilotDonations:
    volunteer: PilotVolunteer
    categories: list[MyCategory] = field(default_factory=list)
    # Results about the donor as a whole, or about a donation since deleted.
    results: list[DonationResult] = field(default_factory=list)


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

    return list(pilots.values())


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


# --- The consent receipt --------------------------------------------------------------------

CONSENT_RECEIPT_VERSION = "KI-CR-v1.1.0"


def consent_receipt(*, volunteer: PilotVolunteer) -> dict[str, Any]:
    """A record of every consent one volunteer gave in one pilot, in the spirit of the Kantara
    Initiative's consent receipt (v1.1): who agreed, with whom, to which categories, for which
    purpose and recipients, for how long, the exact text agreed to, and every grant, withdrawal
    and deletion since. Issued to the volunteer themselves, so it names them."""
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
                "service": data_request.category_label,
                "category_code": data_request.category_code,
                "data_request_id": data_request.pk,
                "replaced": data_request.replaced_at is not None,
                "purposes": [
                    {
                        "purpose": data_request.purpose,
                        "consentType": "EXPLICIT",
                        "piiCategory": [
                            f"{item['label']} ({item['unit']})" if item.get("unit") else item["label"]
                            for item in fields
                        ],
                        "primaryPurpose": True,
                        "termination": f"P{data_request.retention_days}D",
                        "thirdPartyDisclosure": bool(recipients),
                        "thirdPartyName": data_request.recipient,
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
        "language": volunteer.user.preferred_language,
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
        "pilot": {"id": pilot.pk, "title": pilot.title, "url": f"{site}{pilot.get_absolute_url()}"},
        "services": services,
    }
