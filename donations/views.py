"""Data donation's pages: a volunteer's consent, donating, and what became of their data."""

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.exception_handler import HTTP_STATUS
from core.forms import error_text, posted_id
from core.shortcuts import get_or_404
from pilots import services as pilot_services
from pilots.models import CONSENT_STAGES, Pilot, PilotDataRequest, PilotVolunteer
from pilots.selectors import pilot_volunteer_get

from . import selectors, services, uploads
from .fields import parse_fields
from .models import DonationSource


@login_required
def pilot_participation(request, pilot_id: int):
    """A citizen volunteers, leaves, or gives and withdraws consent per data category."""
    if request.method != "POST":
        return redirect("pilot-detail", pilot_id=pilot_id)
    # The services load what they need; the page's prefetches would be thrown away.
    pilot = get_object_or_404(Pilot.objects.visible_to(request.user), pk=pilot_id)
    action = request.POST.get("action")
    try:
        if action == "join":
            pilot_services.pilot_volunteer_join(
                pilot=pilot, user=request.user, share_identity=request.POST.get("share_identity") == "on"
            )
            messages.success(request, _("Thank you for volunteering."))
        else:
            volunteer = pilot_volunteer_get(pilot=pilot, user=request.user)
            keeps = request.POST.get("keep_donations") == "on"
            if action == "leave":
                services.volunteer_leave(volunteer=volunteer, keep_donations=keeps)
                messages.success(request, _("You left the pilot; your consents were withdrawn."))
            elif action in ("consent", "withdraw"):
                data_request = get_object_or_404(
                    PilotDataRequest, pk=posted_id(request.POST, "data_request"), pilot=pilot
                )
                if action == "consent":
                    if request.POST.get("agree") != "on":
                        raise ApplicationError(_("Tick the box to agree to the text above."))
                    services.consent_give(volunteer=volunteer, data_request=data_request)
                    messages.success(request, _("Your consent was recorded."))
                else:
                    services.consent_withdraw(
                        volunteer=volunteer, data_request=data_request, keep_donations=keeps
                    )
                    messages.success(request, _("Your consent was withdrawn."))
    except PilotVolunteer.DoesNotExist:
        messages.error(request, _("Volunteer for the pilot first."))
    except (ApplicationError, ValidationError) as error:
        messages.error(request, error_text(error))
    return redirect("pilot-detail", pilot_id=pilot_id)


# --- A donor's own data: My donations, withdrawing, uploading a file ------------------------


class DonationUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or JSON)"))


# The withdrawal forms' choice, as the pilot page's form sends it too: deleting is the default.
KEEP_DONATIONS = "on"


def _render_my_donations(request, *, upload_form=None, upload_request_id=None, status: int = 200):
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
            # A refusal for a category the page does not list (never consented to) shows on top.
            "unplaced_upload_form": upload_form if upload_form is not None and not placed else None,
            "max_upload_megabytes": uploads.MAX_UPLOAD_BYTES // (1024 * 1024),
            "max_upload_rows": uploads.MAX_UPLOAD_ROWS,
        },
        status=status,
    )


@never_cache
@login_required
def my_donations_page(request):
    """What a donor gave, per pilot and category, who read it, the results, and the deletions."""
    return _render_my_donations(request)


def _my_category(request, pilot_id: int, request_id: int):
    return get_or_404(
        selectors.my_category_get, user=request.user, pilot_id=pilot_id, data_request_id=request_id
    )


@never_cache
@login_required
@require_POST
def my_donations_withdraw(request, pilot_id: int):
    """Withdraw one category's consent, or leave the pilot, deleting or keeping what was donated."""
    volunteer = get_object_or_404(
        PilotVolunteer.objects.select_related("pilot"), pilot_id=pilot_id, user=request.user
    )
    keeps = request.POST.get("keep_donations") == KEEP_DONATIONS
    try:
        if request.POST.get("action") == "leave":
            if not volunteer.is_active:
                raise ApplicationError(_("You already left this pilot."))
            services.volunteer_leave(volunteer=volunteer, keep_donations=keeps)
            messages.success(request, _("You left the pilot; your consents were withdrawn."))
        else:
            data_request = get_object_or_404(
                PilotDataRequest, pk=posted_id(request.POST, "data_request"), pilot_id=pilot_id
            )
            services.consent_withdraw(volunteer=volunteer, data_request=data_request, keep_donations=keeps)
            messages.success(request, _("Your consent was withdrawn."))
        if keeps:
            messages.info(
                request,
                _("No one can read what you donated any more; it is deleted when its retention ends."),
            )
        else:
            messages.info(
                request, _("What you donated was deleted; the deletion is recorded, not the values.")
            )
    except (ApplicationError, ValidationError) as error:
        messages.error(request, error_text(error))
    return redirect("my-donations")


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
@require_POST
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
            % {"category": data_request.category_label},
        )
    elif volunteer.pilot.stage not in CONSENT_STAGES or data_request.replaced_at is not None:
        form.add_error(
            None,
            _("This pilot is not collecting %(category)s now.") % {"category": data_request.category_label},
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
@require_POST
def my_donation_upload_confirm(request, pilot_id: int, request_id: int):
    """Stores the reviewed rows the donor kept, all or none, as one donation."""
    volunteer, data_request = _my_category(request, pilot_id, request_id)
    token = request.POST.get("rows", "")
    try:
        rows = uploads.upload_unsign(token=token, volunteer_id=volunteer.pk, data_request_id=data_request.pk)
    except uploads.UploadError as error:
        messages.error(request, str(error))
        return redirect("my-donations")
    removed = {int(number) for number in request.POST.getlist("remove") if number.isdigit()}
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
        % {"count": len(kept), "category": data_request.category_label},
    )
    return redirect(f"{reverse('my-donations')}#donation-{donation.pk}")


# --- Donation points: the donor's one-time code and the station's kiosk ---------------------


def _code_grouped(code: str) -> str:
    # Three and three: read aloud and typed in two breaths.
    return f"{code[:3]} {code[3:]}"


def _code_qr(code: str) -> str:
    """The code as a QR code, inline SVG markup (no script, no inline style: the CSP allows it)."""
    return segno.make(code, error="m", micro=False).svg_inline(
        scale=6, dark="#000", light="#fff", svgclass="qr-code", omitsize=True
    )


@login_required
def donor_code_page(request, pilot_id: int):
    """A volunteer asks for a one-time code to show a donation station of the pilot."""
    pilot = get_object_or_404(Pilot.objects.visible_to(request.user), pk=pilot_id)
    try:
        volunteer = pilot_volunteer_get(pilot=pilot, user=request.user)
    except PilotVolunteer.DoesNotExist:
        messages.error(request, _("Volunteer for the pilot first."))
        return redirect("pilot-detail", pilot_id=pilot_id)
    context: dict = {
        "pilot": pilot,
        "categories": selectors.donor_consented_requests(volunteer=volunteer),
        "minutes": settings.DONOR_CODE_MINUTES,
    }
    status = 200
    if request.method == "POST":
        try:
            donor_code, code = services.donor_code_issue(volunteer=volunteer)
        except ApplicationError as error:
            context["error"] = error.message
            status = 409
        else:
            context.update(
                code=_code_grouped(code),
                qr=mark_safe(_code_qr(code)),  # noqa: S308 - segno's markup of a code of [2-9A-Z]
                expires_at=donor_code.expires_at,
            )
    return render(request, "donations/donor_code.html", context, status=status)


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
                "noConsent": _("You have not consented to donate any data this station measures."),
                "resetIn": _("This screen starts over in {seconds} s."),
                "offline": _("The connection failed; trying again…"),
                "forgetConfirm": _("Forget this station's key on this tablet?"),
                "takes": _("This station takes: {categories}"),
                "measuredAt": _("measured at {time}"),
                "by": _("from {company}"),
            },
            "donor_code_minutes": settings.DONOR_CODE_MINUTES,
        },
    )
