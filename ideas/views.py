"""Pages for people; they call the same selectors and services as the API."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.decorators import city_staff_required
from core.errors import ApplicationError, ErrorKind
from core.forms import add_service_errors, error_text, kept_text, posted_flag, posted_id, posted_text
from core.shortcuts import filters_applied, get_or_404, posted_here_else_back_to

from . import selectors, services
from .filters import IdeaFilter
from .forms import CommentForm, IdeaForm, ReportForm, ReviewRequestForm, StaffIdeaEditForm
from .models import (
    COMMENT_MAX_LENGTH,
    MODERATION_NOTE_MAX_LENGTH,
    REJECTION_REASON_MAX_LENGTH,
    Comment,
    Idea,
    IdeaStatus,
    Report,
)


def _visible_idea(request, idea_id: int) -> Idea:
    return get_or_404(selectors.idea_get, idea_id=idea_id, user=request.user)


@require_safe
def home(request):
    return render(
        request,
        "ideas/home.html",
        selectors.home_ideas(user=request.user, language=(get_language() or settings.LANGUAGE_CODE)[:2]),
    )


@require_safe
def idea_list(request):
    filterset = IdeaFilter(request.GET, queryset=selectors.idea_list(user=request.user), request=request)
    ideas = filterset.qs if filterset.is_valid() else selectors.idea_list(user=request.user).none()
    # Set once the text search ran (reading `qs` above): how it searched.
    search = filterset.search
    return render(
        request,
        "ideas/idea_list.html",
        {
            "filter": filterset,
            "filtered": filters_applied(request, besides=("page", "ordering")),
            "page": Paginator(ideas, 12).get_page(request.GET.get("page")),
            "search": search,
            "search_outcome": (
                selectors.idea_search_outcome(search=search, found=ideas) if search is not None else None
            ),
        },
    )


@require_safe
def idea_detail(request, idea_id: int):
    return _render_detail(request, get_or_404(selectors.idea_page_get, idea_id=idea_id, user=request.user))


def _render_detail(
    request,
    idea: Idea,
    *,
    comment_body: str = "",
    comment_errors=(),
    comment_refusal: str = "",
    reply_to: int | None = None,
    status: int = 200,
):
    """The idea page; after a refused comment (or reply to `reply_to`), with its text as typed
    and the errors next to it, or, when the idea was closed to comments meanwhile
    (`comment_refusal`), with the text in a box to copy."""
    # The matches, interested companies, pilots and timeline panels are template tags of the
    # matching and pilots apps, which ideas does not import.
    return render(
        request,
        "ideas/idea_detail.html",
        {
            "idea": idea,
            "comments": selectors.comment_tree(idea=idea, user=request.user),
            "comment_body": comment_body if reply_to is None else "",
            "comment_errors": comment_errors if reply_to is None else (),
            "comment_refusal": comment_refusal,
            "reply_to": reply_to,
            "reply_body": comment_body if reply_to is not None else "",
            "reply_errors": comment_errors if reply_to is not None else (),
            "can_edit": idea.can_be_edited_by(request.user),
            "can_delete": idea.can_be_deleted_by(request.user),
            # A duplicate the similarity search did not pair (a citizen's report, a staff
            # member's memory) is merged from its own page.
            "can_merge": request.user.is_authenticated
            and request.user.is_city_staff
            and services.idea_merge_source_refusal(source=idea) is None,
            "comment_max_length": COMMENT_MAX_LENGTH,
            # Its author alone is told why nobody else sees it: staff know, and others cannot see it.
            "hidden_awaits_moderators": selectors.idea_awaits_moderators(idea=idea)
            if idea.is_hidden and idea.author_id == request.user.pk
            else None,
            "review_request": selectors.review_request_of(idea=idea, user=request.user)
            if idea.is_hidden and idea.author_id == request.user.pk
            else None,
        },
        status=status,
    )


@login_required
def idea_submit(request):
    form = IdeaForm(request.POST or None)
    repeat_of = None
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_submit(
                author=request.user, repeat=request.POST.get("repeat") == "1", **form.cleaned_data
            )
        except ApplicationError as error:
            if error.code == "repeated_submission":
                # Asked, not refused: the page links the idea already sent and offers to send
                # this one anyway.
                repeat_of = selectors.idea_repeat_of(
                    author=request.user,
                    title=form.cleaned_data["title"],
                    problem=form.cleaned_data["problem"],
                    proposal=form.cleaned_data["proposal"],
                )
            if repeat_of is None:
                add_service_errors(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Thank you. Your idea was submitted and will be published after review.")
            )
            return redirect("idea-detail", idea_id=idea.pk)
    return render(request, "ideas/idea_form.html", {"form": form, "repeat_of": repeat_of})


@login_required
def idea_edit(request, idea_id: int):
    """The author edits an idea not yet published: a draft (one staff sent back for revision,
    say) is saved or sent to the moderators again. Staff may correct any idea here, saying why
    when they change someone else's words."""
    idea = _visible_idea(request, idea_id)
    if not idea.can_be_edited_by(request.user):
        if idea.author_id != request.user.pk:
            raise PermissionDenied
        if request.method == "POST":
            return _idea_edit_refused(request, idea)
        messages.error(request, _("This idea is published: only the moderators can change it now."))
        return redirect("idea-detail", idea_id=idea.pk)
    may_resubmit = idea.status == IdeaStatus.DRAFT and idea.author_id == request.user.pk
    initial = {field: getattr(idea, field) for field in IdeaForm.base_fields}
    form_class = IdeaForm if idea.author_id == request.user.pk else StaffIdeaEditForm
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        resubmit = may_resubmit and request.POST.get("action") == "resubmit"
        try:
            if resubmit:
                services.idea_resubmit(idea=idea, user=request.user, **form.cleaned_data)
            else:
                services.idea_update(idea=idea, user=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            if resubmit:
                messages.success(request, _("Thank you. Your revised idea was sent to the moderators."))
            else:
                messages.success(request, _("Your changes were saved."))
            return redirect("idea-detail", idea_id=idea.pk)
    return render(request, "ideas/idea_form.html", {"form": form, "idea": idea, "may_resubmit": may_resubmit})


def _idea_edit_refused(request, idea: Idea):
    """The moderators decided on the idea while its author was changing it: the changes are not
    saved, and come back, read-only, to be copied, with what the idea's new state means for them."""
    if idea.status == IdeaStatus.MERGED:
        refusal = _(
            "While you were editing, the moderators merged this idea into another one: its supporters "
            "count there now, and only the moderators can change it."
        )
    elif idea.status == IdeaStatus.REJECTED:
        refusal = _(
            "While you were editing, the moderators rejected this idea; their reason is on its page. "
            "It can no longer be changed: you can propose a new idea instead."
        )
    elif idea.is_public:
        refusal = _(
            "While you were editing, the moderators published this idea: everyone can read it now, "
            "and only the moderators can change it."
        )
    else:
        refusal = _("You can no longer edit this idea.")
    form = IdeaForm(initial={name: kept_text(request.POST, name) for name in IdeaForm.base_fields})
    for field in form.fields.values():
        if not isinstance(field, forms.ChoiceField):
            field.widget.attrs["readonly"] = True
    return render(
        request,
        "ideas/idea_form.html",
        {"form": form, "idea": idea, "refusal": refusal},
        status=409,
    )


@login_required
def idea_delete(request, idea_id: int):
    """Authors delete an idea nobody else can see (a draft, one waiting for review, a rejected
    one): this page shows what goes with it and asks first, its POST deletes. Whoever the API
    lets delete an idea may here; the page says why when the idea cannot be deleted."""
    idea = _visible_idea(request, idea_id)
    if idea.author_id != request.user.pk:
        raise PermissionDenied
    refusal = services.idea_delete_refusal(idea=idea, user=request.user)
    if request.method == "POST" and refusal is None:
        try:
            services.idea_delete(idea=idea, user=request.user)
        except ApplicationError as error:
            # Published or merged into since the page was opened; or deleted by the first of two
            # sends of this form (a double click), which is what was asked.
            if error.kind != ErrorKind.NOT_FOUND:
                refusal = error
        if refusal is None:
            messages.success(request, _("Your idea “%(title)s” was deleted.") % {"title": idea.title})
            return redirect("my-page")
    return render(
        request,
        "ideas/idea_delete.html",
        {"idea": idea, "refusal": error_text(refusal) if refusal is not None else ""},
        status=409 if refusal is not None and request.method == "POST" else 200,
    )


@login_required
@require_POST
def idea_support(request, idea_id: int):
    """Support an idea or withdraw the support, as the button sent (`support`, 1 or 0): the state
    wanted, so a second send, or one from a page shown before a change in another tab, does what
    its button said rather than undo it."""
    idea = _visible_idea(request, idea_id)
    try:
        if posted_flag(request.POST, "support"):
            services.idea_support(idea=idea, user=request.user)
            done = _("You already support this idea.") if idea.is_supported else _("You support this idea.")
        else:
            services.idea_unsupport(idea=idea, user=request.user)
            done = _("Support withdrawn.") if idea.is_supported else _("Your support was already withdrawn.")
    except (ApplicationError, ValidationError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done)
    return redirect("idea-detail", idea_id=idea.pk)


@city_staff_required
def moderation_page(request):
    """Staff decide on submitted ideas: publish, reject with a reason, ask for a revision, or
    merge into a published idea the matcher found similar."""
    # A refused reason or revision note is shown again beside its own field with what was typed,
    # rather than lost to a redirect.
    refused: dict = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            idea = get_object_or_404(Idea, pk=posted_id(request.POST, "idea"))
            if action == "publish":
                services.idea_publish(idea=idea, by=request.user)
                messages.success(request, _("Published."))
            elif action == "reject":
                reason = posted_text(request.POST, "reason")
                services.idea_reject(idea=idea, by=request.user, reason=reason)
                messages.success(request, _("Rejected; the author sees the reason."))
            elif action == "revise":
                note = posted_text(request.POST, "note")
                services.idea_request_revision(idea=idea, by=request.user, note=note)
                messages.success(request, _("Sent back to the author for revision."))
            elif action == "merge":
                # Merging is decided on a page that shows both ideas side by side.
                target = get_object_or_404(Idea, pk=posted_id(request.POST, "target"))
                return redirect(f"{reverse('idea-merge-page', args=[idea.pk])}?into={target.pk}")
        except (ApplicationError, ValidationError) as error:
            field = {"reject": "reason", "revise": "note"}.get(action or "")
            # An altered idea id names no card to show the error beside, and a refusal that is not
            # about what was typed (the idea was already decided, its card has left the queue) is
            # not shown beside the field: either goes on top.
            about_the_idea = isinstance(error, ApplicationError) and field not in error.fields
            if field is None or about_the_idea or "idea" in getattr(error, "error_dict", {}):
                messages.error(request, error_text(error))
                refused = {"error": error_text(error)}
            else:
                refused = {
                    "idea": request.POST.get("idea"),
                    "field": field,
                    "value": kept_text(request.POST, field),
                    "error": error_text(error),
                }
        else:
            return redirect("moderation-page")
    return _render_moderation_page(request, refused=refused)


def _render_moderation_page(request, *, refused: dict):
    return render(
        request,
        "ideas/moderation.html",
        {
            "queue": list(selectors.moderation_queue(user=request.user)),
            "report_groups": selectors.open_report_groups(),
            "refused": refused,
            "reason_max_length": REJECTION_REASON_MAX_LENGTH,
            "note_max_length": MODERATION_NOTE_MAX_LENGTH,
        },
        status=400 if refused else 200,
    )


@city_staff_required
def idea_merge_page(request, idea_id: int):
    """Staff confirm a merge after seeing both ideas: GET shows them, POST merges."""
    source = _visible_idea(request, idea_id)
    data = request.POST if request.method == "POST" else request.GET
    try:
        target_id = posted_id(data, "into")
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("moderation-page")
    target = _visible_idea(request, target_id)
    refusal = services.idea_merge_refusal(source=source, target=target)
    if request.method == "POST" and refusal is None:
        try:
            services.idea_merge(source=source, target=target, by=request.user)
        except ApplicationError as error:
            refusal = error
        else:
            messages.success(
                request,
                _("Merged into “%(title)s”. Supporters were told. You can undo the merge on this page.")
                % {"title": target.title},
            )
            return redirect("idea-detail", idea_id=source.pk)
    return render(
        request,
        "ideas/merge_confirm.html",
        {"source": source, "target": target, "refusal": error_text(refusal) if refusal else ""},
        status=409 if refusal is not None and request.method == "POST" else 200,
    )


@city_staff_required
@require_POST
def idea_unmerge_page(request, idea_id: int):
    idea = _visible_idea(request, idea_id)
    try:
        services.idea_unmerge(idea=idea, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The merge was undone: the idea is %(status)s again and its supporters count for it.")
            % {"status": idea.get_status_display()},
        )
    return redirect("idea-detail", idea_id=idea.pk)


@login_required
@require_POST
def idea_follow(request, idea_id: int):
    """Follow an idea's news or stop, as the button sent (`follow`, 1 or 0), as `idea_support`."""
    idea = _visible_idea(request, idea_id)
    try:
        if posted_flag(request.POST, "follow"):
            services.idea_follow(idea=idea, user=request.user)
            done = _("You follow this idea: its news comes to your notifications and My page.")
        else:
            services.idea_unfollow(idea=idea, user=request.user)
            done = _("You no longer follow this idea.")
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done)
    return redirect("idea-detail", idea_id=idea.pk)


@login_required
@posted_here_else_back_to(lambda idea_id: reverse("idea-detail", args=[idea_id]))
def idea_comment(request, idea_id: int):
    """A comment, or a reply to a top-level comment (`parent`)."""
    body = request.POST.get("body", "")
    try:
        idea = selectors.idea_get(idea_id=idea_id, user=request.user)
    except Idea.DoesNotExist:
        if not body.strip():
            raise Http404 from None
        # Hidden or deleted while the comment was written: the idea is not shown, nor is which of
        # the two happened (its address says no more than a missing one's), but the text is.
        return render(
            request,
            "ideas/comment_not_posted.html",
            {
                "refusal": _(
                    "This idea is no longer shown: the moderators may have hidden it, or its author "
                    "deleted it."
                ),
                "kept": kept_text(request.POST, "body"),
            },
            status=404,
        )
    form = CommentForm(request.POST)
    reply_to = None
    try:
        parent = None
        if request.POST.get("parent"):
            # A reply to a comment deleted or hidden since the page was opened is kept as a
            # comment of its own, rather than lost or put where no one reads it.
            parent = idea.comments.filter(pk=posted_id(request.POST, "parent"), is_hidden=False).first()
            reply_to = parent.pk if parent is not None and parent.parent_id is None else None
        if not form.is_valid():
            raise ValidationError(form.errors["body"])
        comment = services.comment_create(
            idea=idea, author=request.user, body=form.cleaned_data["body"], parent=parent
        )
    except ValidationError as error:
        # The page again with the comment as typed, so a too-long comment can be shortened, not retyped.
        return _render_detail(
            request, idea, comment_body=body, comment_errors=error.messages, reply_to=reply_to, status=400
        )
    except ApplicationError as error:
        if idea.is_open_to_citizens:
            # About the comment answered (its thread was hidden): the comment form holds the text,
            # to be posted as a comment of its own.
            return _render_detail(
                request, idea, comment_body=body, comment_errors=[error.message], status=409
            )
        # The idea was closed to comments meanwhile, and its page has no comment form: the text
        # comes back in a box to copy, with why.
        return _render_detail(
            request,
            idea,
            comment_body=kept_text(request.POST, "body"),
            comment_refusal=_comment_refusal(idea, error),
            status=409,
        )
    if request.POST.get("parent") and parent is None:
        messages.info(
            request,
            _(
                "The comment you answered has been hidden or deleted, so your reply was posted as a "
                "comment of its own."
            ),
        )
    return redirect(f"{idea.get_absolute_url()}#comment-{comment.pk}")


def _comment_refusal(idea: Idea, error: ApplicationError) -> str:
    if idea.status == IdeaStatus.MERGED:
        return _(
            "While you were writing, this idea was merged into another one: the conversation continues there."
        )
    if idea.is_hidden:
        return _("While you were writing, the moderators hid this idea: nobody can comment on it now.")
    return error.message


def _shown_comment(request, comment_id: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("idea"), pk=comment_id)
    if not comment.idea.can_be_viewed_by(request.user) or comment.is_removed:
        raise Http404
    # Someone else's hidden comment is not shown to them anywhere: its address says no more.
    if comment.is_hidden and comment.author_id != request.user.pk and not request.user.is_city_staff:
        raise Http404
    return comment


def _own_comment(request, comment_id: int) -> Comment:
    comment = _shown_comment(request, comment_id)
    if comment.author_id != request.user.pk:
        raise PermissionDenied
    return comment


@login_required
def comment_edit(request, comment_id: int):
    """Authors correct their own comment for COMMENT_EDIT_WINDOW_MINUTES after posting it."""
    comment = _own_comment(request, comment_id)
    back = f"{comment.idea.get_absolute_url()}#comment-{comment.pk}"
    if not comment.can_be_edited_by(request.user):
        if request.method == "POST":
            return _comment_edit_refused(request, comment, back=back)
        messages.error(request, _("This comment can no longer be edited."))
        return redirect(back)
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_update(comment=comment, user=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error)
        except ApplicationError:
            return _comment_edit_refused(request, comment, back=back)
        else:
            messages.success(request, _("Your comment was saved."))
            return redirect(back)
    return render(
        request,
        "ideas/comment_form.html",
        {"form": form, "comment": comment, "back": back, "edit_window": settings.COMMENT_EDIT_WINDOW_MINUTES},
        status=400 if form.errors else 200,
    )


def _comment_edit_refused(request, comment: Comment, *, back: str):
    """The edit page opened in time and sent too late (or after staff hid the comment): the
    comment stays as it was, and the text typed comes back to be copied, not lost to a redirect."""
    if comment.is_hidden:
        refusal = _("The moderators hid this comment, so it can no longer be edited.")
    else:
        refusal = _("This comment can no longer be edited: the time to edit it is over.")
    return render(
        request,
        "ideas/comment_form.html",
        {
            "comment": comment,
            "back": back,
            "edit_window": settings.COMMENT_EDIT_WINDOW_MINUTES,
            "refusal": refusal,
            "kept": kept_text(request.POST, "body"),
        },
        status=409,
    )


@login_required
def comment_delete(request, comment_id: int):
    """Authors take their comment down, at any time (personal details seen too late, say): this
    page asks first, its POST deletes. Whoever the API lets delete a comment may here."""
    comment = _shown_comment(request, comment_id)
    if not comment.can_be_removed_by(request.user):
        raise PermissionDenied
    back = f"{comment.idea.get_absolute_url()}#comment-{comment.pk}"
    if request.method == "POST":
        services.comment_remove(comment=comment, user=request.user)
        own = comment.author_id == request.user.pk
        messages.success(request, _("Your comment was deleted.") if own else _("The comment was deleted."))
        return redirect(back)
    return render(request, "ideas/comment_delete.html", {"comment": comment, "back": back})


@login_required
def idea_review_request(request, idea_id: int):
    """The author of a hidden idea asks the moderators to look at it again, once."""
    idea = get_or_404(selectors.idea_get, idea_id=idea_id, user=request.user)
    if idea.author_id != request.user.pk or not idea.is_hidden:
        raise PermissionDenied(_("Only the author of a hidden idea can ask the moderators to look again."))
    already = selectors.review_request_of(idea=idea, user=request.user)
    form = ReviewRequestForm(request.POST or None)
    if request.method == "POST" and already is None and form.is_valid():
        try:
            services.idea_review_request(idea=idea, user=request.user, **form.cleaned_data)
        except ApplicationError as error:
            if error.code != "duplicate":
                add_service_errors(form, error)
            else:
                already = selectors.review_request_of(idea=idea, user=request.user)
        else:
            messages.success(
                request, _("Sent. The moderators will look again and tell you what they decide.")
            )
            return redirect(idea.get_absolute_url())
    return render(
        request,
        "ideas/review_request.html",
        {"form": form, "idea": idea, "already": already},
        status=400 if form.errors else 200,
    )


@login_required
def report_idea(request, idea_id: int):
    idea = get_or_404(selectors.reportable_idea_get, idea_id=idea_id)
    return _report_page(request, idea=idea, back=idea.get_absolute_url())


@login_required
def report_comment(request, comment_id: int):
    comment = get_or_404(selectors.reportable_comment_get, comment_id=comment_id)
    return _report_page(
        request, comment=comment, back=f"{comment.idea.get_absolute_url()}#comment-{comment.pk}"
    )


def _report_page(request, *, back: str, idea: Idea | None = None, comment: Comment | None = None):
    """Citizens report an idea or a comment to the moderators' queue, once each."""
    if (idea or comment).author_id == request.user.pk:
        # The service would refuse the report: say why before a form is filled in for nothing.
        raise PermissionDenied(_("You cannot report what you wrote yourself: edit or delete it instead."))
    already = selectors.report_exists(reporter=request.user, idea=idea, comment=comment)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and not already and form.is_valid():
        try:
            services.report_create(reporter=request.user, idea=idea, comment=comment, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except ApplicationError as error:
            if error.code != "duplicate":
                messages.error(request, error.message)
                return redirect(back)
            already = True  # sent twice at once: the first one counts
        else:
            messages.success(request, _("Thank you. The moderators will look at your report."))
            return redirect(back)
    return render(
        request,
        "ideas/report_form.html",
        {"form": form, "idea": idea, "comment": comment, "back": back, "already_reported": already},
        status=400 if form.errors else 200,
    )


@city_staff_required
@posted_here_else_back_to(lambda report_id: reverse("moderation-page"))
def report_decide(request, report_id: int):
    """Staff settle a report: hide the content for good, show it again, or dismiss the report."""
    report = get_object_or_404(Report.objects.select_related("idea", "comment"), pk=report_id)
    action = request.POST.get("action")
    if action not in services.REPORT_DECISIONS:
        # Nothing was done, so nothing may be reported as saved.
        message = _("Choose what to do.")
        messages.error(request, message)
        return _render_moderation_page(request, refused={"error": message})
    try:
        # The page shows the reports of one item as one entry: dismissing it dismisses them all.
        services.report_decide(report=report, by=request.user, action=action)
        messages.success(request, _("Saved."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("moderation-page")
