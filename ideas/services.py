"""Ideas' writes: submitting and editing, supports, follows, comments, reports, and staff
moderation (publishing, revision requests, hiding, merging). This module is the one place that
changes an idea's status; matching and pilots call it for the statuses their work reaches.

Every staff action is written to the audit log with the fields it changed.
"""

import contextlib
import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.db import IntegrityError, connection, transaction
from django.db.models import Field, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

from accounts.audit import audit_record, audited, snapshot
from accounts.models import AuditAction, NotificationKind, User
from accounts.notifications import (
    ToldElsewhere,
    notifications_drop_lines,
    notifications_of_deleted_pages,
    notifications_rename,
    notifications_unquote,
    notify,
    notify_each,
    notify_in_their_language,
    worded_per_language,
)
from accounts.rules import require_city_staff
from core.errors import ApplicationError, conflict, forbidden, not_found
from core.services import model_update, save_validated
from core.sql import id_array
from core.validators import strip_invisible
from matching import dispatch

from . import selectors
from .language import detect_language
from .models import (
    AUTHOR_DELETABLE_STATUSES,
    AUTHORED_FIELDS,
    REVIEW_DETAILS_MISSING,
    STAFF_EDIT_REASON_MISSING,
    Comment,
    Follow,
    Idea,
    IdeaStatus,
    Report,
    ReportReason,
    Support,
)

EDITABLE_FIELDS = ("title", "problem", "proposal", "category", "district", "beneficiaries")
TEXT_FIELDS = ("title", "problem", "proposal")


def _normalised_text(text: str) -> str:
    # Browsers send a textarea's line breaks as CRLF but count each as one character against its
    # maxlength: stored as sent, a comment the form accepted could exceed the limit. Zero-width
    # characters at the ends show nothing; text of nothing else is then empty and refused.
    return strip_invisible(normalize_newlines(text))


def _detect_language(idea: Idea) -> None:
    idea.language = detect_language(idea.embedding_text)


@transaction.atomic
def idea_submit(
    *,
    author: User,
    title: str,
    problem: str,
    proposal: str,
    category: str,
    district: str,
    beneficiaries: str = "",
    draft: bool = False,
    repeat: bool = False,
) -> Idea:
    """Create an idea; it goes to the moderation queue unless saved as a draft.

    The same author sending the same title, problem and proposal again within
    IDEA_REPEAT_WINDOW_MINUTES is most likely a form sent twice (a double click, the back
    button): refused as a repeat unless `repeat` says it is meant."""
    idea = Idea(
        author=author,
        title=strip_invisible(title),
        problem=_normalised_text(problem),
        proposal=_normalised_text(proposal),
        category=category,
        district=district,
        beneficiaries=strip_invisible(beneficiaries),
        status=IdeaStatus.DRAFT if draft else IdeaStatus.SUBMITTED,
    )
    if not repeat:
        # Two sends of one form arrive together: the second waits for the first to commit, so
        # it finds the first idea instead of both finding none.
        User.objects.select_for_update().filter(pk=author.pk).first()
        if selectors.idea_repeat_of(
            author=author, title=idea.title, problem=idea.problem, proposal=idea.proposal
        ):
            raise conflict(
                _("You already submitted this idea a few minutes ago."), code="repeated_submission"
            )
    _detect_language(idea)
    save_validated(idea)
    if not draft:
        dispatch.idea_changed(idea.pk)
    return idea


def require_idea_editor(idea: Idea, user: User) -> None:
    """Only the author changes an idea, and only until staff decide on it; the API asks before it
    reads the request, so that who may not edit is not told what an idea needs."""
    if not idea.can_be_edited_by(user):
        raise forbidden(_("You can no longer edit this idea."))


def require_comment_editor(comment: Comment, user: User) -> None:
    """Only the author changes a comment, within its edit window."""
    if not comment.can_be_edited_by(user):
        raise forbidden(_("This comment can no longer be edited."))


@transaction.atomic
def idea_update(*, idea: Idea, user: User, edit_reason: str = "", **changes: Any) -> Idea:
    """Change an idea's text, category or district. City staff who change the words of an idea
    someone else wrote (AUTHORED_FIELDS) must say why: the author is told, with the reason, and
    the idea's page marks the change, so words the author did not write never stand silently
    under their name. Every change staff make to someone else's idea is in the audit log."""
    require_idea_editor(idea, user)
    by_staff = user.is_city_staff and idea.author_id != user.pk
    audited_before = snapshot(idea, [f for f in changes if f in EDITABLE_FIELDS]) if by_staff else None
    changes = {
        field: _normalised_text(value) if isinstance(value, str) else value
        for field, value in changes.items()
    }
    edit_reason = _normalised_text(edit_reason)
    reworded = _reworded_fields(idea, changes) if by_staff else []
    if reworded:
        if not edit_reason:
            raise ApplicationError(
                str(STAFF_EDIT_REASON_MISSING), fields={"edit_reason": [str(STAFF_EDIT_REASON_MISSING)]}
            )
        idea.staff_edited_at = timezone.now()
        idea.staff_edit_reason = edit_reason
    text_changed = any(field in changes for field in TEXT_FIELDS)
    model_update(
        instance=idea, fields=EDITABLE_FIELDS, data=changes, derive=_detect_language if text_changed else None
    )
    if text_changed and idea.status != IdeaStatus.DRAFT:
        dispatch.idea_changed(idea.pk)
    if audited_before is not None:
        staff_edit_recorded(idea=idea, by=user, before=audited_before, reason=edit_reason)
    if reworded:
        _tell_author_of_staff_edit(idea, reworded)
    return idea


def _reworded_fields(idea: Idea, changes: dict[str, Any]) -> list[str]:
    """The author's fields that `changes` give other words, compared as `model_update` stores
    them: a form sent back with every field as it was changes none."""
    return [
        field
        for field in AUTHORED_FIELDS
        if field in changes and (changes[field] or "").strip() != getattr(idea, field)
    ]


def _verbose_name(field: str) -> str:
    model_field = Idea._meta.get_field(field)
    assert isinstance(model_field, Field)
    return str(model_field.verbose_name)


def _tell_author_of_staff_edit(idea: Idea, fields: list[str]) -> None:
    with translation.override(idea.author.preferred_language):
        changed = ", ".join(_verbose_name(field) for field in fields)
        notify(
            users=[idea.author],
            kind=NotificationKind.IDEA_STATUS,
            title=_("City staff edited your idea: “%(title)s”") % {"title": idea.title},
            body="\n".join(
                [
                    _("Changed: %(fields)s") % {"fields": changed},
                    _("Reason: %(reason)s") % {"reason": idea.staff_edit_reason},
                ]
            ),
            link=idea.get_absolute_url(),
        )


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
def idea_submit_draft(*, idea: Idea, user: User) -> Idea:
    if idea.author_id != user.pk:
        raise forbidden(_("Only the author can submit this idea."))
    _transition(idea, "submit")
    idea.save(update_fields=["status", "updated_at"])
    dispatch.idea_changed(idea.pk)
    return idea


@transaction.atomic
def idea_resubmit(*, idea: Idea, user: User, **changes: Any) -> Idea:
    """The author sends a draft (one staff sent back for revision, say) to the moderation queue
    again, with the changes made to it. The moderators' note stays until staff decide, so they
    see what was asked next to the revised text."""
    if idea.author_id != user.pk:
        raise forbidden(_("Only the author can submit this idea."))
    if idea.status != IdeaStatus.DRAFT:
        raise conflict(_("This idea was already submitted."))
    idea_update(idea=idea, user=user, **changes)
    return idea_submit_draft(idea=idea, user=user)


def idea_delete_refusal(*, idea: Idea, user: User) -> ApplicationError | None:
    """Why `user` cannot delete the idea, or None if they can: the confirmation page says so
    before they decide, and idea_delete refuses the same way."""
    if idea.author_id != user.pk:
        return forbidden(_("Only the author can delete this idea."))
    if not idea.can_be_deleted_by(user):
        return conflict(
            _(
                "Only a draft, an idea waiting for review or a rejected idea can be deleted; "
                "this idea is %(status)s."
            )
            % {"status": idea.get_status_display()}
        )
    if idea.merged_ideas.exists():
        return conflict(
            _(
                "Other ideas were merged into this one, and their supporters count here: "
                "it cannot be deleted."
            ),
            code="has_merged_ideas",
        )
    # A pilot, cancelled or not, is about the idea it was made from and is kept with its records.
    if Idea.objects.filter(pk=idea.pk, pilots__isnull=False).exists():
        return conflict(_("A pilot was made from this idea: it cannot be deleted."), code="has_pilot")
    return None


@transaction.atomic
def idea_delete(*, idea: Idea, user: User) -> None:
    """The author deletes an idea nobody else can see, with everything attached to it: its
    comments, reports, follows and matches (a rejected idea may have had them while it was
    public; nobody can see them now). What others were told of it (its status while they
    followed it, a reply on it, a company's strong match with it) no longer quotes its title nor
    leads to the "not found" page; the author's own notifications are theirs to read as they
    were."""
    _notifications_of_deleted_ideas([_idea_delete(idea=idea, user=user)], author=user)


@dataclass(frozen=True)
class _DeletedIdea:
    pk: int
    link: str
    title: str
    published_at: datetime.datetime | None


@transaction.atomic
def _idea_delete(*, idea: Idea, user: User) -> _DeletedIdea:
    """Delete the idea and tell the matcher; what others were told of it is left to
    `_notifications_of_deleted_ideas`, which takes many ideas in one pass."""
    if idea.author_id != user.pk:
        raise forbidden(_("Only the author can delete this idea."))
    # Locked for update, not for no key update as decisions lock: a row added meanwhile that
    # points at the idea (its vectors, a follow) would otherwise fail the delete. Decided on the
    # locked row: staff may have published it since the author's page was opened.
    try:
        idea.refresh_from_db(from_queryset=Idea.objects.select_for_update())
    except Idea.DoesNotExist:
        raise not_found(_("This idea was already deleted.")) from None
    refusal = idea_delete_refusal(idea=idea, user=user)
    if refusal is not None:
        raise refusal
    deleted = _DeletedIdea(
        pk=idea.pk, link=idea.get_absolute_url(), title=idea.title, published_at=idea.published_at
    )
    idea.delete()
    dispatch.idea_deleted(deleted.pk)
    return deleted


def _notifications_of_deleted_ideas(deleted: list[_DeletedIdea], *, author: User) -> None:
    """What others were told of the deleted ideas no longer quotes them: the notifications at
    an idea's page, and those of its merge into another idea (told at that idea's page), say only
    that it was deleted; its line goes from companies' strong matches (told at their matches
    page), under any title staff gave it. Each is one pass over the notifications for all the
    ideas: closing an account deletes each of the person's ideas at once."""
    if not deleted:
        return
    past = selectors.ideas_audited_past(idea_ids=[idea.pk for idea in deleted])
    merges = [merge for idea in deleted if idea.pk in past for merge in past[idea.pk].merges]
    merged_into = _idea_links([into for _title, into in merges])
    notifications_of_deleted_pages(
        links=[idea.link for idea in deleted],
        title=worded_per_language(lambda: str(_("About an idea its author has deleted"))),
        told_elsewhere=[
            ToldElsewhere(
                kind=NotificationKind.IDEA_STATUS,
                link=merged_into[into],
                opening=worded_per_language(functools.partial(_merged_opening, title)),
            )
            for title, into in merges
        ],
        exclude_user_id=author.pk,
    )
    # Only a published idea is matched; the matcher names it by the title it has then. A line
    # names no idea: a title another idea still bears goes only from a list that repeats it.
    lines = [
        (title, idea.published_at)
        for idea in deleted
        if idea.published_at is not None
        for title in {idea.title, *(past[idea.pk].titles if idea.pk in past else ())}
    ]
    notifications_drop_lines(
        kind=NotificationKind.STRONG_MATCH,
        lines=lines,
        shared=set(
            Idea.objects.filter(title__in={title for title, _since in lines}).values_list("title", flat=True)
        ),
        exclude_user_id=author.pk,
    )


def _require_public(idea: Idea, message: str) -> None:
    if not idea.is_open_to_citizens:
        raise conflict(message)


def idea_support(*, idea: Idea, user: User) -> Support:
    _require_public(idea, _("Only published ideas can be supported."))
    # A support counts another citizen who lives with the problem too; the author is already
    # counted by having written it.
    if idea.author_id == user.pk:
        raise forbidden(_("You cannot support your own idea."))
    # A support given to an idea since merged into this one counts for it already.
    counted = idea.counted_supports().filter(user=user).first()
    if counted is not None:
        return counted
    support, _created = Support.objects.get_or_create(idea=idea, user=user)
    return support


def idea_unsupport(*, idea: Idea, user: User) -> None:
    """Withdraw every support of the user's that counts for the idea, those given to ideas since
    merged into it included: their page offers no withdrawal, this idea's does."""
    idea.counted_supports().filter(user=user).delete()


def idea_follow(*, idea: Idea, user: User) -> Follow:
    follow, _created = Follow.objects.get_or_create(idea=idea, user=user)
    return follow


def idea_unfollow(*, idea: Idea, user: User) -> None:
    Follow.objects.filter(idea=idea, user=user).delete()


def comment_create(*, idea: Idea, author: User, body: str, parent: Comment | None = None) -> Comment:
    _require_public(idea, _("Only published ideas can be commented on."))
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise ApplicationError(
                _("You can only reply to a comment on the same idea."),
                fields={"parent": [_("You can only reply to a comment on the same idea.")]},
            )
        # Threads are one level deep: a reply to a reply joins its parent's thread.
        thread = parent.parent if parent.parent_id is not None else parent
        # Its replies are hidden with it: a reply would reach no reader but its notified author.
        if thread is not None and thread.is_hidden:
            message = _("This comment was hidden by the moderators and can no longer be answered.")
            raise ApplicationError(message, fields={"parent": [message]})
        parent = thread
    comment = Comment(idea=idea, author=author, body=_normalised_text(body), parent=parent)
    save_validated(comment)
    _notify_of_comment(comment)
    return comment


# How much of a comment a notification quotes.
COMMENT_QUOTE_CHARS = 200


def _comment_link(comment: Comment) -> str:
    return f"{comment.idea.get_absolute_url()}#comment-{comment.pk}"


def _notify_of_comment(comment: Comment) -> None:
    """The idea's author hears of every comment on it, and a comment's author of each reply to
    it; nobody of their own, and nobody twice."""
    idea = comment.idea
    link = _comment_link(comment)
    quote = (
        comment.body if len(comment.body) <= COMMENT_QUOTE_CHARS else comment.body[:COMMENT_QUOTE_CHARS] + "…"
    )
    told = {comment.author_id}
    recipients = []
    if comment.parent is not None and comment.parent.author_id not in told:
        recipients.append((comment.parent.author, True))
        told.add(comment.parent.author_id)
    if idea.author_id not in told:
        recipients.append((idea.author, False))
    messages = []
    for user, is_reply in recipients:
        # Each in the recipient's language, then sent together.
        with translation.override(user.preferred_language):
            if is_reply:
                title = _("%(name)s replied to your comment on “%(title)s”")
            else:
                title = _("%(name)s commented on your idea “%(title)s”")
            messages.append((user, title % {"name": comment.author, "title": idea.title}, quote, link))
    notify_each(kind=NotificationKind.NEW_COMMENT, messages=messages)


def comment_update(*, comment: Comment, user: User, body: str) -> Comment:
    require_comment_editor(comment, user)
    body = _normalised_text(body)
    if body != comment.body:
        comment.body = body
        comment.edited_at = timezone.now()
        # Only what an edit changes: staff may hide the comment between its read and this save.
        save_validated(comment, update_fields=["body", "edited_at", "updated_at"])
    return comment


def comment_remove(*, comment: Comment, user: User) -> Comment:
    if not comment.can_be_removed_by(user):
        raise forbidden(_("You cannot remove this comment."))
    # Kept, not deleted, so replies keep their thread and moderation keeps its record.
    comment.is_removed = True
    comment.save(update_fields=["is_removed", "updated_at"])
    told = {comment.idea.author_id} | ({comment.parent.author_id} if comment.parent is not None else set())
    notifications_unquote(kind=NotificationKind.NEW_COMMENT, link=_comment_link(comment), user_ids=told)
    return comment


def report_create(
    *,
    reporter: User,
    reason: str,
    details: str = "",
    idea: Idea | None = None,
    comment: Comment | None = None,
) -> Report:
    if (idea is None) == (comment is None):
        raise ApplicationError(
            _("Report either an idea or a comment."),
            fields={"idea": [_("Report either an idea or a comment.")]},
        )
    if reason == ReportReason.REVIEW:
        message = _("Choose what is wrong.")
        raise ApplicationError(message, fields={"reason": [message]})
    # Hidden or removed content is out of the public's sight already; a report of it would tell
    # the reporter it exists.
    if not cast("Idea | Comment", idea or comment).is_public:
        raise not_found(_("This content does not exist."))
    if cast("Idea | Comment", idea or comment).author_id == reporter.pk:
        raise forbidden(_("You cannot report what you wrote yourself: edit or delete it instead."))
    report = Report(
        reporter=reporter, idea=idea, comment=comment, reason=reason, details=_normalised_text(details)
    )
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise conflict(_("You have already reported this."), "duplicate") from None
    report_received(report=report)
    return report


def idea_notify_followers(*, idea: Idea, exclude: User | None = None) -> None:
    """Tell the idea's followers (and its author) that its status changed."""
    ideas_notify_followers(ideas=[idea], exclude=exclude)


def ideas_notify_followers(*, ideas: Sequence[Idea], exclude: User | None = None) -> None:
    """Tell each idea's author and followers that its status changed, in a few queries however
    many ideas: the matcher may match ten thousand at once."""
    audience: dict[int, dict[int, User]] = {idea.pk: {idea.author_id: idea.author} for idea in ideas}
    for follow in Follow.objects.filter(idea__in=id_array([idea.pk for idea in ideas])).select_related(
        "user"
    ):
        audience[follow.idea_id][follow.user_id] = follow.user
    # Each person reads it in the language they chose, whoever acted.
    statuses = {idea.status for idea in ideas}
    wording = worded_per_language(
        lambda: (
            _("“%(title)s” is now %(status)s"),
            {status: str(IdeaStatus(status).label) for status in statuses},
        )
    )
    links = _idea_links([idea.pk for idea in ideas])
    messages = []
    for idea in ideas:
        for user in audience[idea.pk].values():
            if user == exclude:
                continue
            template, status_names = wording(user.preferred_language)
            messages.append(
                (
                    user,
                    template % {"title": idea.title, "status": status_names[idea.status]},
                    idea.rejection_reason if idea.status == IdeaStatus.REJECTED else "",
                    links[idea.pk],
                )
            )
    notify_each(kind=NotificationKind.IDEA_STATUS, messages=messages)


def _idea_links(idea_ids: list[int]) -> dict[int, str]:
    """Each idea's page, as `Idea.get_absolute_url` gives it, with the URL resolved once."""
    marker = 987_654_321_012
    pattern = reverse("idea-detail", args=[marker])
    head, tail = pattern.split(str(marker))
    return {pk: f"{head}{pk}{tail}" for pk in idea_ids}


# --- Statuses that matching and pilots reach ------------------------------------------------
# `updated_at` marks a change the matcher must act on: an idea shows "matching…" until it is
# ranked after its `updated_at`. Text edits, publishing, rejecting and merging move it. The
# statuses below follow from the matcher's and the pilots' own work, so they leave it alone: the
# idea would otherwise show "matching…" with nothing left to match.


def ideas_mark_matched(*, idea_ids: Iterable[int]) -> list[Idea]:
    """The published ideas among these are matched now that a company is shown for them; their
    authors and followers are told. Returns the ideas that changed. One UPDATE whatever the
    number of ideas (a first refresh of a city matches thousands at once)."""
    idea_ids = list(idea_ids)
    if not idea_ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Idea._meta.db_table} SET status = %s WHERE id = ANY(%s) AND status = %s RETURNING id",
            [IdeaStatus.MATCHED.value, idea_ids, IdeaStatus.PUBLISHED.value],
        )
        changed = [row[0] for row in cursor.fetchall()]
    if not changed:
        return []
    newly_matched = list(
        Idea.objects.filter(pk__in=id_array(changed)).only(
            "pk", "title", "status", "rejection_reason", "author"
        )
    )
    # Each author read once, not once per idea: one author of many ideas is one object.
    author_ids = list({idea.author_id for idea in newly_matched})
    authors = {user.pk: user for user in User.objects.filter(pk__in=id_array(author_ids))}
    for idea in newly_matched:
        idea.author = authors[idea.author_id]
    ideas_notify_followers(ideas=newly_matched)
    return newly_matched


# What a pilot's life may make of the idea it was made from.
PILOT_IDEA_STATUSES = (IdeaStatus.IN_PILOT, IdeaStatus.COMPLETED, IdeaStatus.MATCHED, IdeaStatus.PUBLISHED)


def idea_set_pilot_status(*, idea: Idea, status: IdeaStatus, by: User | None) -> Idea:
    """A pilot was made from the idea, completed, or its last open pilot was cancelled."""
    if status not in PILOT_IDEA_STATUSES:
        raise ValueError(f"A pilot does not make an idea {status}.")
    Idea.objects.filter(pk=idea.pk).update(status=status)
    idea.status = status
    idea_notify_followers(idea=idea, exclude=by)
    return idea


# --- Staff moderation ------------------------------------------------------------------------

# Distinct reporters after which content is hidden until staff decide.
AUTO_HIDE_REPORTS = 3
STATUS_FIELDS = ["status", "rejection_reason", "moderation_note", "merged_into_id", "is_hidden"]


def _already_decided(idea: Idea) -> ApplicationError:
    # The API's clients know a decision the idea's status does not allow by its code, as before.
    if idea.status == IdeaStatus.DRAFT and idea.moderation_note:
        return conflict(_("This idea was already sent back to its author for revision."))
    return conflict(
        _("This idea was already decided: it is %(status)s now.") % {"status": idea.get_status_display()}
    )


def _lock_rows(*ideas: Idea) -> list[Idea]:
    """Reload the ideas from their rows, locked until the transaction ends, and return those
    whose status changed since they were loaded. A decision sent twice (a double click) or two
    staff members deciding at once: the second waits for the first, then sees its result rather
    than the copy its page was made from. Locked lower id first, so two merges of one pair
    cannot deadlock; for no key update, so supports and comments added meanwhile do not wait."""
    seen = {idea.pk: idea.status for idea in ideas}
    for idea in sorted(ideas, key=lambda idea: idea.pk):
        try:
            idea.refresh_from_db(from_queryset=Idea.objects.select_for_update(no_key=True))
        except Idea.DoesNotExist:
            # Its author deleted it meanwhile (`idea_delete`), while it was still theirs alone.
            raise not_found(_("This idea was deleted by its author.")) from None
    return [idea for idea in ideas if idea.status != seen[idea.pk]]


def _lock_for_decision(idea: Idea, *, decides: IdeaStatus | None = None) -> None:
    """Lock the idea and refuse to decide again on it: it changed since it was loaded, or it
    already has the status the decision `decides` (the second click came after the first was
    saved)."""
    if _lock_rows(idea) or idea.status == decides:
        raise _already_decided(idea)


@transaction.atomic
def idea_publish(*, idea: Idea, by: User) -> Idea:
    require_city_staff(by, message=_("Only city staff can moderate."))
    _lock_for_decision(idea, decides=IdeaStatus.PUBLISHED)
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
    require_city_staff(by, message=_("Only city staff can moderate."))
    reason = _normalised_text(reason)
    if not reason:
        raise ApplicationError(
            _("Tell the author why the idea is rejected."), fields={"reason": [_("This field is required.")]}
        )
    _lock_for_decision(idea, decides=IdeaStatus.REJECTED)
    with audited(actor=by, action=AuditAction.IDEA_REJECT, target=idea, fields=STATUS_FIELDS):
        _transition(idea, "reject")
        idea.rejection_reason = reason
        save_validated(
            idea,
            update_fields=["status", "rejection_reason", "updated_at"],
            named={"rejection_reason": "reason"},
        )
    idea_notify_followers(idea=idea, exclude=by)
    dispatch.idea_visibility_changed(idea.pk)
    return idea


@transaction.atomic
def idea_request_revision(*, idea: Idea, by: User, note: str) -> Idea:
    """Send a submitted idea back to its author as a draft, saying what to change."""
    require_city_staff(by, message=_("Only city staff can moderate."))
    note = _normalised_text(note)
    if not note:
        raise ApplicationError(
            _("Tell the author what to revise."), fields={"note": [_("This field is required.")]}
        )
    _lock_for_decision(idea)
    if idea.status == IdeaStatus.DRAFT and idea.moderation_note:
        raise _already_decided(idea)
    if idea.status != IdeaStatus.SUBMITTED:
        raise conflict(_("Only submitted ideas can be sent back for revision."))
    with audited(actor=by, action=AuditAction.IDEA_REQUEST_REVISION, target=idea, fields=STATUS_FIELDS):
        idea.status = IdeaStatus.DRAFT
        idea.moderation_note = note
        save_validated(
            idea, update_fields=["status", "moderation_note", "updated_at"], named={"moderation_note": "note"}
        )
    with translation.override(idea.author.preferred_language):
        notify(
            users=[idea.author],
            kind=NotificationKind.IDEA_STATUS,
            title=_("Please revise “%(title)s”") % {"title": idea.title},
            body=idea.moderation_note,
            link=idea.get_absolute_url(),
        )
    return idea


def staff_edit_recorded(*, idea: Idea, by: User, before: dict, reason: str = "") -> None:
    """Called by idea_update when staff change someone else's idea: the fields they changed and,
    where they gave it, their reason. Sending the form back unchanged records nothing."""
    changed = {k: v for k, v in snapshot(idea, list(before)).items() if before[k] != v}
    if changed:
        audit_record(
            actor=by,
            action=AuditAction.IDEA_EDIT,
            target=idea,
            before={k: before[k] for k in changed},
            after=changed | ({"staff_edit_reason": reason} if reason else {}),
        )


# --- Reports ------------------------------------------------------------------------------


def _target(report: Report) -> Idea | Comment:
    # A report names exactly one of the two (Report's check constraint), so neither is None here.
    return cast("Idea | Comment", report.idea if report.idea_id else report.comment)


def _open_reports(target: Idea | Comment) -> QuerySet[Report]:
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
    require_city_staff(by, message=_("Only city staff can moderate."))
    _lock_target(target)
    action = AuditAction.CONTENT_HIDE if hidden else AuditAction.CONTENT_RESTORE
    review = _open_review_request(target)
    with audited(actor=by, action=action, target=target, fields=["is_hidden"]):
        target.is_hidden = hidden
        target.save(update_fields=["is_hidden", "updated_at"])
    _open_reports(target).update(resolved_at=timezone.now(), resolution="hidden" if hidden else "dismissed")
    _erase_if_its_author_left(target)
    if isinstance(target, Idea):
        (dispatch.idea_visibility_changed if hidden else dispatch.idea_changed)(target.pk)
    if review is not None:
        _tell_review_decided(review, shown_again=not hidden)
    return target


def _lock_target(target: Idea | Comment) -> None:
    """Reload the reported idea or comment from its row, locked until the transaction ends: two
    staff deciding on it at once (or a decision sent twice, or its author's request for another
    look arriving meanwhile) go one after the other, the second seeing the reports the first
    settled, so its author is told once and of what was decided."""
    if isinstance(target, Idea):
        target.refresh_from_db(from_queryset=Idea.objects.select_for_update(no_key=True))
    else:
        target.refresh_from_db(from_queryset=Comment.objects.select_for_update(no_key=True))


def _open_review_request(target: Idea | Comment) -> Report | None:
    if not isinstance(target, Idea):
        return None
    return _open_reports(target).filter(reason=ReportReason.REVIEW).select_related("reporter").first()


def _tell_review_decided(review: Report, *, shown_again: bool) -> None:
    """The author who asked for another look hears what the moderators decided."""
    idea = cast(Idea, review.idea)
    notify_in_their_language(
        users=[review.reporter],
        kind=NotificationKind.IDEA_STATUS,
        title=lambda: (
            (
                _("The moderators looked again and show your idea “%(title)s” again")
                if shown_again
                else _("The moderators looked again and keep your idea “%(title)s” hidden")
            )
            % {"title": idea.title}
        ),
        link=idea.get_absolute_url(),
    )


@transaction.atomic
def idea_review_request(*, idea: Idea, user: User, details: str) -> Report:
    """The author of a hidden idea asks the moderators to look at it again, saying why (what
    they changed, what the reports got wrong). Once per idea: the request and the moderators'
    answer are the idea's second look."""
    _lock_rows(idea)
    if idea.author_id != user.pk:
        raise forbidden(_("Only the author can ask for another look at this idea."))
    if not idea.is_hidden:
        raise conflict(_("This idea is not hidden."))
    details = _normalised_text(details)
    if not details:
        message = str(REVIEW_DETAILS_MISSING)
        raise ApplicationError(message, fields={"details": [message]})
    earlier = Report.objects.filter(reporter=user, idea=idea).first()
    if earlier is not None and earlier.reason == ReportReason.REVIEW:
        raise conflict(_("You have already asked the moderators to look again at this idea."), "duplicate")
    if earlier is not None:
        # A report of their own idea, from before authors were refused one: the moderators read
        # it as this idea's author's word already.
        raise conflict(
            _("You reported this idea yourself earlier; the moderators read that report as your request.")
        )
    review = Report(reporter=user, idea=idea, reason=ReportReason.REVIEW, details=details)
    review.full_clean(validate_constraints=False)
    review.save()
    return review


@transaction.atomic
def content_hide(*, target: Idea | Comment, by: User) -> Idea | Comment:
    return _set_hidden(target, by=by, hidden=True)


@transaction.atomic
def content_restore(*, target: Idea | Comment, by: User) -> Idea | Comment:
    """Show content again: the reports are judged unfounded."""
    return _set_hidden(target, by=by, hidden=False)


@transaction.atomic
def report_dismiss(*, report: Report, by: User) -> Report:
    require_city_staff(by, message=_("Only city staff can moderate."))
    target = _target(report)
    _lock_target(target)
    report.refresh_from_db()
    if report.resolved_at is not None:
        raise conflict(_("This report has already been handled."))
    report.resolved_at = timezone.now()
    report.resolution = "dismissed"
    report.save(update_fields=["resolved_at", "resolution"])
    audit_record(
        actor=by, action=AuditAction.REPORT_DISMISS, target=report, after={"resolution": "dismissed"}
    )
    _erase_if_its_author_left(target)
    if report.reason == ReportReason.REVIEW:
        # Dismissing leaves the idea as it is: hidden, as its author is told.
        _tell_review_decided(report, shown_again=not target.is_hidden)
    return report


@transaction.atomic
def reports_dismiss(*, target: Idea | Comment, by: User) -> int:
    """Dismiss every open report of one idea or comment: they are judged unfounded together,
    and the content stays as it is. Returns how many were dismissed."""
    require_city_staff(by, message=_("Only city staff can moderate."))
    _lock_target(target)
    reports = list(_open_reports(target))
    if not reports:
        raise conflict(_("This report has already been handled."))
    for report in reports:
        report_dismiss(report=report, by=by)
    return len(reports)


REPORT_DECISIONS = ("hide", "restore", "dismiss")


@transaction.atomic
def report_decide(*, report: Report, by: User, action: str) -> None:
    """Staff decide on what a report of the queue names: hide it, show it again, or dismiss its
    reports. Refused when it was decided meanwhile (by a colleague, or from a page opened before)
    rather than decided again over that decision."""
    require_city_staff(by, message=_("Only city staff can moderate."))
    if action not in REPORT_DECISIONS:
        raise ApplicationError(_("Choose what to do."))
    target = _target(report)
    _lock_target(target)
    if not Report.objects.filter(pk=report.pk, resolved_at__isnull=True).exists():
        raise conflict(_("This report has already been handled."))
    if action == "dismiss":
        reports_dismiss(target=target, by=by)
    else:
        _set_hidden(target, by=by, hidden=action == "hide")


# --- Merging ------------------------------------------------------------------------------

# A merged idea is public, so merging publishes its text: only an idea staff could publish as it
# stands may be merged. Never a draft (the author has not sent it), a rejected idea (staff judged
# it unfit) or a hidden one; nor an idea in a pilot or completed, whose pilots would lose it.
MERGEABLE_STATUSES = (IdeaStatus.SUBMITTED, IdeaStatus.PUBLISHED, IdeaStatus.MATCHED)


def idea_merge_refusal(*, source: Idea, target: Idea) -> ApplicationError | None:
    """Why `source` cannot be merged into `target`, or None if it can: the confirmation page
    says so before staff decide, and idea_merge refuses the same way."""
    if source.pk == target.pk:
        return ApplicationError(
            _("An idea cannot be merged into itself."), fields={"target": [_("Choose another idea.")]}
        )
    if not target.is_open_to_citizens:
        return ApplicationError(
            _("Merge into a published idea."), fields={"target": [_("Merge into a published idea.")]}
        )
    return idea_merge_source_refusal(source=source)


def idea_merge_source_refusal(*, source: Idea) -> ApplicationError | None:
    """Why `source` cannot be merged into any idea, or None if it can be merged into some."""
    if source.status == IdeaStatus.MERGED:
        return conflict(_("This idea is already merged."))
    if source.status not in MERGEABLE_STATUSES or source.is_hidden:
        return conflict(_("Only submitted, published or matched ideas that are not hidden can be merged."))
    return None


@transaction.atomic
def idea_merge(*, source: Idea, target: Idea, by: User) -> Idea:
    """Fold `source` into `target`. Nothing is deleted: `source` keeps its text, supports and
    comments and points at `target`, whose support count includes each of `source`'s
    supporters once. Undo with idea_unmerge."""
    require_city_staff(by, message=_("Only city staff can moderate."))
    # Checked on the locked rows: a merge confirmed twice, or A into B and B into A at once,
    # would otherwise both pass on the copies loaded before either was saved.
    changed = _lock_rows(source, target)
    refusal = idea_merge_refusal(source=source, target=target)
    if refusal is not None:
        raise refusal
    if source in changed:
        # Decided meanwhile (published, say): staff confirm the merge of the idea as it is now.
        raise _already_decided(source)
    # Ideas already merged into the source follow it into the target, so the count stays one level deep.
    Idea.objects.filter(merged_into=source).update(merged_into=target)
    with audited(actor=by, action=AuditAction.IDEA_MERGE, target=source, fields=STATUS_FIELDS):
        source.status_before_merge = source.status
        source.status = IdeaStatus.MERGED
        source.merged_into = target
        source.save(update_fields=["status", "status_before_merge", "merged_into", "updated_at"])

    supporters = User.objects.filter(supports__idea=source)
    followers = User.objects.filter(follows__idea=source)
    notify_in_their_language(
        users=list(supporters) + list(followers) + [source.author],
        kind=NotificationKind.IDEA_STATUS,
        title=lambda: _merged_title(source.title, target.title),
        body=lambda: _("Your support now counts for the merged idea."),
        link=target.get_absolute_url(),
        exclude=by,
    )
    dispatch.idea_visibility_changed(source.pk)
    return source


def _merged_title(source: str, target: str) -> str:
    return _("“%(source)s” was merged into “%(target)s”") % {"source": source, "target": target}


def _merged_opening(source: str) -> str:
    """How the notification of `source`'s merge opens, up to the title of the idea it was merged
    into (which may have changed since). A wording that names that idea first opens with nothing
    of `source`'s: then nothing is taken for its merge."""
    marker = "\x00"
    opening = _merged_title(source, marker).partition(marker)[0]
    return opening if source in opening else marker


@transaction.atomic
def idea_unmerge(*, idea: Idea, by: User) -> Idea:
    """Undo a merge: the idea gets back the status it had (a submitted idea is private again)
    and, since the merge moved no support, its supporters count for it again at once."""
    require_city_staff(by, message=_("Only city staff can moderate."))
    if idea.status != IdeaStatus.MERGED:
        raise conflict(_("This idea is not merged."))
    with audited(actor=by, action=AuditAction.IDEA_UNMERGE, target=idea, fields=STATUS_FIELDS):
        idea.status = idea.status_before_merge or IdeaStatus.PUBLISHED
        idea.status_before_merge = ""
        idea.merged_into = None
        idea.save(update_fields=["status", "status_before_merge", "merged_into", "updated_at"])
    dispatch.idea_changed(idea.pk)
    return idea


@transaction.atomic
def author_leaves(*, user: User) -> None:
    """As a person closes their account: the ideas only they could see go (as they could delete
    them themselves; one a pilot was made from, or others were merged into, stays), and they
    follow no idea. What they published, commented and supported stays where others read and
    count it, credited to a former member (`User.closed_at`)."""
    Follow.objects.filter(user=user).delete()
    # First, while their comments on the ideas deleted next still lead to the notifications of
    # them: those name the person too.
    _comment_notifications_unname(user=user)
    deleted = []
    for idea in Idea.objects.filter(author=user, status__in=AUTHOR_DELETABLE_STATUSES).order_by("pk"):
        # `_idea_delete` refuses, and leaves in place, one a pilot was made from or others were
        # merged into; its savepoint undoes nothing else.
        with contextlib.suppress(ApplicationError):
            deleted.append(_idea_delete(idea=idea, user=user))
    _notifications_of_deleted_ideas(deleted, author=user)
    # Their removed comments lose their text: kept so that replies keep their thread, it was
    # shown to nobody, and only its author could have wanted it back. Not while a report of one
    # waits for the moderators (`selectors.removed_comments_to_erase`): what was reported (abuse,
    # someone's personal data) is what they must read to decide, and removing it then closing
    # the account must not take it from under them; it goes once the reports are settled.
    selectors.removed_comments_to_erase(author=user).update(body="")


def _erase_if_its_author_left(target: Idea | Comment) -> None:
    """Settling the last open report of a comment its author removed before closing their
    account lets its text go, as closing would have."""
    if isinstance(target, Comment) and target.author.closed_at is not None:
        selectors.removed_comments_to_erase(author=target.author).filter(pk=target.pk).update(body="")


def _comment_notifications_unname(*, user: User) -> None:
    """The notifications of the person's comments and replies name them in their titles ("Bob
    commented on your idea …"): each now names a former member, in its reader's language, as
    the comment itself does. Called before the account is emptied, while its name is known."""
    name = str(user)
    comments = Comment.objects.filter(author=user).select_related("idea", "parent")
    told: set[int] = set()
    links: list[str] = []
    for comment in comments:
        links.append(_comment_link(comment))
        told.add(comment.idea.author_id)
        if comment.parent is not None:
            told.add(comment.parent.author_id)
    if links:
        notifications_rename(
            kind=NotificationKind.NEW_COMMENT,
            links=links,
            user_ids=told - {user.pk},
            old=name,
            new=worded_per_language(lambda: str(_("Former member"))),
        )
