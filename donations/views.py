"""Data donation's pages: a volunteer's consent, donating, and what became of their data; staff's
data requests and stations."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.decorators import city_staff_required
from core.bilingual import any_korean_only, shown_label
from core.errors import ApplicationError, ErrorKind
from core.exception_handler import HTTP_STATUS
from core.forms import add_service_errors, error_text, posted_id
from core.shortcuts import get_or_404, posted_here_else_back_to
from pilots import services as pilot_services
from pilots.models import CONSENT_STAGES, Pilot, PilotDataRequest, PilotVolunteer
from pilots.selectors import pilot_volunteer_get, volunteer_stations
from pilots.views import render_pilot_page

from . import selectors, services, uploads
from .fields import parse_fields
from .forms import (
    FIELD_PRESETS,
    FIELD_ROWS_PREFIX,
    PRESETS_BY_KEY,
    DataRequestForm,
    FieldPreset,
    FieldRowFormSet,
    StationForm,
    field_rows_to_show,
    posted_field_rows,
)
from .models import DeletionReason, DonationSource, Station
from .qr import qr_svg_inline


@login_required
def pilot_participation(request, pilot_id: int):
    """A citizen volunteers, leaves, or gives and withdraws consent per data category."""
    if request.method != "POST":
        return redirect("pilot-detail", pilot_id=pilot_id)
    # The services load what they need; the page's prefetches would be thrown away.
    pilot = get_object_or_404(Pilot.objects.visible_to(request.user), pk=pilot_id)
    action = request.POST.get("action")
    refused_withdrawal = None
    try:
        if action == "join":
            pilot_services.pilot_volunteer_join(
                pilot=pilot, user=request.user, share_identity=request.POST.get("share_identity") == "on"
            )
            messages.success(request, _("Thank you for volunteering."))
        else:
            volunteer = pilot_volunteer_get(pilot=pilot, user=request.user)
            if action == "consent":
                data_request = get_object_or_404(
                    PilotDataRequest, pk=posted_id(request.POST, "data_request"), pilot=pilot
                )
                if request.POST.get("agree") != "on":
                    raise ApplicationError(_("Tick the box to agree to the text above."))
                # The language of the text the volunteer was shown, so the consent holds that text.
                shown_in = request.POST.get("consent_language")
                services.consent_give(
                    volunteer=volunteer,
                    data_request=data_request,
                    language=shown_in if shown_in in dict(settings.LANGUAGES) else None,
                )
                # The next step, where the volunteer looks after consenting: a pilot with no
                # station takes donations only as files, on My donations.
                messages.success(
                    request,
                    format_html(
                        '{} <a href="{}">{}</a>',
                        _("Your consent was recorded."),
                        _upload_url(data_request),
                        _("Donate by file"),
                    ),
                )
            elif action in ("leave", "withdraw", "decline"):
                _withdraw(request, volunteer, leave=action == "leave", declining=action == "decline")
    except PilotVolunteer.DoesNotExist:
        refusal = _("Volunteer for the pilot first.")
    except (ApplicationError, ValidationError) as error:
        refusal = error_text(error)
        if action in ("leave", "withdraw"):
            leave = action == "leave"
            posted_request = "" if leave else request.POST.get("data_request", "")
            refused_withdrawal = {"pilot": pilot.pk, "leave": leave, "data_request": posted_request}
    else:
        return redirect("pilot-detail", pilot_id=pilot_id)
    # Refused on the page it came from, not after a redirect that would answer 200.
    messages.error(request, refusal)
    return render_pilot_page(request, pilot.pk, refused_withdrawal=refused_withdrawal, status=400)


def _upload_url(data_request: PilotDataRequest) -> str:
    """Where the file upload for `data_request` is: its form on My donations."""
    return f"{reverse('my-donations')}#upload-{data_request.pk}"


# The withdrawal forms' choice (`donations/_keep_choice.html`); deleting is the one checked first.
KEEP_DONATIONS = "on"
DELETE_DONATIONS = "off"


def _withdraw(request, volunteer: PilotVolunteer, *, leave: bool, declining: bool = False) -> None:
    """Leaves the pilot or withdraws one consent, from the pilot page or My donations alike, and
    says what became of what was donated. `declining`: the consent is to a request since
    changed, and ending it is how the volunteer says no to the new one."""
    data_request = None
    if not leave:
        data_request = get_object_or_404(
            PilotDataRequest, pk=posted_id(request.POST, "data_request"), pilot_id=volunteer.pilot_id
        )
    held = selectors.donations_held_exist(volunteer=volunteer, data_request=data_request)
    keeps = _keeps_donations(request, held=held)
    if data_request is None:
        services.volunteer_leave(volunteer=volunteer, keep_donations=keeps)
        messages.success(request, _("You left the pilot; your consents were withdrawn."))
    else:
        services.consent_withdraw(volunteer=volunteer, data_request=data_request, keep_donations=keeps)
        if declining:
            messages.success(
                request,
                _("You declined the new “%(category)s” data request; your earlier consent has ended.")
                % {"category": data_request.shown_category_label},
            )
        else:
            messages.success(request, _("Your consent was withdrawn."))
    # With nothing held, there was nothing to delete or keep: saying it was deleted would mislead.
    if not held:
        return
    if keeps:
        messages.info(
            request,
            _(
                "No one can read what you donated any more; "
                "it is deleted when the pilot's storage period ends."
            ),
        )
    else:
        messages.info(request, _("What you donated was deleted; the deletion is recorded, not the values."))


def _keeps_donations(request, *, held: bool) -> bool:
    """The donor's choice for what they donated. Deleting is never assumed: a form that held
    donations asked, and a withdrawal that does not answer is refused. Only with nothing held,
    where the form asks nothing, is there nothing to choose."""
    choice = request.POST.get("keep_donations")
    if choice in (KEEP_DONATIONS, DELETE_DONATIONS):
        return choice == KEEP_DONATIONS
    if choice is None and not held:
        return False
    message = _(
        "Choose what becomes of what you donated: delete it now, "
        "or keep it until the pilot's storage period ends."
    )
    raise ApplicationError(message, fields={"keep_donations": [message]})


# --- A donor's own data: My donations, withdrawing, uploading a file ------------------------


class DonationUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or JSON)"))


def _render_my_donations(
    request, *, upload_form=None, upload_request_id=None, refused_withdrawal=None, status: int = 200
):
    pilots = selectors.my_donations(user=request.user)
    placed = False
    for pilot in pilots:
        for category in pilot.categories:
            if upload_form is not None and category.data_request.pk == upload_request_id:
                category.upload_form, placed = upload_form, True
            else:
                category.upload_form = DonationUploadForm(auto_id=f"upload-{category.data_request.pk}-%s")
    return render(
        request,
        "donations/my_donations.html",
        {
            "pilots": pilots,
            "shows_korean_only": any_korean_only(text for entry in pilots for text in entry.shown_texts),
            # A refusal for a category the page does not list (never consented to) shows on top.
            "unplaced_upload_form": upload_form if upload_form is not None and not placed else None,
            "max_upload_megabytes": uploads.MAX_UPLOAD_BYTES // (1024 * 1024),
            "max_upload_rows": uploads.MAX_UPLOAD_ROWS,
            # The folded withdrawal or leaving form that was refused opens again, with its choice.
            "refused_withdrawal": refused_withdrawal,
        },
        status=status,
    )


@require_safe
@never_cache
@login_required
def my_donations_page(request):
    """What a donor gave, per pilot and category, who read it, the results, and the deletions."""
    return _render_my_donations(request)


@never_cache
@login_required
@require_safe
def my_consent_receipt_page(request, pilot_id: int):
    """My consent receipt for one pilot, to read and print: the record the API gives as JSON.
    Only for the volunteer themselves; to anyone else, city staff too, there is no such page."""
    volunteer = get_or_404(selectors.my_volunteering_get, user=request.user, pilot_id=pilot_id)
    receipt = selectors.consent_receipt(volunteer=volunteer, language=get_language())
    for service in receipt["services"]:
        for event in service["events"]:
            if event["event"] == "deleted":
                event["reason_label"] = DeletionReason(event["reason"]).label
    # Said once under the title, as on the pilot's page, when staff left some of it without English.
    shown = [volunteer.pilot.shown_title]
    for data_request in PilotDataRequest.objects.filter(
        pk__in=[service["data_request_id"] for service in receipt["services"]]
    ):
        shown += [data_request.shown_category_label, data_request.shown_purpose, data_request.shown_recipient]
        shown += [shown_label(field) for field in data_request.fields or []]
    return render(
        request,
        "donations/consent_receipt.html",
        {"pilot": volunteer.pilot, "receipt": receipt, "shows_korean_only": any_korean_only(shown)},
    )


def _my_category(request, pilot_id: int, request_id: int):
    return get_or_404(
        selectors.my_category_get, user=request.user, pilot_id=pilot_id, data_request_id=request_id
    )


def _back_to_my_donations(pilot_id: int, **_: int) -> str:
    return reverse("my-donations")


@never_cache
@login_required
@posted_here_else_back_to(_back_to_my_donations)
def my_donations_withdraw(request, pilot_id: int):
    """Withdraw one category's consent, or leave the pilot, deleting or keeping what was donated."""
    volunteer = get_object_or_404(
        PilotVolunteer.objects.select_related("pilot"), pilot_id=pilot_id, user=request.user
    )
    leave = request.POST.get("action") == "leave"
    try:
        _withdraw(request, volunteer, leave=leave)
    except (ApplicationError, ValidationError) as error:
        messages.error(request, error_text(error))
        posted_request = "" if leave else request.POST.get("data_request", "")
        refused = {"pilot": pilot_id, "leave": leave, "data_request": posted_request}
        return _render_my_donations(request, refused_withdrawal=refused, status=400)
    return redirect("my-donations")


# Where the name-and-email form was sent from, to go back there.
SHARING_FROM_PILOT_PAGE = "pilot"


@never_cache
@login_required
@posted_here_else_back_to(_back_to_my_donations)
def my_identity_sharing(request, pilot_id: int):
    """A volunteer lets the pilot's companies see their name and email with what they donate, or
    stops, from My donations or the pilot page."""
    volunteer = get_object_or_404(
        PilotVolunteer.objects.select_related("pilot"), pilot_id=pilot_id, user=request.user, left_at=None
    )
    from_pilot_page = request.POST.get("return_to") == SHARING_FROM_PILOT_PAGE
    choice = request.POST.get("share_identity")
    if choice not in ("on", "off"):
        messages.error(request, _("Choose whether to share your name and email."))
        if from_pilot_page:
            return render_pilot_page(request, pilot_id, status=400)
        return _render_my_donations(request, status=400)
    try:
        pilot_services.pilot_volunteer_change(volunteer=volunteer, share_identity=choice == "on")
    except ApplicationError as error:
        messages.error(request, error_text(error))
        if from_pilot_page:
            return render_pilot_page(request, pilot_id, status=409)
        return _render_my_donations(request, status=409)
    if choice == "on":
        messages.success(
            request, _("The pilot's companies now see your name and email with what you donate.")
        )
    else:
        messages.success(
            request,
            _("The pilot's companies no longer see your name and email: they know you by your donor ID."),
        )
    if from_pilot_page:
        return redirect(reverse("pilot-detail", args=[pilot_id]) + "#take-part")
    return redirect(reverse("my-donations") + f"#pilot-{pilot_id}")


def _render_review(
    request, *, volunteer, data_request, rows, token: str, removed=(), error: str = "", status: int = 200
):
    fields = parse_fields(data_request.fields)
    checked = uploads.upload_check(rows=rows, fields=fields)
    return render(
        request,
        "donations/upload_review.html",
        {
            "volunteer": volunteer,
            "pilot": volunteer.pilot,
            "data_request": data_request,
            "fields": fields,
            "rows": [
                {"row": row, "cells": list(zip(fields, row.shown_cells(fields), strict=True))}
                for row in checked
            ],
            "sendable": sum(row.can_be_sent for row in checked),
            "refused": sum(not row.can_be_sent for row in checked),
            "removed": set(removed),
            "token": token,
            "error": error,
            "can_confirm": selectors.consent_active_exists(volunteer=volunteer, data_request=data_request)
            and volunteer.is_active,
        },
        status=status,
    )


@never_cache
@login_required
@posted_here_else_back_to(_back_to_my_donations)
def my_donation_upload(request, pilot_id: int, request_id: int):
    """Reads a file into rows for the donor to review; stores nothing."""
    volunteer, data_request = _my_category(request, pilot_id, request_id)
    form = DonationUploadForm(request.POST, request.FILES, auto_id=f"upload-{data_request.pk}-%s")
    rows = []
    if not (
        volunteer.is_active
        and selectors.consent_active_exists(volunteer=volunteer, data_request=data_request)
    ):
        form.add_error(
            None,
            _("You have no consent to donate %(category)s to this pilot; give it on the pilot's page first.")
            % {"category": data_request.shown_category_label},
        )
    elif volunteer.pilot.stage not in CONSENT_STAGES or data_request.replaced_at is not None:
        form.add_error(
            None,
            _("This pilot is not collecting %(category)s now.")
            % {"category": data_request.shown_category_label},
        )
    elif form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > uploads.MAX_UPLOAD_BYTES:
            form.add_error("file", uploads.too_big_message())
        else:
            try:
                rows = uploads.upload_read(
                    content=upload.read(),
                    filename=upload.name or "",
                    fields=parse_fields(data_request.fields),
                )
            except uploads.UploadError as error:
                form.add_error("file", str(error))
    if form.errors:
        return _render_my_donations(request, upload_form=form, upload_request_id=data_request.pk, status=400)
    token = uploads.upload_sign(rows=rows, volunteer_id=volunteer.pk, data_request_id=data_request.pk)
    return _render_review(request, volunteer=volunteer, data_request=data_request, rows=rows, token=token)


@never_cache
@login_required
@posted_here_else_back_to(_back_to_my_donations)
def my_donation_upload_confirm(request, pilot_id: int, request_id: int):
    """Stores the reviewed rows the donor kept, all or none, as one donation."""
    volunteer, data_request = _my_category(request, pilot_id, request_id)
    token = request.POST.get("rows", "")
    try:
        rows = uploads.upload_unsign(token=token, volunteer_id=volunteer.pk, data_request_id=data_request.pk)
    except uploads.UploadError as error:
        messages.error(request, str(error))
        return redirect("my-donations")
    # isdecimal, not isdigit: "²" is a digit that int() refuses.
    removed = {int(number) for number in request.POST.getlist("remove") if number.isdecimal()}
    checked = uploads.upload_check(rows=rows, fields=parse_fields(data_request.fields))
    kept = [row for row in checked if row.can_be_sent and row.number not in removed]
    review = {
        "volunteer": volunteer,
        "data_request": data_request,
        "rows": rows,
        "token": token,
        "removed": removed,
    }
    if not kept:
        return _render_review(
            request, **review, error=_("No row is left to donate: keep at least one, or cancel."), status=400
        )
    try:
        donation = services.donation_store(
            volunteer=volunteer,
            data_request=data_request,
            readings=[services.ReadingInput(values=row.values, measured_at=row.measured_at) for row in kept],
            source=DonationSource.UPLOAD,
        )
    except ApplicationError as error:
        return _render_review(request, **review, error=error_text(error), status=HTTP_STATUS[error.kind])
    messages.success(
        request,
        ngettext(
            "Thank you: %(count)d reading of %(category)s was donated.",
            "Thank you: %(count)d readings of %(category)s were donated.",
            len(kept),
        )
        % {"count": len(kept), "category": data_request.shown_category_label},
    )
    return redirect(f"{reverse('my-donations')}#donation-{donation.pk}")


# --- Donation points: the donor's one-time code and the station's kiosk ---------------------


def _code_grouped(code: str) -> str:
    # Three and three: read aloud and typed in two breaths.
    return f"{code[:3]} {code[3:]}"


@login_required
def donor_code_page(request, pilot_id: int):
    """A volunteer asks for a one-time code to show a donation station of the pilot. Where none
    can be given the page says why, as the service would refuse it, and offers no button."""
    pilot = get_object_or_404(Pilot.objects.visible_to(request.user), pk=pilot_id)
    try:
        # One who left is told so here, as the service refuses them, rather than sent away.
        volunteer = pilot_volunteer_get(pilot=pilot, user=request.user, active=False)
    except PilotVolunteer.DoesNotExist:
        messages.error(request, _("Volunteer for the pilot first."))
        return redirect("pilot-detail", pilot_id=pilot_id)
    context: dict = {"pilot": pilot, "minutes": settings.DONOR_CODE_MINUTES}
    status = 200
    refusal = services.donor_code_refusal(volunteer=volunteer)
    if request.method == "POST" and refusal is None:
        try:
            donor_code, code = services.donor_code_issue(volunteer=volunteer)
        except ApplicationError as error:
            if error.kind == ErrorKind.UNAVAILABLE:
                # No code could be made just now: the button stays, to ask again.
                context["error"] = error_text(error)
                status = HTTP_STATUS[error.kind]
            else:
                # Refused on the locked row, by a change made since the check above.
                refusal = error
        else:
            context.update(
                code=_code_grouped(code),
                qr=mark_safe(qr_svg_inline(code)),  # noqa: S308 - segno's markup of a code of [2-9A-Z]
                expires_at=donor_code.expires_at,
            )
    if refusal is None:
        context.update(
            categories=list(selectors.donor_consented_requests(volunteer=volunteer)),
            # Where to go with the code, said before the code itself: it is asked for at the station.
            stations=list(volunteer_stations(volunteer=volunteer)),
        )
    else:
        refused = request.method == "POST"
        context.update(refusal=refusal, refusal_text=error_text(refusal), refused=refused)
        if refused:
            # The status the API answers the same refusal with.
            status = HTTP_STATUS[refusal.kind]
    return render(request, "donations/donor_code.html", context, status=status)


@require_safe
def kiosk_page(request):
    """A donation station's screen, in a tablet's browser with no account: the station's key is
    pasted once and kept in the tablet's storage; everything else goes through the station API."""
    return render(
        request,
        "donations/kiosk.html",
        {
            "strings": {
                "measuring": _("Measuring…"),
                "waitingResult": _("Your reading is stored. Waiting for the result…"),
                "resultTitle": _("Your result"),
                "resultAbout": _("About: {category}, measured at {time}"),
                "resultValue": _("Figure in the result"),
                "resultValueOf": _("{name} in the result"),
                "noConsent": _("You have not consented to donate any data this station measures."),
                "consentFirst": _(
                    "To donate, consent on the pilot's page on your phone, then ask for a new code."
                ),
                "readingTaken": _("You can take your arm out of the cuff."),
                "cancelFailed": _(
                    "The visit could not be cancelled: the station may still take a reading. "
                    "Try again, or ask staff for help."
                ),
                "closeFailed": _(
                    "The visit could not be closed: the station may still take a reading for you. "
                    "Try again, or ask staff for help."
                ),
                "notThisKey": _("That is not this station's key: the key stays on this tablet."),
                "resetIn": _("This screen starts over in {seconds} s."),
                "offline": _("The connection failed; trying again…"),
                "takes": _("This station measures: {categories}"),
                "measuredAt": _("measured at {time}"),
                "by": _("from {company}"),
                "koreanOnly": _("(written in Korean only)"),
                "placeKoreanOnly": _("(place written in Korean only)"),
                "placeAndPilotKoreanOnly": _("(place and pilot's name written in Korean only)"),
                "dayPeriods": {"AM": _("a.m."), "PM": _("p.m.")},
            },
            "donor_code_minutes": settings.DONOR_CODE_MINUTES,
        },
    )


# --- Staff: data requests and stations ------------------------------------------------------


def _managed_pilot(pilot_id: int) -> Pilot:
    return get_object_or_404(Pilot.objects.prefetch_related("companies"), pk=pilot_id)


@city_staff_required
def data_request_add_page(request, pilot_id: int):
    """Staff ask the pilot's volunteers for one category of data."""
    return _data_request_page(request, _managed_pilot(pilot_id), data_request=None)


@city_staff_required
def data_request_change_page(request, pilot_id: int, request_id: int):
    """Staff change a data request; once anyone consented, saving makes a new one."""
    pilot = _managed_pilot(pilot_id)
    try:
        data_request = selectors.data_request_get(pilot=pilot, data_request_id=request_id, user=request.user)
    except PilotDataRequest.DoesNotExist:
        raise Http404 from None
    if data_request.replaced_at is not None:
        current = selectors.data_request_current_version(data_request=data_request)
        messages.info(request, _("This data request was replaced; this is the one asked for now."))
        if current is None:
            return redirect("pilot-detail", pilot_id=pilot.pk)
        return redirect("data-request-change", pilot_id=pilot.pk, request_id=current.pk)
    return _data_request_page(request, pilot, data_request=data_request)


def _data_request_page(request, pilot: Pilot, *, data_request: PilotDataRequest | None):
    """One page for adding and changing. Besides saving, its buttons (a preset, another field
    row, the consent text preview) show the form again as typed, saving nothing."""
    status = 200
    if request.method != "POST":
        initial, rows = _data_request_initial(pilot, data_request)
        form = DataRequestForm(pilot=pilot, initial=initial)
        field_rows = field_rows_to_show(rows)
    elif "preset" in request.POST or request.POST.get("action") in ("more_fields", "preview"):
        initial, rows = _typed(request.POST), posted_field_rows(request.POST)
        spare = 1 if request.POST.get("action") == "more_fields" else 0
        preset = PRESETS_BY_KEY.get(request.POST.get("preset", ""))
        if preset is not None:
            initial, rows, spare = _with_preset(initial, preset), preset.rows(), 1
        form = DataRequestForm(pilot=pilot, initial=initial)
        field_rows = field_rows_to_show(rows, spare=spare)
    else:
        form = DataRequestForm(request.POST, pilot=pilot)
        field_rows = FieldRowFormSet(request.POST, prefix=FIELD_ROWS_PREFIX)
        # Both checked, so every error shows at once.
        valid = [form.is_valid(), field_rows.is_valid()]
        if all(valid):
            saved = _data_request_save(request, pilot, data_request, form, field_rows)
            if saved is not None:
                return redirect(f"{pilot.get_absolute_url()}#data-request-{saved.pk}")
        status = 400
    return render(
        request,
        "donations/data_request_form.html",
        {
            "pilot": pilot,
            "data_request": data_request,
            "form": form,
            "field_rows": field_rows,
            "presets": FIELD_PRESETS,
            "consent_preview": _consent_preview(pilot, form),
        },
        status=status,
    )


def _data_request_save(request, pilot, data_request, form, field_rows) -> PilotDataRequest | None:
    values = {
        **form.cleaned_data,
        "recipient_companies": list(form.cleaned_data["recipient_companies"]),
        "fields": field_rows.rows(),
    }
    try:
        if data_request is None:
            saved = services.data_request_add(pilot=pilot, by=request.user, **values)
            messages.success(request, _("The data request was added. Volunteers can consent to it now."))
        else:
            saved = services.data_request_change(data_request=data_request, by=request.user, **values)
            if saved.pk == data_request.pk:
                messages.success(request, _("The data request was changed."))
            else:
                messages.success(
                    request,
                    _(
                        "The change was saved as a new data request. Its volunteers are asked to "
                        "consent again."
                    ),
                )
    except (ApplicationError, ValidationError) as error:
        add_service_errors(form, error)
        return None
    return saved


def _data_request_initial(
    pilot: Pilot, data_request: PilotDataRequest | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    if data_request is None:
        return {"recipient_companies": [c.pk for c in pilot.companies.all()], "retention_days": 30}, []
    written_ko, written_en = services.consent_texts_for(
        pilot=pilot,
        category_label=data_request.category_label,
        category_label_en=data_request.category_label_en,
        purpose=data_request.purpose,
        purpose_en=data_request.purpose_en,
        recipient=data_request.recipient,
        recipient_en=data_request.recipient_en,
        retention_days=data_request.retention_days,
    )
    initial = {
        "category_code": data_request.category_code,
        "category_label": data_request.category_label,
        "category_label_en": data_request.category_label_en,
        "purpose": data_request.purpose,
        "purpose_en": data_request.purpose_en,
        "recipient_companies": [c.pk for c in data_request.recipient_companies.all()],
        "retention_days": data_request.retention_days,
        # Empty when the text was written from the fields: left so, it follows the change.
        "consent_text": "" if data_request.consent_text == written_ko else data_request.consent_text,
        "consent_text_en": ""
        if data_request.consent_text_en in ("", written_en)
        else data_request.consent_text_en,
    }
    return initial, list(data_request.fields)


def _typed(data) -> dict[str, Any]:
    typed: dict[str, Any] = {
        name: data.get(name, "")
        for name in (
            "category_code",
            "category_label",
            "category_label_en",
            "purpose",
            "purpose_en",
            "retention_days",
            "consent_text",
            "consent_text_en",
        )
    }
    typed["recipient_companies"] = data.getlist("recipient_companies")
    return typed


def _with_preset(typed: dict[str, Any], preset: FieldPreset) -> dict[str, Any]:
    # A category typed by hand is kept; one a preset filled in follows the next preset.
    codes = {""} | {p.category_code for p in FIELD_PRESETS}
    labels = [p.category_labels() for p in FIELD_PRESETS]
    korean, english = preset.category_labels()
    typed = dict(typed)
    if typed["category_code"].strip() in codes:
        typed["category_code"] = preset.category_code
    if typed["category_label"].strip() in {"", *(ko for ko, _en in labels)}:
        typed["category_label"] = korean
    if typed.get("category_label_en", "").strip() in {"", *(en for _ko, en in labels)}:
        typed["category_label_en"] = english
    return typed


def _consent_preview(pilot: Pilot, form: DataRequestForm) -> dict[str, str]:
    """The consent texts written from what the form holds now, Korean and English, or {} while
    a part is missing."""
    values = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else form.initial
    label = str(values.get("category_label") or "").strip()
    purpose = str(values.get("purpose") or "").strip()
    try:
        days = int(values.get("retention_days") or 0)
    except (TypeError, ValueError):
        days = 0
    chosen = {str(getattr(c, "pk", c)) for c in values.get("recipient_companies") or []}
    names = ", ".join(c.name for c in pilot.companies.all() if str(c.pk) in chosen)
    if not (label and purpose and names and 0 < days <= 3650):
        return {}
    korean, english = services.consent_texts_for(
        pilot=pilot,
        category_label=label,
        category_label_en=str(values.get("category_label_en") or "").strip(),
        purpose=purpose,
        purpose_en=str(values.get("purpose_en") or "").strip(),
        recipient=names,
        recipient_en=names,
        retention_days=days,
    )
    return {"ko": korean, "en": english}


def _place_form(station: Station, data: QueryDict | None = None) -> StationForm:
    """The form correcting one station's place, its ids its own among the page's other forms."""
    return StationForm(
        data,
        initial={"name": station.name, "name_en": station.name_en},
        auto_id=f"id_station{station.pk}_%s",
    )


@never_cache
@city_staff_required
def pilot_stations_page(request, pilot_id: int):
    """Staff register a pilot's donation stations, correct their place and revoke them. A new
    station's key is shown in the answer to the registration itself, once: never stored, never
    shown again."""
    pilot = _managed_pilot(pilot_id)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "revoke":
        try:
            station = get_object_or_404(pilot.stations, pk=posted_id(request.POST, "station"))
            services.station_revoke(station=station, by=request.user)
        except (ApplicationError, ValidationError) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("The station “%(name)s” was revoked; its key no longer works.")
                % {"name": station.shown_name},
            )
        return redirect("pilot-stations", pilot_id=pilot.pk)
    form = StationForm(request.POST if action == "register" else None)
    registered = None
    # The place form sent back with its errors, in its station's row.
    place_form, place_form_of = None, None
    status = 200
    if action == "rename":
        try:
            station = get_object_or_404(pilot.stations, pk=posted_id(request.POST, "station"))
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("pilot-stations", pilot_id=pilot.pk)
        if not station.is_active:
            # Revoked meanwhile: its row has no form to hold what was typed, nor its errors.
            messages.error(request, services.revoked_station_place_message())
            return redirect("pilot-stations", pilot_id=pilot.pk)
        place_form, place_form_of = _place_form(station, request.POST), station.pk
        if place_form.is_valid():
            try:
                station = services.station_rename(
                    station=station,
                    by=request.user,
                    name=place_form.cleaned_data["name"],
                    name_en=place_form.cleaned_data["name_en"],
                )
            except ValidationError as error:
                add_service_errors(place_form, error)
            except ApplicationError as error:
                # The station was revoked meanwhile: its row no longer has a form to hold this.
                messages.error(request, error_text(error))
                return redirect("pilot-stations", pilot_id=pilot.pk)
            else:
                messages.success(
                    request, _("The station's place is now “%(name)s”.") % {"name": station.shown_name}
                )
                return redirect("pilot-stations", pilot_id=pilot.pk)
        status = 400
    elif request.method == "POST":
        if action != "register":
            messages.error(request, _("Choose what to do."))
            return redirect("pilot-stations", pilot_id=pilot.pk)
        if form.is_valid():
            try:
                registered = services.station_register(
                    pilot=pilot,
                    by=request.user,
                    name=form.cleaned_data["name"],
                    name_en=form.cleaned_data["name_en"],
                )
            except (ApplicationError, ValidationError) as error:
                add_service_errors(form, error)
            else:
                form = StationForm()
        if registered is None:
            status = 400
    # Each station with the form correcting its place; a revoked one has none: it is done with
    # and keeps the place donors knew it by.
    stations = [
        (
            station,
            (place_form if station.pk == place_form_of else _place_form(station))
            if station.is_active
            else None,
        )
        for station in selectors.station_list(pilot=pilot)
    ]
    shown = [pilot.shown_title, *(station.shown_name for station, _place_form_of_it in stations)]
    return render(
        request,
        "donations/stations.html",
        {
            "pilot": pilot,
            "stations": stations,
            "form": form,
            "registered": registered,
            "shows_korean_only": any_korean_only(shown),
        },
        status=status,
    )
