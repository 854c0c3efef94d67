"""Reads for My page and the staff figures."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Prefetch, Q, Value, When

from accounts.models import NotificationKind, User
from accounts.notifications import preferences_for
from accounts.selectors import user_memberships
from companies.selectors import companies_solely_owned_by
from donations.models import DataReadDonor, Donation, DonationDeletion, DonationResult, Reading
from ideas.models import AUTHOR_DELETABLE_STATUSES, PUBLIC_STATUSES, Comment, Follow, Idea, Report, Support
from ideas.selectors import idea_list, ideas_followed_by, removed_comments_to_erase
from pilots.models import Pilot, PilotConsent, PilotFollow, PilotVolunteer
from pilots.selectors import pilots_followed_by, pilots_of_companies


def notification_kinds_shown_to(*, user: User) -> list[str]:
    """The notification settings My page offers: news of a company's matches only to a member of
    one (a setting a citizen can never receive would only puzzle them)."""
    member = bool(user_memberships(user=user))
    return [kind for kind in NotificationKind.values if member or kind != NotificationKind.STRONG_MATCH]


def preferences_shown_to(*, user: User) -> list[dict]:
    shown = notification_kinds_shown_to(user=user)
    return [p for p in preferences_for(user=user) if p["kind"] in shown]


# An active citizen gathers hundreds of notifications; My page shows a few and links to the rest.
# Ten made My page 4,700 px tall on a phone, with a volunteer's pilots and consents below them.
MY_PAGE_NOTIFICATIONS = 3


def my_page_contents(*, user: User) -> dict[str, Any]:
    """A citizen's own things: ideas, supports, notifications, followed ideas and pilots, pilots and
    consents."""
    ideas = idea_list(user=user)
    notification_counts = user.notifications.aggregate(
        total=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True))
    )
    volunteering = list(
        PilotVolunteer.objects.filter(user=user)
        .select_related("pilot")
        .prefetch_related("consents__data_request")
    )
    return {
        "my_ideas": ideas.filter(author=user),
        # An idea merged into another counts its supports there, and is shown as that one.
        "supported": ideas.filter(
            (Q(supports__user=user) & Q(merged_into__isnull=True)) | Q(merged_ideas__supports__user=user)
        ).distinct(),
        # The unread first, so the few shown are those still to read; then the newest.
        "notifications": user.notifications.order_by(
            Case(When(read_at__isnull=True, then=Value(0)), default=Value(1)), "-created_at", "-id"
        )[:MY_PAGE_NOTIFICATIONS],
        "notification_count": notification_counts["total"],
        # "Mark all as read" is offered only when something is unread.
        "has_unread": notification_counts["unread"] > 0,
        "preferences": preferences_shown_to(user=user),
        "followed_ideas": ideas_followed_by(user=user),
        "followed_pilots": pilots_followed_by(user=user),
        "volunteering": volunteering,
        # A volunteer who follows no pilot is told where their pilots are, rather than only that
        # they follow none, which reads as if their pilots were missing.
        "volunteers_now": any(volunteer.left_at is None for volunteer in volunteering),
        # Each company with the pilots it takes part in: a member looking for their company's pilot
        # finds it there, not under their own volunteering.
        "my_companies": _memberships_with_pilots(user),
    }


def _memberships_with_pilots(user: User) -> list[tuple[Any, list[Pilot]]]:
    memberships = user_memberships(user=user)
    pilots = pilots_of_companies(companies=[membership.company for membership in memberships], user=user)
    return [(membership, pilots[membership.company_id]) for membership in memberships]


def _title_if_visible(visible: Any, title: str) -> Case:
    """`title` (a field of the row's idea or pilot) where `visible`, an Exists over it, finds the
    person may still see it; null where they no longer may."""
    return Case(When(visible, then=F(title)), default=Value(None), output_field=CharField())


def user_data_export(*, user: User) -> dict[str, Any]:
    """Everything the product holds about one person, for them to download. What they wrote is
    theirs whatever became of it; of the ideas and pilots they supported or followed, the title
    only of those they may still see: one hidden or unpublished since is named by its id alone,
    not by a title they were never shown (staff may have changed it while it was hidden)."""
    idea_visible = Exists(Idea.objects.visible_to(user).filter(pk=OuterRef("idea_id")))
    idea_title = _title_if_visible(idea_visible, "idea__title")
    pilot_visible = Exists(Pilot.objects.visible_to(user).filter(pk=OuterRef("pilot_id")))
    return {
        "account": user,
        "ideas": Idea.objects.filter(author=user).order_by("created_at", "id"),
        "comments": Comment.objects.filter(author=user).order_by("created_at", "id"),
        "supports": Support.objects.filter(user=user)
        .annotate(idea_title=idea_title)
        .order_by("created_at", "id"),
        "follows": Follow.objects.filter(user=user)
        .annotate(idea_title=idea_title)
        .order_by("created_at", "id"),
        "reports": Report.objects.filter(reporter=user).order_by("created_at", "id"),
        "company_memberships": user.memberships.select_related("company").order_by("created_at", "id"),
        "company_invitations": user.company_invitations.select_related("company").order_by(
            "created_at", "id"
        ),
        "volunteering": PilotVolunteer.objects.filter(user=user)
        .select_related("pilot")
        .order_by("joined_at", "id"),
        "pilot_follows": PilotFollow.objects.filter(user=user)
        .annotate(
            pilot_title=_title_if_visible(pilot_visible, "pilot__title"),
            pilot_title_en=_title_if_visible(pilot_visible, "pilot__title_en"),
        )
        .order_by("created_at", "id"),
        "consents": PilotConsent.objects.filter(volunteer__user=user)
        .select_related("data_request__pilot")
        .order_by("given_at", "id"),
        "notifications": user.notifications.order_by("created_at", "id"),
        "notification_preferences": user.notification_preferences.order_by("kind"),
        **donations_export(user=user),
    }


def donations_export(*, user: User) -> dict[str, Any]:
    """What a person donated, with its values (it is their own data), who read it, the results
    they got back, and the deletions (counts only: the values are gone)."""
    return {
        "donations": Donation.objects.filter(volunteer__user=user)
        .select_related("data_request", "station")
        .prefetch_related(Prefetch("readings", queryset=Reading.objects.order_by("measured_at", "id")))
        .order_by("created_at", "id"),
        "donation_reads": DataReadDonor.objects.filter(volunteer__user=user)
        .select_related("read__company", "data_request")
        .order_by("read__read_at", "id"),
        "donation_results": DonationResult.objects.filter(volunteer__user=user)
        .select_related("company")
        .order_by("created_at", "id"),
        "donation_deletions": DonationDeletion.objects.filter(volunteer__user=user)
        .select_related("data_request")
        .order_by("deleted_at", "id"),
    }


def account_closing_summary(*, user: User) -> dict[str, Any]:
    """What closing the account would delete and what would stay, in this person's case, and the
    companies they alone own (which refuse it until another owner is made)."""
    own_ideas = Idea.objects.filter(author=user)
    memberships = user_memberships(user=user)
    return {
        # As closing deletes them (`ideas.services.author_leaves`): one a pilot was made from or
        # others were merged into stays.
        "ideas_deleted": own_ideas.filter(status__in=AUTHOR_DELETABLE_STATUSES)
        .exclude(pilots__isnull=False)
        .exclude(merged_ideas__isnull=False)
        .count(),
        "ideas_kept": own_ideas.filter(status__in=PUBLIC_STATUSES).count(),
        "comments_kept": Comment.objects.filter(author=user, is_removed=False).count(),
        "comments_erased": removed_comments_to_erase(author=user).count(),
        "supports_kept": Support.objects.filter(user=user).count(),
        "donations_deleted": Donation.objects.filter(volunteer__user=user).count(),
        "pilots_left": PilotVolunteer.objects.filter(user=user, left_at__isnull=True).count(),
        "companies_left": [m.company for m in memberships],
        "companies_solely_owned": list(companies_solely_owned_by(user=user)),
    }
