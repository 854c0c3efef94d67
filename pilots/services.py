"""Pilots' writes: staff curate and run pilots; citizens volunteer and consent to donate data."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record, audited, snapshot
from accounts.models import CITY_STAFF, AuditAction, NotificationKind, User
from accounts.notifications import notify_in_their_language
from accounts.rules import require_city_staff
from companies.models import Company
from core.errors import ApplicationError, ErrorKind, conflict, forbidden, not_found
from core.services import model_update, save_validated
from ideas.models import Idea, IdeaStatus
from ideas.services import idea_set_pilot_status
from matching.models import Match

from . import selectors
from .models import (
    CLOSED_STAGES,
    PILOT_STAGE_TRANSITIONS,
    PILOTABLE_IDEA_STATUSES,
    Pilot,
    PilotFollow,
    PilotMilestone,
    PilotStage,
    PilotUpdate,
    PilotVolunteer,
    idea_can_become_pilot,
)

PILOT_FIELDS = [
    "title",
    "title_en",
    "description",
    "description_en",
    "district",
    "venue",
    "venue_en",
    "stage",
    "cancellation_reason",
]
MILESTONE_FIELDS = ["id", "title", "title_en", "due_date", "is_done"]
MILESTONE_EDITABLE_FIELDS = ("title", "title_en", "due_date", "is_done")
EDITABLE_FIELDS = ("title", "title_en", "description", "description_en", "district", "venue", "venue_en")


def pilot_require_open(pilot: Pilot) -> None:
    """Refuses any change to a completed or cancelled pilot, with its stage named."""
    if pilot.stage in CLOSED_STAGES:
        raise conflict(
            _("A pilot that is %(stage)s cannot be changed.") % {"stage": pilot.get_stage_display()}
        )


# --- Staff: curating and running ------------------------------------------------------------


def pilot_create_refusal(*, idea: Idea) -> ApplicationError | None:
    """Why no pilot can be made from `idea`, or None if one can: the create page says so before
    staff fill in the form, and pilot_create refuses the same way."""
    if idea_can_become_pilot(idea):
        return None
    if idea.is_hidden:
        message = _("This idea is hidden: restore it before making a pilot from it.")
    elif idea.status == IdeaStatus.COMPLETED:
        message = _("This idea's pilot is completed: no new pilot can be made from it.")
    elif idea.status == IdeaStatus.MERGED:
        message = _("This idea was merged into another: make the pilot from that idea.")
    else:
        message = _("Only a published idea can become a pilot.")
    return ApplicationError(message, fields={"idea": [message]})


class PilotRepeated(ApplicationError):
    """The create form sent again: the pilot it makes was made a moment ago, and is `pilot`."""

    def __init__(self, pilot: Pilot):
        super().__init__(
            _("You created this pilot a moment ago."), code="repeated_submission", kind=ErrorKind.CONFLICT
        )
        self.pilot = pilot


@transaction.atomic
def pilot_create(
    *,
    by: User,
    idea: Idea,
    companies: list[Company],
    title: str,
    description: str,
    district: str = "",
    venue: str = "",
    title_en: str = "",
    description_en: str = "",
    venue_en: str = "",
) -> Pilot:
    """Make a pilot (in planning) from an idea and verified companies. The idea keeps its status
    until the pilot recruits: a pilot in planning is not public, and "in pilot" would tell.

    The same pilot made again by the same staff member within PILOT_REPEAT_WINDOW is refused
    as `repeated_submission`: it is the create form sent twice."""
    require_city_staff(by, message=_("Only city staff can run pilots."))
    # Locked, so a form sent twice at once makes the second send wait for the first pilot and
    # find it rather than both finding none; and the idea is judged as it is now.
    idea.refresh_from_db(from_queryset=Idea.objects.select_for_update(no_key=True))
    refusal = pilot_create_refusal(idea=idea)
    if refusal is not None:
        raise refusal
    if not companies:
        message = _("Choose at least one company.")
        raise ApplicationError(message, fields={"companies": [message]})
    unverified = [company.name for company in companies if not company.is_verified]
    if unverified:
        message = _("These companies are not verified yet: %(names)s.") % {"names": ", ".join(unverified)}
        raise ApplicationError(message, fields={"companies": [message]})
    fields = {
        "title": title.strip(),
        "title_en": title_en.strip(),
        "description": description.strip(),
        "description_en": description_en.strip(),
        "district": district or idea.district,
        "venue": venue.strip(),
        "venue_en": venue_en.strip(),
    }
    repeated = selectors.pilot_repeat_of(by=by, idea=idea, companies=companies, fields=fields)
    if repeated is not None:
        raise PilotRepeated(repeated)
    pilot = Pilot(idea=idea, created_by=by, **fields)
    save_validated(pilot)
    pilot.companies.set(companies)
    audit_record(
        actor=by,
        action=AuditAction.PILOT_CREATE,
        target=pilot,
        after={
            **snapshot(pilot, PILOT_FIELDS),
            "idea": idea.pk,
            "companies": sorted(c.slug for c in companies),
        },
    )
    return pilot


@transaction.atomic
def pilot_edit(*, pilot: Pilot, by: User, **changes: Any) -> Pilot:
    require_city_staff(by, message=_("Only city staff can run pilots."))
    pilot_require_open(pilot)
    with audited(actor=by, action=AuditAction.PILOT_EDIT, target=pilot, fields=list(EDITABLE_FIELDS)):
        model_update(instance=pilot, fields=EDITABLE_FIELDS, data=changes)
    return pilot


@transaction.atomic
def pilot_change_stage(*, pilot: Pilot, by: User, stage: str, reason: str = "") -> Pilot:
    """Move a pilot one stage on, or cancel it with a reason; completing it completes the idea."""
    require_city_staff(by, message=_("Only city staff can run pilots."))
    # Locked so two staff members moving the same pilot cannot both pass the transition check.
    pilot = Pilot.objects.select_for_update(of=("self",)).select_related("idea__author").get(pk=pilot.pk)
    if stage not in PilotStage.values:
        message = _("Choose a stage.")
        raise ApplicationError(message, fields={"stage": [message]})
    if stage not in PILOT_STAGE_TRANSITIONS[PilotStage(pilot.stage)]:
        message = _("A pilot that is %(current)s cannot become %(target)s.") % {
            "current": pilot.get_stage_display(),
            "target": PilotStage(stage).label,
        }
        raise conflict(message, code="invalid_status", fields={"stage": [message]})
    reason = reason.strip()
    if stage == PilotStage.CANCELLED and not reason:
        message = _("Tell the participants why the pilot is cancelled.")
        raise ApplicationError(message, fields={"reason": [message]})
    going_public = pilot.stage == PilotStage.PLANNING and stage == PilotStage.RECRUITING
    if going_public and not _idea_can_go_on_pilot(pilot.idea):
        # While the pilot was planned its idea could still be rejected, hidden or merged.
        message = _("The idea of this pilot is no longer published; cancel the pilot instead.")
        raise conflict(message, fields={"stage": [message]})
    with audited(
        actor=by, action=AuditAction.PILOT_STAGE, target=pilot, fields=["stage", "cancellation_reason"]
    ):
        pilot.stage = stage
        if going_public:
            pilot.went_public_at = timezone.now()
        if stage in CLOSED_STAGES:
            pilot.closed_at = timezone.now()
        if stage == PilotStage.CANCELLED:
            pilot.cancellation_reason = reason
        save_validated(
            pilot,
            update_fields=["stage", "went_public_at", "closed_at", "cancellation_reason", "updated_at"],
            named={"cancellation_reason": "reason"},
        )
    idea_status = None
    if stage == PilotStage.COMPLETED:
        idea_status = IdeaStatus.COMPLETED
    elif going_public and pilot.idea.status in (IdeaStatus.PUBLISHED, IdeaStatus.MATCHED):
        idea_status = IdeaStatus.IN_PILOT
    elif (
        stage == PilotStage.CANCELLED
        and pilot.idea.status == IdeaStatus.IN_PILOT
        and not _has_public_open_pilot(pilot.idea)
    ):
        # The idea is no longer being piloted in public (pilots still in planning are not): it
        # goes back to where the matcher had it, so it reads truthfully and staff can pilot it
        # again. An idea another pilot completed stays completed.
        matched = Match.objects.shown().filter(idea=pilot.idea, rank_for_idea__isnull=False).exists()
        idea_status = IdeaStatus.MATCHED if matched else IdeaStatus.PUBLISHED
    if idea_status is not None:
        idea_set_pilot_status(idea=pilot.idea, status=idea_status, by=by)
    # The idea's followers already hear of a change of the idea's status; told of the stage as
    # well, they would get two notifications for one event.
    _notify_stage(pilot=pilot, by=by, include_followers=idea_status is None)
    return pilot


def _pilot_audience(pilot: Pilot, *, include_followers: bool) -> QuerySet[User]:
    """The pilot's active volunteers and followers and, if asked, the followers of its idea,
    each once. Without the idea's followers, a pilot follower who also follows the idea is left
    out: the idea's own notification already told them.

    Only those who may see the pilot: one that never went public (cancelled in planning) is
    city staff's alone, as `Pilot.objects.visible_to` has it, so its title, its reason for
    cancellation and its link reach no one else, its companies' members included (its page is
    not theirs to open either)."""
    volunteers = Q(volunteering__pilot=pilot, volunteering__left_at__isnull=True)
    pilot_followers = Q(pilot_follows__pilot=pilot)
    idea_followers = Q(follows__idea_id=pilot.idea_id)
    if include_followers:
        audience = volunteers | pilot_followers | idea_followers
    else:
        audience = volunteers | (pilot_followers & ~idea_followers)
    if not pilot.is_public:
        audience &= CITY_STAFF
    return User.objects.filter(audience).distinct()


def _notify_stage(*, pilot: Pilot, by: User, include_followers: bool) -> None:
    notify_in_their_language(
        users=_pilot_audience(pilot, include_followers=include_followers),
        kind=NotificationKind.PILOT_UPDATE,
        title=lambda: (
            _("The pilot “%(title)s” is now: %(stage)s")
            % {"title": pilot.shown_title, "stage": pilot.get_stage_display()}
        ),
        body=pilot.cancellation_reason if pilot.stage == PilotStage.CANCELLED else "",
        link=pilot.get_absolute_url(),
        exclude=by,
    )


def _has_public_open_pilot(idea: Idea) -> bool:
    return Pilot.objects.filter(idea=idea).exclude(stage__in=[*CLOSED_STAGES, PilotStage.PLANNING]).exists()


def _idea_can_go_on_pilot(idea: Idea) -> bool:
    # Completed by another pilot of the same idea is fine: the idea stays completed.
    return not idea.is_hidden and idea.status in (*PILOTABLE_IDEA_STATUSES, IdeaStatus.COMPLETED)


@transaction.atomic
def pilot_milestone_add(
    *,
    pilot: Pilot,
    by: User,
    title: str,
    due_date: datetime.date,
    is_done: bool = False,
    title_en: str = "",
) -> PilotMilestone:
    require_city_staff(by, message=_("Only city staff can run pilots."))
    pilot_require_open(pilot)
    milestone = PilotMilestone(
        pilot=pilot, title=title.strip(), title_en=title_en.strip(), due_date=due_date, is_done=is_done
    )
    save_validated(milestone)
    audit_record(
        actor=by,
        action=AuditAction.PILOT_MILESTONE_ADD,
        target=pilot,
        after=snapshot(milestone, MILESTONE_FIELDS),
    )
    return milestone


@transaction.atomic
def pilot_milestone_change(*, milestone: PilotMilestone, by: User, **changes: Any) -> PilotMilestone:
    require_city_staff(by, message=_("Only city staff can run pilots."))
    pilot_require_open(milestone.pilot)
    with audited(
        actor=by,
        action=AuditAction.PILOT_MILESTONE_CHANGE,
        target=milestone.pilot,
        fields=MILESTONE_FIELDS,
        of=milestone,
    ):
        model_update(instance=milestone, fields=MILESTONE_EDITABLE_FIELDS, data=changes)
    return milestone


@transaction.atomic
def pilot_milestone_remove(*, milestone: PilotMilestone, by: User) -> None:
    require_city_staff(by, message=_("Only city staff can run pilots."))
    pilot_require_open(milestone.pilot)
    audit_record(
        actor=by,
        action=AuditAction.PILOT_MILESTONE_REMOVE,
        target=milestone.pilot,
        before=snapshot(milestone, MILESTONE_FIELDS),
    )
    milestone.delete()


@transaction.atomic
def pilot_update_post(*, pilot: Pilot, by: User, body: str, body_en: str = "") -> PilotUpdate:
    """Publish news from a pilot and tell the pilot's followers and volunteers and the idea's
    followers, each in their own language where staff wrote the news in it."""
    require_city_staff(by, message=_("Only city staff can run pilots."))
    if pilot.stage == PilotStage.PLANNING:
        raise conflict(_("A pilot in planning is not public yet; post updates once it recruits."))
    if not pilot.is_public:
        # Cancelled in planning: no one but staff can read it, so it has no public to tell.
        raise conflict(_("This pilot was cancelled before it went public: it has no public updates."))
    update = PilotUpdate(pilot=pilot, author=by, body=body.strip(), body_en=body_en.strip())
    save_validated(update)
    audit_record(
        actor=by,
        action=AuditAction.PILOT_UPDATE_POST,
        target=pilot,
        after={"id": update.pk, "body": update.body, "body_en": update.body_en},
    )
    notify_in_their_language(
        users=_pilot_audience(pilot, include_followers=True),
        kind=NotificationKind.PILOT_UPDATE,
        title=lambda: _("News from the pilot “%(title)s”") % {"title": pilot.shown_title},
        body=lambda: _news_body(update),
        link=pilot.get_absolute_url(),
        exclude=by,
    )
    return update


def _news_body(update: PilotUpdate) -> str:
    """The news in the reader's language; the Korean, said to be so, where staff gave no English
    (as the pilot's page says it)."""
    shown = update.shown_body
    return f"{shown.text}\n{_('(written in Korean only)')}" if shown.korean_only else shown.text


# --- Citizens: following ----------------------------------------------------------------------


def pilot_follow(*, pilot: Pilot, user: User) -> PilotFollow:
    """Follow a pilot the user can see; following twice is following once."""
    if not user.is_authenticated:
        raise forbidden(_("Log in to follow a pilot."))
    if not Pilot.objects.visible_to(user).filter(pk=pilot.pk).exists():
        raise not_found(_("No such pilot."))
    if pilot.stage == PilotStage.CANCELLED:
        raise conflict(_("This pilot was cancelled: it has no news to follow."))
    if pilot.stage == PilotStage.COMPLETED:
        raise conflict(_("This pilot has ended: it can no longer be followed."))
    follow, _created = PilotFollow.objects.get_or_create(pilot=pilot, user=user)
    return follow


def pilot_unfollow(*, pilot: Pilot, user: User) -> None:
    PilotFollow.objects.filter(pilot=pilot, user=user).delete()


# --- Citizens: volunteering and consent -----------------------------------------------------


@transaction.atomic
def pilot_volunteer_join(*, pilot: Pilot, user: User, share_identity: bool = False) -> PilotVolunteer:
    if pilot.stage != PilotStage.RECRUITING:
        raise conflict(_("This pilot is not looking for participants."))
    volunteer, created = PilotVolunteer.objects.select_for_update().get_or_create(
        pilot=pilot, user=user, defaults={"share_identity": share_identity}
    )
    if not created:
        if volunteer.is_active:
            raise conflict(_("You already take part in this pilot."), code="duplicate")
        # Coming back: the same row, so the consents given before stay attached to it.
        volunteer.left_at = None
        volunteer.joined_at = timezone.now()
        volunteer.share_identity = share_identity
        volunteer.save(update_fields=["left_at", "joined_at", "share_identity"])
    return volunteer


def pilot_volunteer_change(*, volunteer: PilotVolunteer, share_identity: bool) -> PilotVolunteer:
    """Share or stop sharing one's name and email with the pilot's companies. Stopping is always
    allowed (they may still read what was donated); a closed pilot takes no new sharing."""
    if share_identity and not volunteer.share_identity and volunteer.pilot.is_closed:
        if volunteer.pilot.is_cancelled:
            message = _("This pilot was cancelled: its companies are no longer given your name and email.")
        else:
            message = _("This pilot has ended: its companies are no longer given your name and email.")
        raise conflict(message, fields={"share_identity": [message]})
    volunteer.share_identity = share_identity
    volunteer.save(update_fields=["share_identity"])
    return volunteer


def pilot_follows_end(*, user: User) -> None:
    """As a person closes their account: they follow no pilot."""
    PilotFollow.objects.filter(user=user).delete()
