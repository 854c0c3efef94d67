"""Data donation's pages: a volunteer's consent, donating, and what became of their data."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.forms import error_text, posted_id
from pilots import services as pilot_services
from pilots.models import Pilot, PilotDataRequest, PilotVolunteer
from pilots.selectors import pilot_volunteer_get

from . import selectors, services


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
