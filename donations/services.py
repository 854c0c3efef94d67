"""Data donation's writes: staff ask for data, volunteers consent and donate, companies answer.

Consent lives here rather than in pilots because withdrawing it deletes what was donated.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.audit import audit_record, snapshot
from accounts.models import AuditAction, NotificationKind, User
from accounts.notifications import notify_in_their_language
from accounts.rules import require_city_staff
from companies.models import Company
from core.bilingual import ENGLISH, KOREAN
from core.errors import ApplicationError, ErrorKind, conflict, forbidden, not_found, unavailable
from core.services import save_validated
from pilots.models import CONSENT_STAGES, Pilot, PilotConsent, PilotDataRequest, PilotVolunteer
from pilots.selectors import volunteer_stations
from pilots.services import pilot_require_open

from . import selectors
from .crypto import encrypt_values
from .fields import check_reading, parse_fields
from .models import (
    STATION_KEY_PREFIX_LENGTH,
    DataRead,
    DataReadDonor,
    DataReadKind,
    DeletionReason,
    Donation,
    DonationDeletion,
    DonationResult,
    DonationSource,
    DonorCode,
    Reading,
    Station,
    StationVisit,
)
from .selectors import donor_consented_requests
from .validators import measured_at_error, measured_in_future

# A station posts one visit's readings at once; a file upload is reviewed row by row.
MAX_READINGS_PER_DONATION = 5000

DATA_REQUEST_AUDIT_FIELDS = [
    "id",
    "category_code",
    "category_label",
    "category_label_en",
    "fields",
    "purpose",
    "purpose_en",
    "recipient",
    "recipient_en",
    "retention_days",
    "consent_text",
    "consent_text_en",
]


# --- Staff: data requests -------------------------------------------------------------------


def consent_text_for(
    *,
    pilot: Pilot,
    category_label: str,
    purpose: str,
    recipient: str,
    retention_days: int,
    language: str = KOREAN,
) -> str:
    """The consent text written from a request's parts, in `language`: its frame in that
    language around the parts given, which are whatever staff wrote (for English, the Korean
    of any part written in Korean only)."""
    with translation.override(language):
        return _consent_sentence(
            pilot=pilot,
            category_label=category_label,
            purpose=purpose,
            recipient=recipient,
            retention_days=retention_days,
        )


def consent_texts_for(
    *,
    pilot: Pilot,
    category_label: str,
    category_label_en: str,
    purpose: str,
    purpose_en: str,
    recipient: str,
    recipient_en: str,
    retention_days: int,
) -> tuple[str, str]:
    """The Korean and the English consent text, each written from the parts in its language;
    the English one quotes the Korean of a part staff gave no English for, as it is: the text
    people agree to holds no note about it (the pages say, outside the text, what is in Korean
    only)."""
    korean = consent_text_for(
        pilot=pilot,
        category_label=category_label,
        purpose=purpose,
        recipient=recipient,
        retention_days=retention_days,
        language=KOREAN,
    )
    english = consent_text_for(
        pilot=pilot,
        category_label=category_label_en or category_label,
        purpose=purpose_en or purpose,
        # Company names read the same in either language.
        recipient=recipient_en or recipient,
        retention_days=retention_days,
        language=ENGLISH,
    )
    return korean, english


def _consent_sentence(
    *, pilot: Pilot, category_label: str, purpose: str, recipient: str, retention_days: int
) -> str:
    return ngettext(
        "I agree to donate the following data to the pilot “%(pilot)s”: %(category)s. "
        "Purpose: %(purpose)s. Recipient: %(recipient)s. It is kept for %(days)d day and then deleted. "
        "I can withdraw this consent at any time.",
        "I agree to donate the following data to the pilot “%(pilot)s”: %(category)s. "
        "Purpose: %(purpose)s. Recipient: %(recipient)s. It is kept for %(days)d days and then deleted. "
        "I can withdraw this consent at any time.",
        retention_days,
    ) % {
        "category": category_label,
        "pilot": pilot.shown_title,
        # The sentence supplies its own full stop.
        "purpose": purpose.strip().rstrip("."),
        "recipient": recipient,
        "days": retention_days,
    }


def _recipients(pilot: Pilot, companies: list[Company] | None) -> tuple[list[Company], str]:
    pilot_companies = list(pilot.companies.all())
    if companies is None:
        chosen = pilot_companies
    else:
        chosen = [company for company in pilot_companies if company in companies]
        if len(chosen) != len(set(companies)):
            message = _("Only the pilot's own companies can receive its data.")
            raise ApplicationError(message, fields={"recipient_companies": [message]})
    return chosen, ", ".join(company.name for company in chosen)


@dataclass(frozen=True)
class _CheckedRequest:
    values: dict[str, Any]
    companies: list[Company]


def _checked_request(
    *,
    pilot: Pilot,
    category_code: str,
    category_label: str,
    purpose: str,
    retention_days: int,
    fields: list[dict[str, Any]] | None,
    recipient: str,
    recipient_companies: list[Company] | None,
    consent_text: str,
    category_label_en: str = "",
    purpose_en: str = "",
    recipient_en: str = "",
    consent_text_en: str = "",
    changing: PilotDataRequest | None = None,
) -> _CheckedRequest:
    """A data request's values as they will be kept, or an error on the field at fault."""
    others = pilot.data_requests.current().filter(category_code=category_code)
    if changing is not None:
        others = others.exclude(pk=changing.pk)
    if others.exists():
        message = _("This pilot already asks for this category.")
        raise ApplicationError(message, fields={"category_code": [message]})
    try:
        checked_fields = [field.as_dict() for field in parse_fields(fields)] if fields is not None else []
    except ValueError as error:
        raise ApplicationError(str(error), fields={"fields": [str(error)]}) from None
    companies, names = _recipients(pilot, recipient_companies)
    category_label, purpose = category_label.strip(), purpose.strip()
    category_label_en, purpose_en = category_label_en.strip(), purpose_en.strip()
    if recipient.strip():
        recipient, recipient_en = recipient.strip(), recipient_en.strip()
    else:
        # Company names read the same in either language.
        recipient, recipient_en = names, names
    if not recipient:
        message = _("Name who receives the data, or make the pilot's companies its recipients.")
        raise ApplicationError(message, fields={"recipient": [message]})
    written_ko, written_en = consent_texts_for(
        pilot=pilot,
        category_label=category_label,
        category_label_en=category_label_en,
        purpose=purpose,
        purpose_en=purpose_en,
        recipient=recipient,
        recipient_en=recipient_en,
        retention_days=retention_days,
    )
    consent_text, consent_text_en = consent_text.strip(), consent_text_en.strip()
    if consent_text and not consent_text_en:
        # A text staff wrote in Korean says more, or otherwise, than the one written from the
        # parts: readers of English read that Korean, told it is Korean only, not something else.
        written_en = ""
    values = {
        "category_code": category_code,
        "category_label": category_label,
        "category_label_en": category_label_en,
        "fields": checked_fields,
        "purpose": purpose,
        "purpose_en": purpose_en,
        "recipient": recipient,
        "recipient_en": recipient_en,
        "retention_days": retention_days,
        "consent_text": consent_text or written_ko,
        "consent_text_en": consent_text_en or written_en,
    }
    return _CheckedRequest(values=values, companies=companies)


@transaction.atomic
def data_request_add(
    *,
    pilot: Pilot,
    by: User,
    category_code: str,
    category_label: str,
    purpose: str,
    retention_days: int,
    fields: list[dict[str, Any]] | None = None,
    recipient: str = "",
    recipient_companies: list[Company] | None = None,
    consent_text: str = "",
    category_label_en: str = "",
    purpose_en: str = "",
    recipient_en: str = "",
    consent_text_en: str = "",
) -> PilotDataRequest:
    """Ask volunteers for one category of data; the consent text is fixed here, once, in
    Korean and in English.

    The texts are Korean; each `_en` one, and each field's `label_en` and `unit_en`, is its English, which
    readers of English are shown instead (the Korean, said to be so, where it is left empty).
    Without `recipient_companies` every company of the pilot receives the data; `recipient`
    names them for the consent text unless staff write it themselves.
    """
    require_city_staff(by, message=_("Only city staff can run pilots."))
    pilot_require_open(pilot)
    checked = _checked_request(
        pilot=pilot,
        category_code=category_code,
        category_label=category_label,
        purpose=purpose,
        retention_days=retention_days,
        fields=fields,
        recipient=recipient,
        recipient_companies=recipient_companies,
        consent_text=consent_text,
        category_label_en=category_label_en,
        purpose_en=purpose_en,
        recipient_en=recipient_en,
        consent_text_en=consent_text_en,
    )
    data_request = PilotDataRequest(pilot=pilot, **checked.values)
    save_validated(data_request)
    data_request.recipient_companies.set(checked.companies)
    audit_record(
        actor=by,
        action=AuditAction.PILOT_DATA_REQUEST_ADD,
        target=pilot,
        after=snapshot(data_request, DATA_REQUEST_AUDIT_FIELDS),
    )
    return data_request


DATA_REQUEST_CHANGEABLE = {
    "category_code",
    "category_label",
    "category_label_en",
    "purpose",
    "purpose_en",
    "retention_days",
    "fields",
    "recipient",
    "recipient_en",
    "recipient_companies",
    "consent_text",
    "consent_text_en",
}


@transaction.atomic
def data_request_change(*, data_request: PilotDataRequest, by: User, **changes: Any) -> PilotDataRequest:
    """Changes a data request no one has consented to yet in place, under its own id; once
    anyone has, the change is a new request that replaces it: the old one keeps its consents and
    the text they agreed to, takes no new consent nor donation, and its volunteers are asked to
    consent again.

    A consent text or recipient left out is written again from the changed request (a recipient
    staff wrote themselves stays while the companies stay), so the text agreed to never names an
    old purpose or retention.
    """
    require_city_staff(by, message=_("Only city staff can run pilots."))
    unknown = set(changes) - DATA_REQUEST_CHANGEABLE
    if unknown:
        raise TypeError(f"data_request_change() cannot change {', '.join(sorted(unknown))}")
    # Locked, so a consent given meanwhile waits and then finds the request as it ends up.
    data_request = (
        PilotDataRequest.objects.select_for_update().select_related("pilot").get(pk=data_request.pk)
    )
    pilot = data_request.pilot
    pilot_require_open(pilot)
    if data_request.replaced_at is not None:
        raise conflict(_("This data request was replaced; change the one that replaced it."))
    old_companies = list(data_request.recipient_companies.all())
    new_companies = changes.get("recipient_companies", old_companies)
    if new_companies is None:
        new_companies = list(pilot.companies.all())
    written_by_staff = data_request.recipient != ", ".join(company.name for company in old_companies)
    keeps_recipient = written_by_staff and set(new_companies) == set(old_companies)
    values = {
        "category_code": data_request.category_code,
        "category_label": data_request.category_label,
        "category_label_en": data_request.category_label_en,
        "purpose": data_request.purpose,
        "purpose_en": data_request.purpose_en,
        "retention_days": data_request.retention_days,
        "fields": data_request.fields,
        "recipient": data_request.recipient if keeps_recipient else "",
        "recipient_en": data_request.recipient_en if keeps_recipient else "",
        "recipient_companies": old_companies,
        "consent_text": "",
        "consent_text_en": "",
        **changes,
    }
    for korean, english in (
        ("category_label", "category_label_en"),
        ("purpose", "purpose_en"),
        ("recipient", "recipient_en"),
    ):
        if english not in changes and values[korean] != getattr(data_request, korean):
            # The English of the Korean as it was would say something else than the new Korean.
            values[english] = ""
    checked = _checked_request(pilot=pilot, changing=data_request, **values)
    kept = {name: getattr(data_request, name) for name in checked.values}
    # Fields stored before they had English names or units lack the keys the checked ones carry empty.
    kept["fields"] = _as_checked_fields(data_request.fields)
    unchanged = all(kept[name] == value for name, value in checked.values.items())
    if unchanged and set(checked.companies) == set(old_companies):
        # A "change" to the same request would only make its volunteers consent again.
        raise ApplicationError(_("Nothing was changed."), code="unchanged")
    before = snapshot(data_request, DATA_REQUEST_AUDIT_FIELDS)
    if not data_request.consents.exists():
        for name, value in checked.values.items():
            setattr(data_request, name, value)
        save_validated(data_request)
        changed = data_request
    else:
        # Out of the way first: only one current request per category.
        data_request.replaced_at = timezone.now()
        data_request.save(update_fields=["replaced_at"])
        changed = PilotDataRequest(pilot=pilot, **checked.values)
        save_validated(changed)
        data_request.replaced_by = changed
        data_request.save(update_fields=["replaced_by"])
        _notify_consent_needed_again(replaced=data_request)
    changed.recipient_companies.set(checked.companies)
    audit_record(
        actor=by,
        action=AuditAction.PILOT_DATA_REQUEST_CHANGE,
        target=pilot,
        before=before,
        after=snapshot(changed, DATA_REQUEST_AUDIT_FIELDS),
    )
    return changed


def _as_checked_fields(raw: Any) -> Any:
    try:
        return [field.as_dict() for field in parse_fields(raw)]
    except ValueError:
        return raw


def _notify_consent_needed_again(*, replaced: PilotDataRequest) -> None:
    """Nothing new is collected from a volunteer until they consent to the request that replaced
    the one they agreed to, so each is told rather than left to find out at the next station."""
    pilot = replaced.pilot
    donors = [
        consent.volunteer.user
        # Leaving withdraws every consent, so an active consent is a volunteer still in the pilot.
        for consent in replaced.consents.filter(withdrawn_at__isnull=True)
        .select_related("volunteer__user")
        .order_by("pk")
    ]
    notify_in_their_language(
        users=donors,
        kind=NotificationKind.PILOT_UPDATE,
        title=lambda: (
            _("“%(pilot)s” changed what it asks for in “%(category)s”: consent again to go on donating.")
            % {"pilot": pilot.shown_title, "category": replaced.shown_category_label}
        ),
        link=reverse("pilot-detail", args=[pilot.pk]) + "#take-part",
    )


# --- Citizens: consent and leaving ----------------------------------------------------------


@transaction.atomic
def consent_give(
    *, volunteer: PilotVolunteer, data_request: PilotDataRequest, language: str | None = None
) -> PilotConsent:
    """Records the consent with the text the volunteer read: the request's text in `language`
    (the active one by default), or its Korean where it has no English."""
    # Read again under lock: staff may have just changed or replaced the request, and a consent
    # must hold the text of the request it points to.
    data_request = PilotDataRequest.objects.select_for_update().get(pk=data_request.pk)
    if data_request.pilot_id != volunteer.pilot_id or not volunteer.is_active:
        raise forbidden(_("Only the pilot's volunteers can consent to its data requests."))
    if data_request.replaced_at is not None:
        raise conflict(_("This data request was replaced; consent to the new one."))
    if volunteer.pilot.stage not in CONSENT_STAGES:
        raise conflict(_("This pilot is not collecting data."))
    text = data_request.consent_text_in(language)
    consent = PilotConsent(
        volunteer=volunteer, data_request=data_request, consent_text=text.text, language=text.language
    )
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:
        raise conflict(_("You have already given this consent."), code="duplicate") from None
    return consent


@transaction.atomic
def consent_withdraw(
    *, volunteer: PilotVolunteer, data_request: PilotDataRequest, keep_donations: bool = False
) -> PilotConsent:
    """Stops every further read at once; what was donated is deleted unless the donor keeps it
    where only they see it, until its retention ends.

    Withdrawal is recorded, never a deletion of the consent: the record of what was agreed,
    and when, stays.
    """
    consent = (
        volunteer.consents.select_for_update()
        .filter(data_request=data_request, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        raise not_found(_("You have not given this consent."))
    consent.withdrawn_at = timezone.now()
    consent.keeps_donations = keep_donations
    consent.save(update_fields=["withdrawn_at", "keeps_donations"])
    if not keep_donations:
        donations_delete(volunteer=volunteer, data_request=data_request, reason=DeletionReason.WITHDRAWAL)
    return consent


@transaction.atomic
def volunteer_leave(*, volunteer: PilotVolunteer, keep_donations: bool = False) -> PilotVolunteer:
    """Leaving withdraws every consent still given: no data is collected from someone who left."""
    if not volunteer.is_active:
        raise conflict(_("You already left this pilot."))
    for consent in volunteer.consents.filter(withdrawn_at__isnull=True).select_related("data_request"):
        consent_withdraw(
            volunteer=volunteer, data_request=consent.data_request, keep_donations=keep_donations
        )
    volunteer.left_at = timezone.now()
    volunteer.save(update_fields=["left_at"])
    return volunteer


@transaction.atomic
def donor_data_erase(*, user: User) -> None:
    """Everything a person gave or got back as a donor, gone as they close their account: they
    leave each pilot (which withdraws their consents), and what they donated, kept after an
    earlier withdrawal or not, and their results are deleted. What stays is the record that
    others rely on and that holds no value: the consents' receipts, the reads of their data
    (by the pilots' companies), and that and when their rows were deleted."""
    for volunteer in PilotVolunteer.objects.select_for_update().filter(user=user).order_by("pk"):
        # Deleted first, so their deletion is recorded as the account's closing; leaving then
        # withdraws the consents with nothing left to delete.
        for data_request in PilotDataRequest.objects.filter(donations__volunteer=volunteer).distinct():
            donations_delete(
                volunteer=volunteer, data_request=data_request, reason=DeletionReason.ACCOUNT_CLOSED
            )
        if volunteer.is_active:
            volunteer_leave(volunteer=volunteer)
        volunteer.results.all().delete()
        volunteer.donor_codes.all().delete()
        volunteer.station_visits.all().delete()
        if volunteer.share_identity:
            volunteer.share_identity = False
            volunteer.save(update_fields=["share_identity"])


# --- Stations -------------------------------------------------------------------------------


# Never the key nor any part of it: the log is read more widely than the stations are kept.
STATION_AUDIT_FIELDS = ["id", "pilot_id", "name", "name_en", "revoked_at"]


@dataclass(frozen=True)
class RegisteredStation:
    station: Station
    # Shown once, to the staff member who registered the station; only its hash is kept.
    key: str


@transaction.atomic
def station_register(*, pilot: Pilot, by: User, name: str, name_en: str = "") -> RegisteredStation:
    require_city_staff(by, message=_("Only city staff can run pilots."))
    pilot_require_open(pilot)
    key = "st_" + secrets.token_urlsafe(32)
    station = Station(
        pilot=pilot,
        name=name.strip(),
        name_en=name_en.strip(),
        key_prefix=key[:STATION_KEY_PREFIX_LENGTH],
        key_hash=Station.hash_key(key),
        created_by=by,
    )
    save_validated(station)
    audit_record(
        actor=by,
        action=AuditAction.STATION_REGISTER,
        target=station,
        after=snapshot(station, STATION_AUDIT_FIELDS),
    )
    return RegisteredStation(station=station, key=key)


@transaction.atomic
def station_revoke(*, station: Station, by: User) -> Station:
    """The station's key stops working at once, for good; revoking twice changes nothing."""
    require_city_staff(by, message=_("Only city staff can run pilots."))
    station = Station.objects.select_for_update().get(pk=station.pk)
    if station.revoked_at is None:
        before = snapshot(station, STATION_AUDIT_FIELDS)
        station.revoked_at = timezone.now()
        station.save(update_fields=["revoked_at"])
        audit_record(
            actor=by,
            action=AuditAction.STATION_REVOKE,
            target=station,
            before=before,
            after=snapshot(station, STATION_AUDIT_FIELDS),
        )
    return station


def revoked_station_place_message() -> str:
    """Why a revoked station keeps its place, in the active language: station_rename refuses with
    it, and the stations page says it before building a form a revoked station's row has no room
    for."""
    return _("This station was revoked, so its place can no longer be changed.")


@transaction.atomic
def station_rename(*, station: Station, by: User, name: str, name_en: str) -> Station:
    """Corrects a station's place, in Korean and in English; its key stays as it is, so the
    device keeps working. A revoked station is done with and keeps the place it had."""
    require_city_staff(by, message=_("Only city staff can run pilots."))
    station = Station.objects.select_for_update().get(pk=station.pk)
    if station.revoked_at is not None:
        raise conflict(revoked_station_place_message())
    before = snapshot(station, STATION_AUDIT_FIELDS)
    station.name, station.name_en = name.strip(), name_en.strip()
    if (station.name, station.name_en) == (before["name"], before["name_en"]):
        return station
    save_validated(station, update_fields=["name", "name_en"])
    audit_record(
        actor=by,
        action=AuditAction.STATION_RENAME,
        target=station,
        before=before,
        after=snapshot(station, STATION_AUDIT_FIELDS),
    )
    return station


# --- Donating -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadingInput:
    values: Any
    measured_at: datetime.datetime | None = None


def _active_consent(volunteer: PilotVolunteer, data_request: PilotDataRequest) -> PilotConsent:
    consent = (
        PilotConsent.objects.select_for_update()
        .filter(volunteer=volunteer, data_request=data_request, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None or not volunteer.is_active:
        raise forbidden(
            _("There is no consent to donate %(category)s to this pilot: nothing was stored.")
            % {"category": data_request.shown_category_label}
        )
    return consent


@transaction.atomic
def donation_store(
    *,
    volunteer: PilotVolunteer,
    data_request: PilotDataRequest,
    readings: list[ReadingInput],
    source: DonationSource,
    station: Station | None = None,
    visit: StationVisit | None = None,
) -> Donation:
    """Stores one donation, all its readings or none: only under an active consent to the
    category, while the pilot collects data, and only readings within the request's ranges.

    An error names the first reading that failed (counted from 1, when there are several) so a
    device or a donor reviewing a file can correct it.
    """
    if data_request.pilot_id != volunteer.pilot_id:
        raise forbidden(_("This data request belongs to another pilot: nothing was stored."))
    if volunteer.pilot.stage not in CONSENT_STAGES:
        raise conflict(_("This pilot is not collecting data: nothing was stored."))
    if data_request.replaced_at is not None:
        raise conflict(_("This data request was replaced; consent to the new one first. Nothing was stored."))
    if not readings:
        raise ApplicationError(
            _("There is no reading to donate."), fields={"readings": [_("Add a reading.")]}
        )
    if len(readings) > MAX_READINGS_PER_DONATION:
        message = _("At most %(count)d readings can be donated at once.") % {
            "count": MAX_READINGS_PER_DONATION
        }
        raise ApplicationError(message, fields={"readings": [message]})
    fields = parse_fields(data_request.fields)
    now = timezone.now()
    # Encrypted before the pilot's turn is taken, which other donations to the pilot wait for.
    checked: list[tuple[str, datetime.datetime]] = []
    for number, reading in enumerate(readings, start=1):
        try:
            values = check_reading(fields, reading.values)
        except ValueError as error:
            if len(readings) == 1:
                # One reading, as a station sends: the field it names is all there is to say.
                raise ApplicationError(
                    _("%(error)s Nothing was stored.") % {"error": error}, fields={"values": [str(error)]}
                ) from None
            message = _("Reading %(number)d: %(error)s Nothing was stored.") % {
                "number": number,
                "error": error,
            }
            raise ApplicationError(message, fields={"readings": [message]}) from None
        measured_at = reading.measured_at or now
        if date_error := measured_at_error(measured_at):
            message = _("Reading %(number)d: %(error)s Nothing was stored.") % {
                "number": number,
                "error": date_error,
            }
            raise ApplicationError(message, fields={"readings": [message]})
        if measured_in_future(measured_at, now):
            message = _("Reading %(number)d is dated in the future. Nothing was stored.") % {"number": number}
            raise ApplicationError(message, fields={"readings": [message]})
        checked.append((encrypt_values(values), measured_at))
    with transaction.atomic():
        _take_pilot_readings_turn(volunteer.pilot_id)
        consent = _active_consent(volunteer, data_request)
        donation = Donation.objects.create(
            volunteer=volunteer,
            data_request=data_request,
            consent=consent,
            source=source,
            station=station,
            visit=visit,
            delete_after=now + datetime.timedelta(days=data_request.retention_days),
        )
        Reading.objects.bulk_create(
            Reading(
                donation=donation,
                data_request=data_request,
                volunteer=volunteer,
                measured_at=measured_at,
                values_encrypted=encrypted,
            )
            for encrypted, measured_at in checked
        )
    return donation


# Advisory lock class of a pilot's reading writes; the matcher's locks use other numbers.
_PILOT_READINGS_LOCK_CLASS = 72_420_377


def _take_pilot_readings_turn(pilot_id: int) -> None:
    """Companies poll a pilot's readings in id order (`since_id`). Ids are drawn at insert but
    rows appear at commit, so two donations committing in the other order would show the later
    id first, and a reader that moved past it would never see the earlier one. Writing a pilot's
    readings one transaction at a time (until commit) makes its ids appear in order."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_PILOT_READINGS_LOCK_CLASS, pilot_id])


# --- Deletion -------------------------------------------------------------------------------


def donations_delete(
    *,
    volunteer: PilotVolunteer,
    data_request: PilotDataRequest,
    reason: DeletionReason,
    before: datetime.datetime | None = None,
) -> DonationDeletion | None:
    """Deletes a donor's donations in one category (those due before `before`, if given) and
    records that it happened: how many, when and why, never the values."""
    donations = Donation.objects.filter(volunteer=volunteer, data_request=data_request)
    if before is not None:
        donations = donations.filter(delete_after__lte=before)
    donation_ids = list(donations.values_list("id", flat=True))
    if not donation_ids:
        return None
    readings, _by_model = Reading.objects.filter(donation_id__in=donation_ids).delete()
    Donation.objects.filter(id__in=donation_ids).delete()
    return DonationDeletion.objects.create(
        volunteer=volunteer,
        data_request=data_request,
        reason=reason,
        donations=len(donation_ids),
        readings=readings,
    )


# --- Companies: reads and results -----------------------------------------------------------


def data_read_record(
    *, pilot: Pilot, company: Company, user: User, readings: list[Reading], query: dict[str, Any]
) -> DataRead:
    """Records what one read returned: by whom, when, and how many rows of each donor in each
    category, so every donor can see who read their data. A read that found nothing is
    recorded too: the question was asked. The same empty question asked again by the same
    person, with no readings read in between, counts as a repeat of the last record.

    Called inside the transaction that selected `readings`, so no read leaves without its record.
    """
    if not readings:
        repeated = _read_repeated(
            pilot=pilot, company=company, user=user, kind=DataReadKind.READINGS, query=query, donors=set()
        )
        if repeated is not None:
            return repeated
    read = DataRead.objects.create(pilot=pilot, company=company, user=user, rows=len(readings), query=query)
    counts = Counter((reading.volunteer_id, reading.data_request_id) for reading in readings)
    DataReadDonor.objects.bulk_create(
        DataReadDonor(read=read, volunteer_id=volunteer_id, data_request_id=data_request_id, rows=rows)
        for (volunteer_id, data_request_id), rows in counts.items()
    )
    return read


def identity_read_record(
    *, pilot: Pilot, company: Company, user: User, volunteers: Iterable[PilotVolunteer], query: dict[str, Any]
) -> DataRead:
    """Records that `company` was shown the name and email of `volunteers` (each with the
    `active_consents` it was shown them through, as `pilots.selectors.pilot_donation_summary`
    reads them): one row per donor and category, so each donor sees who saw them. Like a read
    of readings, a read that named no one is recorded too, and the same one asked again counts
    as a repeat.

    Called inside the transaction that selected `volunteers`, so no name leaves unrecorded.
    """
    named = list(volunteers)
    seen = {
        (volunteer.pk, consent.data_request_id)
        for volunteer in named
        for consent in volunteer.active_consents  # type: ignore[attr-defined]
    }
    repeated = _read_repeated(
        pilot=pilot, company=company, user=user, kind=DataReadKind.IDENTITIES, query=query, donors=seen
    )
    if repeated is not None:
        return repeated
    read = DataRead.objects.create(
        pilot=pilot, company=company, user=user, kind=DataReadKind.IDENTITIES, rows=len(named), query=query
    )
    DataReadDonor.objects.bulk_create(
        DataReadDonor(read=read, volunteer_id=volunteer_id, data_request_id=data_request_id, rows=0)
        for volunteer_id, data_request_id in sorted(seen)
    )
    return read


def _read_repeated(
    *,
    pilot: Pilot,
    company: Company,
    user: User,
    kind: DataReadKind,
    query: dict[str, Any],
    donors: set[tuple[int, int]],
) -> DataRead | None:
    """The last read of this kind by `user` for `company`, counted once more, if it asked the same
    question and came to the same donors in the same categories (`donors`: volunteer and data
    request ids; none for an empty read). A client polling the names of a pilot's volunteers
    leaves one record of each run, from its first to its last asking, and each donor one line
    saying how often, not a line every few seconds."""
    last = DataRead.objects.filter(pilot=pilot, company=company, user=user, kind=kind).order_by("-id").first()
    if last is None or last.query != query:
        return None
    if donors:
        if last.rows == 0 or set(last.donors.values_list("volunteer_id", "data_request_id")) != donors:
            return None
    elif last.rows != 0:
        return None
    last.last_read_at = timezone.now()
    DataRead.objects.filter(pk=last.pk).update(repeats=F("repeats") + 1, last_read_at=last.last_read_at)
    last.repeats += 1
    return last


def _answerable_donor(*, pilot: Pilot, readable: list[PilotDataRequest], donor_id: str) -> PilotVolunteer:
    volunteer = PilotVolunteer.objects.select_related("user").filter(pilot=pilot, donor_id=donor_id).first()
    if volunteer is None:
        message = _("No donor of this pilot has this id.")
        raise ApplicationError(message, fields={"donor": [message]})
    # A company has no business writing to a donor who no longer lets it read their data.
    consents = PilotConsent.objects.filter(
        volunteer=volunteer, withdrawn_at__isnull=True, data_request__in=readable
    )
    if not volunteer.is_active or not consents.exists():
        message = _("This donor has no consent to a category your company receives: no result was sent.")
        raise ApplicationError(message, fields={"donor": [message]}, kind=ErrorKind.FORBIDDEN)
    return volunteer


@transaction.atomic
def donation_result_post(
    *,
    pilot: Pilot,
    company: Company,
    by: User,
    donor_id: str,
    text: str,
    donation_id: int | None = None,
    value: Decimal | None = None,
    unit: str = "",
    level: str = "",
) -> DonationResult:
    """Sends a donor a result about their data, and tells them it arrived.

    Only to a donor who still consents to a category the company receives; about a donation
    only if it is theirs and the company may read it now.
    """
    readable = selectors.data_requests_readable_by(pilot=pilot, company=company)
    volunteer = _answerable_donor(pilot=pilot, readable=readable, donor_id=donor_id)
    donation = None
    if donation_id is not None:
        donation = (
            selectors.donations_readable(data_requests=readable)
            .filter(pk=donation_id, volunteer=volunteer)
            .first()
        )
        if donation is None:
            message = _("This is not a donation of this donor that your company may read.")
            raise ApplicationError(message, fields={"donation": [message]})
    result = DonationResult(
        pilot=pilot,
        company=company,
        author=by,
        volunteer=volunteer,
        donation=donation,
        text=text.strip(),
        value=value,
        unit=unit.strip(),
        level=level,
    )
    save_validated(result)
    # The title only: the result itself may be health advice, and a notification can be
    # copied to email. The donor reads it on My donations, at the pilot's section.
    notify_in_their_language(
        users=[volunteer.user],
        kind=NotificationKind.DONATION_RESULT,
        title=lambda: (
            _("%(company)s sent you a result about the data you donated to “%(pilot)s”.")
            % {"company": company.name, "pilot": pilot.shown_title}
        ),
        link=reverse("my-donations") + f"#pilot-{pilot.pk}",
    )
    return result


# --- Retention ------------------------------------------------------------------------------

# Donors handled per run; the next run (hourly) takes the rest, so one run stays well within
# the task's time limit however much expired at once.
RETENTION_DONORS_PER_RUN = 500


@dataclass(frozen=True)
class RetentionSweep:
    donors: int
    donations: int
    readings: int

    def as_dict(self) -> dict[str, int]:
        return {"donors": self.donors, "donations": self.donations, "readings": self.readings}


def donations_delete_expired(*, now: datetime.datetime | None = None) -> RetentionSweep:
    """Deletes every donation past its retention (`Donation.delete_after`), kept after a
    withdrawal or not, recording one deletion per donor and category.

    Each donor's category is deleted in its own transaction with its rows locked first: a
    second run at the same time waits, then finds nothing left and records nothing, so running
    twice deletes and records the same as running once.
    """
    now = now or timezone.now()
    due = (
        Donation.objects.filter(delete_after__lte=now)
        .values_list("volunteer_id", "data_request_id")
        .order_by("volunteer_id", "data_request_id")
        .distinct()[:RETENTION_DONORS_PER_RUN]
    )
    pairs = list(due)
    volunteers = PilotVolunteer.objects.in_bulk({volunteer_id for volunteer_id, _id in pairs})
    data_requests = PilotDataRequest.objects.in_bulk({request_id for _id, request_id in pairs})
    donors = donations = readings = 0
    for volunteer_id, data_request_id in pairs:
        with transaction.atomic():
            locked = list(
                Donation.objects.select_for_update()
                .filter(volunteer_id=volunteer_id, data_request_id=data_request_id, delete_after__lte=now)
                .values_list("id", flat=True)
            )
            if not locked:
                continue
            deletion = donations_delete(
                volunteer=volunteers[volunteer_id],
                data_request=data_requests[data_request_id],
                reason=DeletionReason.RETENTION,
                before=now,
            )
        if deletion is not None:
            donors += 1
            donations += deletion.donations
            readings += deletion.readings
    return RetentionSweep(donors=donors, donations=donations, readings=readings)


# --- Donation points: one-time donor codes and station visits -------------------------------

# No 0/O, 1/I/L: a code is read off a phone and typed on a tablet by people of every age.
DONOR_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
DONOR_CODE_LENGTH = 6
# Seconds between two writes of a station's last_seen_at: the kiosk polls every few seconds.
STATION_SEEN_EVERY = datetime.timedelta(minutes=1)
# A device's clock may lag the server's a little; a reading older than its visit is not of it.
VISIT_CLOCK_TOLERANCE = datetime.timedelta(minutes=1)


def donor_code_normalise(code: str) -> str:
    """The code as stored, whatever a donor typed around it: spaces, dashes, small letters."""
    return "".join(character for character in code.upper() if character not in " -\t")


def _donor_code_shape_refusal(normalised: str) -> str:
    """Why a typed code cannot be one, or "". A code of the right length that holds a 0, 1, I, L
    or O was most likely read off the phone with a look-alike (O for 0, I for 1): the donor is
    told which characters codes never use, to look again, rather than that the length is wrong."""
    if len(normalised) == DONOR_CODE_LENGTH and all(c in DONOR_CODE_ALPHABET for c in normalised):
        return ""
    unused = [c for c in normalised if c not in DONOR_CODE_ALPHABET]
    # Letters and digits outside the alphabet are exactly 0, 1, I, L and O; anything else
    # (a stray symbol) is not a misread of a code's character, and gets the general words.
    if len(normalised) == DONOR_CODE_LENGTH and all(c.isascii() and c.isalnum() for c in unused):
        return _("Codes never use 0, 1, I, L or O. Please check the code again.")
    length = DONOR_CODE_LENGTH
    return _("A donor code is %(length)d letters and digits, such as K7P 3QX.") % {"length": length}


def donor_code_hash(*, pilot_id: int, code: str) -> str:
    return hashlib.sha256(f"{pilot_id}:{donor_code_normalise(code)}".encode()).hexdigest()


def donor_code_refusal(*, volunteer: PilotVolunteer) -> ApplicationError | None:
    """Why the volunteer can be given no code now, in the active language, or None if a code can
    be given: donor_code_issue refuses with it, and the code page says it instead of offering a
    code it would refuse."""
    if not volunteer.is_active:
        return forbidden(_("Only the pilot's volunteers can donate to it."))
    if volunteer.pilot.stage not in CONSENT_STAGES:
        return conflict(_("This pilot is not collecting data."), code="not_collecting")
    if not donor_consented_requests(volunteer=volunteer).exists():
        return conflict(
            _("Give your consent to at least one kind of data first; then a station can take it."),
            code="no_consent",
        )
    # A code no station can take would be a promise nobody keeps: none is made.
    if not volunteer_stations(volunteer=volunteer).exists():
        return conflict(
            _(
                "No donation station of this pilot takes the data you consented to, so there is no code "
                "to give you: a code works only at a station."
            ),
            code="no_station",
        )
    return None


@transaction.atomic
def donor_code_issue(*, volunteer: PilotVolunteer) -> tuple[DonorCode, str]:
    """A new one-time code for the donor to show a station; any older unused code stops working.

    Only the code's hash is kept, so the code itself is returned once, to be shown.
    """
    # Locks the volunteer so two codes asked for at once do not both stay valid.
    volunteer = PilotVolunteer.objects.select_for_update().select_related("pilot").get(pk=volunteer.pk)
    refusal = donor_code_refusal(volunteer=volunteer)
    if refusal is not None:
        raise refusal
    now = timezone.now()
    DonorCode.objects.filter(volunteer=volunteer, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    expires_at = now + datetime.timedelta(minutes=settings.DONOR_CODE_MINUTES)
    for _attempt in range(10):
        code = "".join(secrets.choice(DONOR_CODE_ALPHABET) for _position in range(DONOR_CODE_LENGTH))
        try:
            # A savepoint: a hash already taken (by a code long used) must not abort the rest.
            with transaction.atomic():
                donor_code = DonorCode.objects.create(
                    volunteer=volunteer,
                    code_hash=donor_code_hash(pilot_id=volunteer.pilot_id, code=code),
                    expires_at=expires_at,
                )
        except IntegrityError:
            continue
        return donor_code, code
    raise unavailable(_("No code could be made just now. Please try again."))


def _require_station_collecting(station: Station) -> None:
    if not station.is_active:
        raise forbidden(_("This station's key was revoked. Nothing was stored."))
    if station.pilot.stage not in CONSENT_STAGES:
        raise conflict(_("This station's pilot is not collecting data. Nothing was stored."))


@transaction.atomic
def station_visit_open(*, station: Station, code: str) -> StationVisit:
    """Opens a visit of the donor whose one-time code the station was shown; the code is used up.

    A station measures one donor at a time, so opening a visit closes the station's open one:
    a reading must never land on the donor who just walked away.
    """
    _require_station_collecting(station)
    normalised = donor_code_normalise(code)
    refusal = _donor_code_shape_refusal(normalised)
    if refusal:
        raise ApplicationError(refusal, fields={"code": [refusal]})
    donor_code = (
        DonorCode.objects.select_for_update()
        .select_related("volunteer")
        .filter(code_hash=donor_code_hash(pilot_id=station.pilot_id, code=normalised))
        .first()
    )
    # The hash holds the pilot: another pilot's code is as unknown here as a mistyped one.
    if donor_code is None:
        raise not_found(
            _("This code is not known for this pilot. Check it, or ask for a new one on the pilot's page."),
            code="unknown_code",
            fields={"code": [_("Not known for this pilot.")]},
        )
    if donor_code.used_at is not None:
        raise conflict(
            _("This code was already used. Ask for a new one on the pilot's page."),
            code="code_used",
            fields={"code": [_("Already used.")]},
        )
    now = timezone.now()
    if donor_code.expires_at <= now:
        raise conflict(
            _("This code has expired or a newer one replaced it. Ask for a new one on the pilot's page."),
            code="code_expired",
            fields={"code": [_("Expired.")]},
        )
    volunteer = donor_code.volunteer
    if not volunteer.is_active:
        raise forbidden(_("This donor no longer takes part in the pilot. Nothing was stored."))
    if not donor_consented_requests(volunteer=volunteer).exists():
        raise forbidden(_("This donor has no consent to donate data to this pilot now. Nothing was stored."))
    donor_code.used_at = now
    donor_code.save(update_fields=["used_at"])
    StationVisit.objects.filter(station=station, closes_at__gt=now).update(closes_at=now)
    return StationVisit.objects.create(
        station=station,
        volunteer=volunteer,
        code=donor_code,
        closes_at=now + datetime.timedelta(minutes=settings.STATION_VISIT_MINUTES),
    )


def station_visit_close(*, station: Station, visit: StationVisit) -> StationVisit:
    """The donor is done: the station takes no more readings for them and shows them no more."""
    if visit.station_id != station.pk:
        raise not_found(_("This station has no such visit."))
    now = timezone.now()
    if visit.closes_at > now:
        visit.closes_at = now
        visit.save(update_fields=["closes_at"])
    return visit


def station_reading_add(
    *,
    station: Station,
    visit: StationVisit,
    category: str,
    values: Any,
    measured_at: datetime.datetime | None = None,
) -> Donation:
    """Stores one reading a station took during a visit, as a donation of its own.

    One donation per reading, not per visit: donation_store keeps a donation whole or not at all,
    and a company answers each measurement with its own result, which the screen shows at once.
    """
    if visit.station_id != station.pk:
        raise not_found(_("This station has no such visit."))
    _require_station_collecting(station)
    if not visit.is_open:
        raise conflict(
            _("This visit has closed: ask the donor for a new code. Nothing was stored."),
            code="visit_closed",
        )
    data_request = station.pilot.data_requests.current().filter(category_code=category).first()
    if data_request is None:
        message = _("This pilot asks for no data of the category “%(category)s”. Nothing was stored.") % {
            "category": category
        }
        raise ApplicationError(message, fields={"category": [message]})
    if measured_at is not None and measured_at < visit.started_at - VISIT_CLOCK_TOLERANCE:
        message = _("The reading was measured before this visit started. Nothing was stored.")
        raise ApplicationError(message, fields={"measured_at": [message]})
    return donation_store(
        volunteer=visit.volunteer,
        data_request=data_request,
        readings=[ReadingInput(values=values, measured_at=measured_at)],
        source=DonationSource.STATION,
        station=station,
        visit=visit,
    )


def station_seen(*, station: Station) -> None:
    """Records that the station called, at most once a minute: the kiosk polls every 2 seconds."""
    now = timezone.now()
    if station.last_seen_at is not None and station.last_seen_at > now - STATION_SEEN_EVERY:
        return
    Station.objects.filter(pk=station.pk).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lte=now - STATION_SEEN_EVERY)
    ).update(last_seen_at=now)
    station.last_seen_at = now
