from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Prefetch, QuerySet

from accounts.models import User

from .models import PUBLIC_STATUSES, Comment, Idea, IdeaStatus, Report


def idea_list(*, user: User | AnonymousUser) -> QuerySet[Idea]:
    return (
        Idea.objects.visible_to(user)
        .with_counts(user)
        .select_related("author")
        .annotate(matched_at=F("embedding__matched_at"))
        .order_by("-created_at", "-id")
    )


def idea_get(*, idea_id: int, user: User | AnonymousUser) -> Idea:
    """Raises Idea.DoesNotExist for ideas the user may not see, so their existence is not revealed."""
    return idea_list(user=user).get(pk=idea_id)


def comment_list(*, idea: Idea, user: User | AnonymousUser) -> QuerySet[Comment]:
    visible = Comment.objects.select_related("author")
    if not (user.is_authenticated and user.is_city_staff):
        visible = visible.filter(is_hidden=False)
    return visible.filter(idea=idea, parent__isnull=True).prefetch_related(
        Prefetch("replies", queryset=visible.order_by("created_at", "id"))
    )


def reportable_idea_get(*, idea_id: int) -> Idea:
    """Raises Idea.DoesNotExist unless the idea is public: what the public does not see (hidden,
    unpublished) cannot be reported, and is answered for as if it did not exist."""
    return Idea.objects.filter(status__in=PUBLIC_STATUSES, is_hidden=False).get(pk=idea_id)


def reportable_comment_get(*, comment_id: int) -> Comment:
    """Raises Comment.DoesNotExist unless the comment and its idea are public (not hidden, not
    removed)."""
    return (
        Comment.objects.select_related("idea")
        .filter(is_hidden=False, is_removed=False, idea__status__in=PUBLIC_STATUSES, idea__is_hidden=False)
        .get(pk=comment_id)
    )


def moderation_queue(*, user: User, limit: int = 20) -> QuerySet[Idea]:
    """Submitted ideas waiting for staff, oldest first."""
    return idea_list(user=user).filter(status=IdeaStatus.SUBMITTED).order_by("created_at", "id")[:limit]


def open_reports(*, limit: int = 50) -> QuerySet[Report]:
    return Report.objects.filter(resolved_at__isnull=True).select_related("idea", "comment", "reporter")[
        :limit
    ]
