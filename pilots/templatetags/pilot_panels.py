"""Pilots on other apps' pages: the idea page's pilots and timeline, the home page's pilots, a
company's pilots on its page and its matches page. Registered here so that ideas, companies and
the matcher show them without importing pilots."""

from django import template
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext as _

from core.bilingual import any_korean_only
from ideas.models import IdeaStatus
from matching.selectors import idea_first_matched_at, idea_has_company_for_pilot
from pilots.models import PilotStage, idea_can_become_pilot
from pilots.selectors import (
    idea_has_pilots,
    pilot_list,
    pilot_titles_for_idea,
    pilots_of_company,
    pilots_of_idea_by_age,
)

register = template.Library()

ENDED_STATUSES = (IdeaStatus.MERGED, IdeaStatus.REJECTED)
FEATURED_STAGES = (PilotStage.RECRUITING, PilotStage.RUNNING, PilotStage.EVALUATING, PilotStage.COMPLETED)


@register.inclusion_tag("pilots/_idea_pilots.html", takes_context=True)
def idea_pilots_panel(context, idea):
    user = context["request"].user
    # Who may see which pilot is the selector's rule: asked only when there is one to see.
    pilots = pilot_titles_for_idea(idea_id=idea.pk, user=user) if idea_has_pilots(idea=idea) else []
    can_create_pilot = user.is_authenticated and user.is_city_staff and idea_can_become_pilot(idea)
    return {
        "idea": idea,
        "user": user,
        "pilots": pilots,
        "can_create_pilot": can_create_pilot,
        "has_matched_company": can_create_pilot and idea_has_company_for_pilot(idea=idea),
    }


@register.inclusion_tag("pilots/_idea_timeline.html")
def idea_timeline(idea):
    """The steps from proposal to pilot, each with the date it was entered where that is known.

    A step is done once any later one is: an idea the city made a pilot of was matched with the
    pilot's companies, whatever the matcher said. Its date is then the earlier of the matcher's
    and the pilot's making. A step reached at no recorded time shows no date rather than a guess.
    """
    pilots = pilots_of_idea_by_age(idea=idea)
    first_pilot = pilots[0] if pilots else None
    matched_dates = [idea_first_matched_at(idea=idea), first_pilot.created_at if first_pilot else None]
    completed = next((p for p in pilots if p.stage == PilotStage.COMPLETED), None)
    steps = [
        (_("Submitted"), idea.created_at, True),
        (_("Published"), idea.published_at, idea.published_at is not None),
        (_("Matched"), min(filter(None, matched_dates), default=None), any(matched_dates)),
        (_("In pilot"), first_pilot.went_public_at if first_pilot else None, first_pilot is not None),
        (_("Completed"), completed.closed_at if completed else None, completed is not None),
    ]
    timeline = [
        {"label": label, "date": date, "done": any(later for _label, _date, later in steps[index:])}
        for index, (label, date, _reached) in enumerate(steps)
    ]
    if idea.status in ENDED_STATUSES or idea.is_hidden:
        # A merged or rejected idea goes no further, nor does one the moderators hid while it
        # stays hidden: the steps it will not reach are left out, and where it stands is its last.
        timeline = [step for step in timeline if step["done"]]
        timeline.append({"label": idea.status_label, "date": None, "done": True})
    return {"timeline": timeline}


@register.inclusion_tag("pilots/_current_pilots.html", takes_context=True)
def current_pilots(context, limit: int = 4):
    """Pilots citizens can follow now: past planning and not cancelled, those recruiting
    participants first (a visitor can still join them), then by how far they have come."""
    stage_order = Case(
        *(When(stage=stage, then=Value(rank)) for rank, stage in enumerate(FEATURED_STAGES)),
        default=Value(len(FEATURED_STAGES)),
        output_field=IntegerField(),
    )
    pilots = (
        pilot_list(user=context["request"].user)
        .filter(stage__in=FEATURED_STAGES)
        .annotate(stage_order=stage_order)
        .order_by("stage_order", "-created_at", "-id")[:limit]
    )
    # Said once for the section, as the pilot list says it once for its page.
    return {"pilots": pilots, "shows_korean_only": any_korean_only(pilot.shown_title for pilot in pilots)}


@register.inclusion_tag("pilots/_company_pilots.html")
def company_pilots_panel(company, user, is_member: bool = False):
    """The pilots the company takes part in that `user` may see, said in the company's voice to
    its members; nothing at all when there are none. Takes the user rather than the request, so
    the matches page can keep it with its cards (matching/views.py)."""
    return {"pilots": list(pilots_of_company(company=company, user=user)), "is_member": is_member}
