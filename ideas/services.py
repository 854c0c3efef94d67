from django.db import IntegrityError, transaction
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

from accounts.audit import snapshot
from core.errors import ApplicationError, conflict, forbidden
from matching import dispatch

from .language import detect_language
from .models import (
    Comment,
    Follow,
    Idea,
    IdeaStatus,
    Report,
    Support,
)

EDITABLE_FIELDS = ("title", "problem", "proposal", "category", "district", "beneficiaries")
TEXT_FIELDS = ("title", "problem", "proposal")


def _save_validated(instance, **save_kwargs) -> None:
    instance.full_clean()
    instance.save(**save_kwargs)


def _normalised_text(text: str) -> str:
    # Browsers send a textarea's line breaks as CRLF but count each as one character against its
    # maxlength: stored as sent, a comment the form accepted could exceed the limit.
    return normalize_newlines(text).strip()


@transaction.atomic
def idea_submit(
    *,
    author,
    title: str,
    problem: str,
    proposal: str,
    category: str,
    district: str,
    beneficiaries: str = "",
    draft: bool = False,
) -> Idea:
    """Create an idea; it goes to the moderation queue unless saved as a draft."""
    idea = Idea(
        author=author,
        title=title.strip(),
        problem=problem.strip(),
        proposal=proposal.strip(),
        category=category,
        district=district,
        beneficiaries=beneficiaries.strip(),
        status=IdeaStatus.DRAFT if draft else IdeaStatus.SUBMITTED,
    )
    idea.language = detect_language(idea.embedding_text)
    _save_validated(idea)
    if not draft:
        dispatch.idea_changed(idea.pk)
    return idea


@transaction.atomic
def idea_update(*, idea: Idea, user, **changes) -> Idea:
    if not idea.can_be_edited_by(user):
        raise forbidden(_("You can no longer edit this idea."))
    audited_before = (
        snapshot(idea, [f for f in changes if f in EDITABLE_FIELDS])
        if user.is_city_staff and idea.author_id != user.pk
        else None
    )
    for field, value in changes.items():
        if field not in EDITABLE_FIELDS:
            raise ApplicationError(
                _("This field cannot be changed."), fields={field: [_("This field cannot be changed.")]}
            )
        setattr(idea, field, value.strip() if isinstance(value, str) else value)
    text_changed = any(field in changes for field in TEXT_FIELDS)
    if text_changed:
        idea.language = detect_language(idea.embedding_text)
    _save_validated(idea)
    if text_changed and idea.status != IdeaStatus.DRAFT:
        dispatch.idea_changed(idea.pk)
    if audited_before is not None:
        from .moderation import staff_edit_recorded

        staff_edit_recorded(idea=idea, by=user, before=audited_before)
    return idea


# Moves a citizen or staff member may make; the rest of the lifecycle (matching, pilots,
# merging) is driven by the matcher and curation services.
_TRANSITIONS = {
    "submit": ({IdeaStatus.DRAFT}, IdeaStatus.SUBMITTED),
    "publish": ({IdeaStatus.SUBMITTED, IdeaStatus.REJECTED}, IdeaStatus.PUBLISHED),
    "reject": ({IdeaStatus.SUBMITTED, IdeaStatus.PUBLISHED}, IdeaStatus.REJECTED),
}


def _transition(idea: Idea, action: str) -> None:
    allowed_from, target = _TRANSITIONS[action]
    if idea.status not in allowed_from:
        raise conflict(
            _("An idea that is %(status)s cannot be changed this way.")
            % {"status": idea.get_status_display()}
        )
    idea.status = target


@transaction.atomic
def idea_submit_draft(*, idea: Idea, user) -> Idea:
    if idea.author_id != user.pk:
        raise forbidden(_("Only the author can submit this idea."))
    _transition(idea, "submit")
    idea.save(update_fields=["status", "updated_at"])
    dispatch.idea_changed(idea.pk)
    return idea


def _require_public(idea: Idea, message: str) -> None:
    if not idea.is_public or idea.status == IdeaStatus.MERGED:
        raise conflict(message)


def idea_support(*, idea: Idea, user) -> Support:
    _require_public(idea, _("Only published ideas can be supported."))
    support, _created = Support.objects.get_or_create(idea=idea, user=user)
    return support


def idea_unsupport(*, idea: Idea, user) -> None:
    Support.objects.filter(idea=idea, user=user).delete()


def idea_follow(*, idea: Idea, user) -> Follow:
    follow, _created = Follow.objects.get_or_create(idea=idea, user=user)
    return follow


def idea_unfollow(*, idea: Idea, user) -> None:
    Follow.objects.filter(idea=idea, user=user).delete()


def comment_create(*, idea: Idea, author, body: str, parent: Comment | None = None) -> Comment:
    _require_public(idea, _("Only published ideas can be commented on."))
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise ApplicationError(
                _("You can only reply to a comment on the same idea."),
                fields={"parent": [_("You can only reply to a comment on the same idea.")]},
            )
        # Threads are one level deep: a reply to a reply joins its parent's thread.
        if parent.parent_id is not None:
            parent = parent.parent
    comment = Comment(idea=idea, author=author, body=_normalised_text(body), parent=parent)
    _save_validated(comment)
    return comment


def comment_update(*, comment: Comment, user, body: str) -> Comment:
    if not comment.can_be_edited_by(user):
        raise forbidden(_("This comment can no longer be edited."))
    comment.body = _normalised_text(body)
    _save_validated(comment)
    return comment


def comment_remove(*, comment: Comment, user) -> Comment:
    if not comment.can_be_removed_by(user):
        raise forbidden(_("You cannot remove this comment."))
    # Kept, not deleted, so replies keep their thread and moderation keeps its record.
    comment.is_removed = True
    comment.save(update_fields=["is_removed", "updated_at"])
    return comment


def report_create(
    *, reporter, reason: str, details: str = "", idea: Idea | None = None, comment: Comment | None = None
) -> Report:
    if (idea is None) == (comment is None):
        raise ApplicationError(
            _("Report either an idea or a comment."),
            fields={"idea": [_("Report either an idea or a comment.")]},
        )
    report = Report(reporter=reporter, idea=idea, comment=comment, reason=reason, details=details.strip())
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise conflict(_("You have already reported this."), "duplicate") from None
    from .moderation import report_received

    report_received(report=report)
    return report


def idea_notify_followers(*, idea: Idea, exclude=None) -> None:
    """Tell the idea's followers (and its author) that its status changed."""
    from accounts.models import NotificationKind, User
    from accounts.notifications import notify

    followers = list(User.objects.filter(follows__idea=idea)) + [idea.author]
    notify(
        users=followers,
        kind=NotificationKind.IDEA_STATUS,
        title=_("“%(title)s” is now %(status)s") % {"title": idea.title, "status": idea.get_status_display()},
        body=idea.rejection_reason if idea.status == IdeaStatus.REJECTED else "",
        link=f"/ideas/{idea.pk}/",
        exclude=exclude,
    )
