"""Staff moderation services: publishing, revision requests, reports, hiding and merging.

Every action is written to the audit log with the fields it changed.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record, audited, snapshot
from accounts.models import AuditAction, NotificationKind, User
from accounts.notifications import notify
from core.errors import ApplicationError, conflict, forbidden
from matching import dispatch

from .models import Comment, Idea, IdeaStatus, Report, Support
from .services import _transition, idea_notify_followers

# Distinct reporters after which content is hidden until staff decide.
AUTO_HIDE_REPORTS = 3
STATUS_FIELDS = ["status", "rejection_reason", "moderation_note", "merged_into_id", "is_hidden"]


def _require_staff(user: User) -> None:
    if not user.is_city_staff:
        raise forbidden(_("Only city staff can moderate."))


@transaction.atomic
def idea_publish(*, idea: Idea, by: User) -> Idea:
    _require_staff(by)
    with audited(actor=by, action=AuditAction.IDEA_PUBLISH, target=idea, fields=STATUS_FIELDS):
        _transition(idea, "publish")
        idea.rejection_reason = ""
        idea.moderation_note = ""
        idea.published_at = idea.published_at or timezone.now()
        idea.save(
            update_fields=["status", "rejection_reason", "moderation_note", "published_at", "updated_at"]
        )
    idea_notify_followers(idea=idea, exclude=by)
    dispatch.idea_changed(idea.pk)
    return idea


@transaction.atomic
def idea_reject(*, idea: Idea, by: User, reason: str) -> Idea:
    _require_staff(by)
    if not reason.strip():
        raise ApplicationError(
            _("Tell the author why the idea is rejected."), fields={"reason": [_("This field is required.")]}
        )
    with audited(actor=by, action=AuditAction.IDEA_REJECT, target=idea, fields=STATUS_FIELDS):
        _transition(idea, "reject")
        idea.rejection_reason = reason.strip()
        idea.save(update_fields=["status", "rejection_reason", "updated_at"])
    idea_notify_followers(idea=idea, exclude=by)
    dispatch.idea_visibility_changed(idea.pk)
    return idea


@transaction.atomic
def idea_request_revision(*, idea: Idea, by: User, note: str) -> Idea:
    """Send a submitted idea back to its author as a draft, saying what to change."""
    _require_staff(by)
    if not note.strip():
        raise ApplicationError(
            _("Tell the author what to revise."), fields={"note": [_("This field is required.")]}
        )
    if idea.status != IdeaStatus.SUBMITTED:
        raise conflict(_("Only submitted ideas can be sent back for revision."))
    with audited(actor=by, action=AuditAction.IDEA_REQUEST_REVISION, target=idea, fields=STATUS_FIELDS):
        idea.status = IdeaStatus.DRAFT
        idea.moderation_note = note.strip()
        idea.save(update_fields=["status", "moderation_note", "updated_at"])
    notify(
        users=[idea.author],
        kind=NotificationKind.IDEA_STATUS,
        title=_("Please revise “%(title)s”") % {"title": idea.title},
        body=idea.moderation_note,
        link=f"/ideas/{idea.pk}/",
    )
    return idea


def staff_edit_recorded(*, idea: Idea, by: User, before: dict) -> None:
    """Called by idea_update when staff correct someone else's idea (a category, a district)."""
    changed = {k: v for k, v in snapshot(idea, list(before)).items() if before[k] != v}
    if changed:
        audit_record(
            actor=by,
            action=AuditAction.IDEA_EDIT,
            target=idea,
            before={k: before[k] for k in changed},
            after=changed,
        )


# --- Reports ------------------------------------------------------------------------------


def _target(report: Report):
    return report.idea if report.idea_id else report.comment


def _open_reports(target) -> "Report.objects":
    field = "idea" if isinstance(target, Idea) else "comment"
    return Report.objects.filter(**{field: target}, resolved_at__isnull=True)


def report_received(*, report: Report) -> None:
    """Hide content reported by enough different people, pending a staff decision."""
    target = _target(report)
    reporters = _open_reports(target).values("reporter").distinct().count()
    if reporters >= AUTO_HIDE_REPORTS and not target.is_hidden:
        target.is_hidden = True
        target.save(update_fields=["is_hidden", "updated_at"])
        if isinstance(target, Idea):
            dispatch.idea_visibility_changed(target.pk)


def _set_hidden(target: Idea | Comment, *, by: User, hidden: bool) -> Idea | Comment:
    """Hide content for good or show it again; either way its open reports are settled."""
    _require_staff(by)
    action = AuditAction.CONTENT_HIDE if hidden else AuditAction.CONTENT_RESTORE
    with audited(actor=by, action=action, target=target, fields=["is_hidden"]):
        target.is_hidden = hidden
        target.save(update_fields=["is_hidden", "updated_at"])
    _open_reports(target).update(resolved_at=timezone.now(), resolution="hidden" if hidden else "dismissed")
    if isinstance(target, Idea):
        (dispatch.idea_visibility_changed if hidden else dispatch.idea_changed)(target.pk)
    return target


@transaction.atomic
def content_hide(*, target: Idea | Comment, by: User) -> Idea | Comment:
    return _set_hidden(target, by=by, hidden=True)


@transaction.atomic
def content_restore(*, target: Idea | Comment, by: User) -> Idea | Comment:
    """Show content again: the reports are judged unfounded."""
    return _set_hidden(target, by=by, hidden=False)


@transaction.atomic
def report_dismiss(*, report: Report, by: User) -> Report:
    _require_staff(by)
    if report.resolved_at is not None:
        raise conflict(_("This report has already been handled."))
    report.resolved_at = timezone.now()
    report.resolution = "dismissed"
    report.save(update_fields=["resolved_at", "resolution"])
    audit_record(
        actor=by, action=AuditAction.REPORT_DISMISS, target=report, after={"resolution": "dismissed"}
    )
    return report


# --- Merging ------------------------------------------------------------------------------


@transaction.atomic
def idea_merge(*, source: Idea, target: Idea, by: User) -> Idea:
    """Fold `source` into `target`. Nothing is deleted: `source` keeps its text, supports and
    comments and points at `target`, whose support count includes each of `source`'s
    supporters once. Undo with idea_unmerge."""
    _require_staff(by)
    if source.pk == target.pk:
        raise ApplicationError(
            _("An idea cannot be merged into itself."), fields={"target": [_("Choose another idea.")]}
        )
    if target.status == IdeaStatus.MERGED or not target.is_public:
        raise ApplicationError(
            _("Merge into a published idea."), fields={"target": [_("Merge into a published idea.")]}
        )
    if source.status == IdeaStatus.MERGED:
        raise conflict(_("This idea is already merged."))
    # Ideas already merged into the source follow it into the target, so the count stays one level deep.
    Idea.objects.filter(merged_into=source).update(merged_into=target)
    with audited(actor=by, action=AuditAction.IDEA_MERGE, target=source, fields=STATUS_FIELDS):
        source.status_before_merge = source.status
        source.status = IdeaStatus.MERGED
        source.merged_into = target
        source.save(update_fields=["status", "status_before_merge", "merged_into", "updated_at"])

    supporters = User.objects.filter(supports__idea=source)
    followers = User.objects.filter(follows__idea=source)
    notify(
        users=list(supporters) + list(followers) + [source.author],
        kind=NotificationKind.IDEA_STATUS,
        title=_("“%(source)s” was merged into “%(target)s”")
        % {"source": source.title, "target": target.title},
        body=_("Your support now counts for the merged idea."),
        link=f"/ideas/{target.pk}/",
        exclude=by,
    )
    dispatch.idea_visibility_changed(source.pk)
    return source


@transaction.atomic
def idea_unmerge(*, idea: Idea, by: User) -> Idea:
    _require_staff(by)
    if idea.status != IdeaStatus.MERGED:
        raise conflict(_("This idea is not merged."))
    with audited(actor=by, action=AuditAction.IDEA_UNMERGE, target=idea, fields=STATUS_FIELDS):
        idea.status = idea.status_before_merge or IdeaStatus.PUBLISHED
        idea.status_before_merge = ""
        idea.merged_into = None
        idea.save(update_fields=["status", "status_before_merge", "merged_into", "updated_at"])
    dispatch.idea_changed(idea.pk)
    return idea


def supporters_of(idea: Idea) -> set[int]:
    """Who counts as supporting an idea: its own supporters and those of ideas merged into it."""
    return set(
        Support.objects.filter(
            idea__in=[idea.pk, *idea.merged_ideas.values_list("pk", flat=True)]
        ).values_list("user_id", flat=True)
    )
