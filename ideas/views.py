"""Pages for people; they call the same selectors and services as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import city_staff_required
from core.errors import ApplicationError
from core.forms import add_service_errors, error_text, posted_id, posted_text
from core.shortcuts import get_or_404

from . import selectors, services
from .filters import IdeaFilter
from .forms import IdeaForm
from .models import MATCHABLE_STATUSES, Idea


def _visible_idea(request, idea_id: int) -> Idea:
    return get_or_404(selectors.idea_get, idea_id=idea_id, user=request.user)


def home(request):
    ideas = selectors.idea_list(user=request.user).filter(status__in=MATCHABLE_STATUSES)
    return render(
        request,
        "ideas/home.html",
        {
            "newest": ideas[:6],
            "most_supported": ideas.order_by("-supports_count", "-created_at")[:6],
        },
    )


def idea_list(request):
    filterset = IdeaFilter(request.GET, queryset=selectors.idea_list(user=request.user), request=request)
    page = Paginator(
        filterset.qs if filterset.is_valid() else selectors.idea_list(user=request.user).none(), 12
    )
    return render(
        request,
        "ideas/idea_list.html",
        {
            "filter": filterset,
            "page": page.get_page(request.GET.get("page")),
            # Set once the text search ran (reading `qs` above): how it searched.
            "search": filterset.search,
        },
    )


def idea_detail(request, idea_id: int):
    return _render_detail(request, _visible_idea(request, idea_id))


def _render_detail(request, idea: Idea, *, comment_body: str = "", comment_errors=(), status: int = 200):
    # The matches, interested companies, pilots and timeline panels are template tags of the
    # matching and pilots apps, which ideas does not import.
    return render(
        request,
        "ideas/idea_detail.html",
        {
            "idea": idea,
            "comments": selectors.comment_list(idea=idea, user=request.user),
            "comment_body": comment_body,
            "comment_errors": comment_errors,
        },
        status=status,
    )


@login_required
def idea_submit(request):
    form = IdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            idea = services.idea_submit(author=request.user, **form.cleaned_data)
        except ApplicationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Thank you. Your idea was submitted and will be published after review.")
            )
            return redirect("idea-detail", idea_id=idea.pk)
    return render(request, "ideas/idea_form.html", {"form": form})


@login_required
@require_POST
def idea_support(request, idea_id: int):
    idea = _visible_idea(request, idea_id)
    try:
        if idea.is_supported:
            services.idea_unsupport(idea=idea, user=request.user)
        else:
            services.idea_support(idea=idea, user=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("idea-detail", idea_id=idea.pk)


@city_staff_required
def moderation_page(request):
    """Staff decide on submitted ideas: publish, reject with a reason, ask for a revision, or
    merge into a published idea the matcher found similar."""
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
                target = get_object_or_404(Idea, pk=posted_id(request.POST, "target"))
                services.idea_merge(source=idea, target=target, by=request.user)
                messages.success(request, _("Merged. Supporters were told."))
        except (ApplicationError, ValidationError) as error:
            messages.error(request, error_text(error))
        return redirect("moderation-page")
    return render(
        request,
        "ideas/moderation.html",
        {"queue": list(selectors.moderation_queue(user=request.user)), "reports": selectors.open_reports()},
    )


@login_required
@require_POST
def idea_follow(request, idea_id: int):
    idea = _visible_idea(request, idea_id)
    if idea.is_following:
        services.idea_unfollow(idea=idea, user=request.user)
    else:
        services.idea_follow(idea=idea, user=request.user)
    return redirect("idea-detail", idea_id=idea.pk)


@login_required
@require_POST
def idea_comment(request, idea_id: int):
    idea = _visible_idea(request, idea_id)
    body = request.POST.get("body", "")
    if not body.strip():
        messages.error(request, _("Write a comment first."))
        return redirect("idea-detail", idea_id=idea.pk)
    try:
        posted_text(request.POST, "body")
        parent = None
        if request.POST.get("parent"):
            # A reply to a comment removed meanwhile is kept as a comment of its own.
            parent = idea.comments.filter(pk=posted_id(request.POST, "parent")).first()
        services.comment_create(idea=idea, author=request.user, body=body, parent=parent)
    except ValidationError as error:
        # The page again with the comment as typed, so a too-long comment can be shortened, not retyped.
        return _render_detail(request, idea, comment_body=body, comment_errors=error.messages, status=400)
    except ApplicationError as error:
        # Not about the text (the idea is no longer open to comments): the form may not even show.
        messages.error(request, error.message)
    return redirect("idea-detail", idea_id=idea.pk)


@city_staff_required
@require_POST
def report_decide(request, report_id: int):
    """Staff settle a report: hide the content for good, show it again, or dismiss the report."""
    from .models import Report

    report = get_object_or_404(Report.objects.select_related("idea", "comment"), pk=report_id)
    target = report.idea or report.comment
    action = request.POST.get("action")
    try:
        if action == "hide":
            services.content_hide(target=target, by=request.user)
        elif action == "restore":
            services.content_restore(target=target, by=request.user)
        elif action == "dismiss":
            services.report_dismiss(report=report, by=request.user)
        messages.success(request, _("Saved."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("moderation-page")
