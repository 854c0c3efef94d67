"""Data donation's pages: a volunteer's consent, donating, and what became of their data."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.forms import error_text, posted_id
from pilots import services as pilot_services
from pilots.models import Pilot, PilotDataRequest, PilotVolunteer
from pilots.selectors import pilot_volunteer_get

from . import services


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
