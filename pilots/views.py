from collections.abc import Sequence

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.decorators import city_staff_required
from companies.models import Company
from core.bilingual import any_korean_only, shown_label
from core.errors import ApplicationError
from core.forms import (
    GroupedCheckboxSelectMultiple,
    MultilineField,
    SingleLineField,
    add_service_errors,
    error_text,
    error_text_naming_fields,
    posted_flag,
    posted_id,
    posted_text,
)
from core.shortcuts import get_or_404
from ideas.models import District, Idea
from matching.models import Match, MatchStatus
from matching.selectors import matches_for_pilot

from . import services as pilot_services
from .models import (
    CANCELLATION_REASON_MAX_LENGTH,
    PILOT_TEXT_MAX_LENGTH,
    PILOT_TITLE_MAX_LENGTH,
    PILOT_VENUE_MAX_LENGTH,
    Pilot,
    PilotMilestone,
    PilotStage,
)
from .selectors import (
    ConsentToRenew,
    pilot_consents_to_renew,
    pilot_get,
    pilot_list,
    pilot_participation_of,
    volunteer_requests_with_donations,
    volunteer_stations,
)


@require_safe
def pilot_list_page(request):
    page = Paginator(pilot_list(user=request.user), 12).get_page(request.GET.get("page"))
    shown = [text for pilot in page for text in (pilot.shown_title, pilot.shown_venue)]
    return render(request, "pilots/list.html", {"page": page, "shows_korean_only": any_korean_only(shown)})


@require_safe
def pilot_detail_page(request, pilot_id: int):
    return render_pilot_page(request, pilot_id)


def render_pilot_page(request, pilot_id: int, *, posted=None, refused_withdrawal=None, status: int = 200):
    """The pilot page; `posted` refills the staff forms after an error so nothing typed is lost,
    and `refused_withdrawal` ({"leave", "data_request"}, as My donations has it) opens again the
    folded withdrawal or leaving form that was refused, with its choice."""
    pilot = get_or_404(pilot_get, pilot_id=pilot_id, user=request.user)
    volunteer, consented = pilot_participation_of(pilot=pilot, user=request.user)
    renewals = pilot_consents_to_renew(volunteer=volunteer) if volunteer is not None else []
    held = volunteer_requests_with_donations(volunteer=volunteer) if volunteer is not None else set()
    # A consent to a replaced request takes nothing new: only the ones asked for now count here.
    asked = {data_request.pk for data_request in pilot.data_requests.all()}
    consented_now = consented & asked
    return render(
        request,
        "pilots/detail.html",
        {
            "pilot": pilot,
            "volunteer": volunteer,
            "consented": consented,
            "consented_now": consented_now,
            "consents_to_all": bool(asked) and consented_now == asked,
            # A station that takes what the volunteer consented to: only then is a donor code offered.
            "can_donate_at_a_station": (
                pilot.is_collecting
                and volunteer is not None
                and bool(consented_now)
                and volunteer_stations(volunteer=volunteer).exists()
            ),
            # What the volunteer may donate as a file now, on My donations: the next step after consenting.
            "upload_requests": [
                data_request for data_request in pilot.data_requests.all() if data_request.pk in consented_now
            ]
            if pilot.is_collecting
            else [],
            "held_requests": held,
            # Leaving withdraws every consent still given: only donations under those are asked about.
            "leaving_holds_donations": bool(held & consented),
            "renewals": renewals,
            "leads_to_new_request": any(renewal.current for renewal in renewals),
            "shows_korean_only": _shows_korean_only(pilot, renewals),
            "stages": PilotStage.choices,
            "reason_max_length": CANCELLATION_REASON_MAX_LENGTH,
            "posted": posted or {},
            "refused_withdrawal": refused_withdrawal,
            "chosen_stage": (posted or {}).get("stage") or pilot.stage,
        },
        status=status,
    )


def _shows_korean_only(pilot: Pilot, renewals: Sequence[ConsentToRenew]) -> bool:
    """Whether the page shows a reader of English some text staff wrote in Korean only: the page
    then says so once, near its top, rather than after each of them (up to one a line)."""
    texts = [pilot.shown_title, pilot.shown_venue, pilot.shown_description]
    for data_request in pilot.data_requests.all():
        texts += [
            data_request.shown_category_label,
            data_request.shown_purpose,
            data_request.shown_consent_text,
        ]
        if not data_request.recipient_companies.all():
            texts.append(data_request.shown_recipient)
        texts += [shown_label(field) for field in data_request.fields]
    texts += [renewal.consent.data_request.shown_category_label for renewal in renewals]
    texts += [milestone.shown_title for milestone in pilot.milestones.all()]
    texts += [update.shown_body for update in pilot.updates.all()]
    return any_korean_only(texts)


@login_required
@require_POST
def pilot_follow_page(request, pilot_id: int):
    """Follow or stop following a pilot's news, from its page."""
    pilot = get_object_or_404(Pilot.objects.visible_to(request.user), pk=pilot_id)
    if request.POST.get("action") == "unfollow":
        pilot_services.pilot_unfollow(pilot=pilot, user=request.user)
        messages.success(request, _("You no longer follow this pilot."))
    else:
        try:
            pilot_services.pilot_follow(pilot=pilot, user=request.user)
        except ApplicationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request, _("You follow this pilot: its news comes to your notifications and My page.")
            )
    return redirect("pilot-detail", pilot_id=pilot.pk)


class PilotForm(forms.Form):
    title = SingleLineField(label=gettext_lazy("title"), max_length=PILOT_TITLE_MAX_LENGTH)
    title_en = SingleLineField(
        label=gettext_lazy("title in English"),
        max_length=PILOT_TITLE_MAX_LENGTH,
        required=False,
        help_text=gettext_lazy(
            "Optional. People reading the site in English see this; left empty, they see the Korean "
            "title, marked as written in Korean only."
        ),
    )
    description = MultilineField(
        label=gettext_lazy("description"),
        max_length=PILOT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    description_en = MultilineField(
        label=gettext_lazy("description in English"),
        max_length=PILOT_TEXT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Optional. People reading the site in English see this; left empty, they see the Korean "
            "description, marked as written in Korean only."
        ),
    )
    district = forms.ChoiceField(label=gettext_lazy("district"), choices=District.choices)
    venue = SingleLineField(label=gettext_lazy("venue"), max_length=PILOT_VENUE_MAX_LENGTH, required=False)
    venue_en = SingleLineField(
        label=gettext_lazy("venue in English"),
        max_length=PILOT_VENUE_MAX_LENGTH,
        required=False,
        help_text=gettext_lazy(
            "Optional. People reading the site in English see this; left empty, they see the Korean "
            "venue, marked as written in Korean only."
        ),
    )
    companies = forms.ModelMultipleChoiceField(
        label=gettext_lazy("companies"),
        queryset=None,
        widget=GroupedCheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Choose at least one company.")},
    )

    def __init__(self, *args, matches: Sequence[Match] = (), **kwargs):
        super().__init__(*args, **kwargs)
        companies = self.fields["companies"]
        companies.queryset = Company.objects.filter(is_verified=True).order_by("name")
        if matches:
            # The matched companies first, each with what the matcher and the company said;
            # every other verified company stays selectable below them.
            matched = {match.company_id for match in matches}
            companies.choices = [
                (_("Matched with this idea"), [(m.company_id, _matched_company_label(m)) for m in matches]),
                (
                    _("Other companies"),
                    [(c.pk, c.name) for c in companies.queryset if c.pk not in matched],
                ),
            ]


def _matched_company_label(match: Match) -> str:
    label = format_html(
        '{} <span class="strength strength-{}">{}</span>',
        match.company.name,
        match.strength,
        match.get_strength_display(),
    )
    if match.status == MatchStatus.INTERESTED:
        label = format_html('{} <span class="status">{}</span>', label, match.get_status_display())
    return label


@city_staff_required
def pilot_create_page(request, idea_id: int):
    """Staff turn an idea and the companies interested in it into a pilot."""
    idea = get_object_or_404(Idea, pk=idea_id)
    # Said before the form is filled in, not after: the idea page offers no such link, but an
    # older page or a bookmark may.
    refusal = pilot_services.pilot_create_refusal(idea=idea)
    if refusal is not None:
        return render(
            request,
            "pilots/form.html",
            {"idea": idea, "refusal": error_text(refusal)},
            status=409 if request.method == "POST" else 200,
        )
    matches = matches_for_pilot(idea=idea)
    form = PilotForm(
        request.POST or None,
        matches=matches,
        initial={
            "title": idea.title,
            "district": idea.district,
            "companies": [m.company_id for m in matches if m.status == MatchStatus.INTERESTED],
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        companies = list(data.pop("companies"))
        try:
            pilot = pilot_services.pilot_create(by=request.user, idea=idea, companies=companies, **data)
        except pilot_services.PilotRepeated as repeated:
            # The form sent twice (a double click): the first send made the pilot and said so, and
            # the person lands on it as if this send had.
            return redirect("pilot-detail", pilot_id=repeated.pilot.pk)
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The pilot was created in planning."))
            return redirect("pilot-detail", pilot_id=pilot.pk)
    # A form sent back refused says so in its status too, as the site's other forms do.
    status = 400 if request.method == "POST" else 200
    return render(request, "pilots/form.html", {"form": form, "idea": idea}, status=status)


# The labels the pilot page gives the fields of its staff forms, to name them in a refusal.
MANAGE_FIELD_LABELS = {
    "stage": gettext_lazy("New stage"),
    "reason": gettext_lazy("Reason (when cancelling)"),
    "title": gettext_lazy("New milestone"),
    "title_en": gettext_lazy("Milestone in English"),
    "due_date": gettext_lazy("Due date"),
    "body": gettext_lazy("Public update"),
    "body_en": gettext_lazy("Update in English"),
}


class MilestoneForm(forms.Form):
    title = SingleLineField(
        label=MANAGE_FIELD_LABELS["title"], max_length=PilotMilestone._meta.get_field("title").max_length
    )
    title_en = SingleLineField(
        label=MANAGE_FIELD_LABELS["title_en"],
        max_length=PilotMilestone._meta.get_field("title_en").max_length,
        required=False,
    )
    due_date = forms.DateField(label=MANAGE_FIELD_LABELS["due_date"])


@city_staff_required
@require_http_methods(["GET", "POST"])
def pilot_manage(request, pilot_id: int):
    """Staff move a pilot through its stages, add milestones and post public updates; the page
    then says what was done and who was told of it."""
    # With its idea: a new stage may change the idea's status too, and the page says so.
    pilot = get_object_or_404(Pilot.objects.select_related("idea"), pk=pilot_id)
    if request.method == "GET":
        # The address a refused form leaves in the browser: reloaded or bookmarked, it leads to
        # the forms themselves.
        return redirect(f"{reverse('pilot-detail', args=[pilot.pk])}#manage")
    action = request.POST.get("action")
    try:
        if action == "stage":
            idea_status = pilot.idea.status
            pilot = pilot_services.pilot_change_stage(
                pilot=pilot,
                by=request.user,
                stage=request.POST.get("stage", ""),
                # Several lines, perhaps: kept as one line break each, as in the update's body.
                reason=normalize_newlines(posted_text(request.POST, "reason")),
            )
            done = _stage_changed(pilot, idea_changed=pilot.idea.status != idea_status)
        elif action == "milestone":
            # Read whole, so a refusal names every field left wrong, not the first one found.
            milestone_form = MilestoneForm(request.POST)
            if not milestone_form.is_valid():
                raise ValidationError(milestone_form.errors.as_data())
            milestone = pilot_services.pilot_milestone_add(
                pilot=pilot, by=request.user, **milestone_form.cleaned_data
            )
            done = _("Milestone added: “%(title)s”.") % {"title": milestone.shown_title}
        elif action == "milestone_done":
            milestone = get_object_or_404(pilot.milestones, pk=posted_id(request.POST, "milestone"))
            milestone = pilot_services.pilot_milestone_change(
                milestone=milestone, by=request.user, is_done=posted_flag(request.POST, "is_done")
            )
            done = (
                _("Marked “%(title)s” done.") if milestone.is_done else _("Marked “%(title)s” not done.")
            ) % {"title": milestone.shown_title}
        elif action == "update":
            # A textarea sends its line breaks as CRLF: kept as one line break each, as in the
            # pilot's description.
            pilot_services.pilot_update_post(
                pilot=pilot,
                by=request.user,
                body=normalize_newlines(posted_text(request.POST, "body")),
                body_en=normalize_newlines(posted_text(request.POST, "body_en")),
            )
            done = _("News posted; the pilot's volunteers and followers and the idea's followers were told.")
        else:
            # Nothing was done, so nothing may be reported as saved.
            raise ApplicationError(_("Choose what to do."))
    except (ApplicationError, ValidationError) as error:
        messages.error(request, error_text_naming_fields(error, MANAGE_FIELD_LABELS))
    else:
        messages.success(request, done)
        return redirect("pilot-detail", pilot_id=pilot.pk)
    return render_pilot_page(request, pilot.pk, posted=request.POST, status=400)


def _stage_changed(pilot: Pilot, *, idea_changed: bool) -> str:
    """What a change of stage did, as `pilot_change_stage` does it: the pilot's volunteers and
    followers are told, and the idea's followers, through the idea's own news when its status
    changed with the stage (its author too, then)."""
    if idea_changed:
        return _(
            "The stage is now %(stage)s and the idea is now %(status)s; the pilot's volunteers and "
            "followers and the idea's author and followers were told."
        ) % {"stage": pilot.get_stage_display(), "status": pilot.idea.get_status_display()}
    return _(
        "The stage is now %(stage)s; the pilot's volunteers and followers and the idea's followers were told."
    ) % {"stage": pilot.get_stage_display()}
