"""Data donation's reads."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q, QuerySet

from companies.models import Company
from pilots.models import Pilot, PilotDataRequest

from .models import Station

# --- Staff: data requests and stations ------------------------------------------------------


def data_request_list(*, pilot: Pilot) -> QuerySet[PilotDataRequest]:
    """Every data request of the pilot, current and replaced, with how many consents each holds
    and was ever given; the current ones first."""
    return (
        PilotDataRequest.objects.filter(pilot=pilot)
        .prefetch_related(Prefetch("recipient_companies", queryset=Company.objects.order_by("name")))
        .annotate(
            active_consents=Count("consents", filter=Q(consents__withdrawn_at__isnull=True)),
            # Withdrawn ones too: a request anyone ever consented to is replaced, not edited.
            consents_given=Count("consents"),
        )
        .order_by(F("replaced_at").desc(nulls_first=True), "category_code", "id")
    )


def data_request_get(*, pilot: Pilot, data_request_id: int) -> PilotDataRequest:
    """Raises PilotDataRequest.DoesNotExist for another pilot's request."""
    return data_request_list(pilot=pilot).get(pk=data_request_id)


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
