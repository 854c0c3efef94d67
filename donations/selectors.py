"""Data donation's reads."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from pilots.models import PilotConsent, PilotDataRequest, PilotVolunteer

from .models import DonationResult, Reading, Station, StationVisit

# --- Donation points ------------------------------------------------------------------------


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
