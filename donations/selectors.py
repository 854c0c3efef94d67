"""Data donation's reads."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from companies.models import Company
from core.errors import ApplicationError, ErrorKind, forbidden
from pilots.models import Pilot, PilotDataRequest

from .models import Donation, DonationResult, Reading

# --- Companies: reading donated data ---------------------------------------------------------


def data_reader_company(*, pilot: Pilot, user: User, company_slug: str = "") -> Company:
    """The company of the pilot `user` reads and answers donations for.

    Only a pilot's own companies ever see what its volunteers donated; city staff see counts
    elsewhere, never values, so being staff grants nothing here. Someone in several of the
    pilot's companies names the one they act for, since every read is recorded against it.
    """
    if not user.is_authenticated:
        raise forbidden(_("Only the pilot's companies can read its donated data."))
    companies = list(Company.objects.filter(pilots=pilot, memberships__user=user).order_by("slug"))
    if company_slug:
        companies = [company for company in companies if company.slug == company_slug]
        if not companies:
            message = _("You are not a member of this company of the pilot.")
            raise ApplicationError(message, fields={"company": [message]}, kind=ErrorKind.FORBIDDEN)
    if not companies:
        raise forbidden(_("Only the pilot's companies can read its donated data."))
    if len(companies) > 1:
        message = _("You are a member of several of this pilot's companies: name the one you act for.")
        raise ApplicationError(message, fields={"company": [message]})
    return companies[0]


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
    in that category at once, even those kept for the stated purpose; consenting again later
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


def donation_result_list(*, pilot: Pilot, company: Company) -> QuerySet[DonationResult]:
    """The results `company` sent the pilot's donors, newest first."""
    return (
        DonationResult.objects.filter(pilot=pilot, company=company)
        .select_related("volunteer")
        .order_by("-created_at", "-id")
    )
