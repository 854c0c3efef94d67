"""Figures for the staff dashboard and the CSV exports (reads only), and closing an account, which
ends a person's part in every app (the one app that may call all of theirs)."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Model, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.services import user_close, user_password_confirm
from companies.models import Company
from companies.services import member_leave_all
from donations.services import donor_data_erase
from ideas.models import Category, District, Idea, IdeaStatus, Support
from ideas.services import author_leaves
from matching.models import Match, MatchStatus
from matching.selectors import matchable_ideas_with_matches
from pilots.models import Pilot, PilotConsent, PilotStage, PilotVolunteer
from pilots.services import pilot_follows_end

from .selectors import account_closing_summary

logger = logging.getLogger(__name__)


def _choice_rows(found: dict, choices: Iterable[tuple[str, object]]) -> list[dict]:
    return [{"key": value, "label": str(label), "count": found.get(value, 0)} for value, label in choices]


def _counts(queryset: QuerySet[Model], field: str, choices: Iterable[tuple[str, object]]) -> list[dict]:
    return _choice_rows(dict(queryset.values_list(field).annotate(n=Count("pk")).order_by()), choices)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def dashboard_figures() -> dict:
    ideas = Idea.objects.all()
    matched = matchable_ideas_with_matches()
    over_time = (
        ideas.annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    interests = Match.objects.filter(status=MatchStatus.INTERESTED)
    # One pass over the ideas by status and hiding gives the three status figures below.
    by_status_hidden = ideas.values_list("status", "is_hidden").annotate(n=Count("pk")).order_by()
    all_by_status: dict[str, int] = {}
    shown_by_status: dict[str, int] = {}
    hidden = 0
    for status, is_hidden, n in by_status_hidden:
        all_by_status[status] = all_by_status.get(status, 0) + n
        if is_hidden:
            hidden += n
        else:
            shown_by_status[status] = shown_by_status.get(status, 0) + n
    figures = {
        "ideas_total": ideas.count(),
        "ideas_by_category": _counts(ideas, "category", Category.choices),
        "ideas_by_district": _counts(ideas, "district", District.choices),
        # Every idea by its status, as the ideas export lists them, hidden ones included.
        "ideas_by_status": _choice_rows(all_by_status, IdeaStatus.choices),
        # The dashboard's chart counts an idea hidden by moderators on a row of its own, so that its
        # published, matched, in-pilot and completed rows add up to the public ideas of the shares.
        "ideas_by_status_not_hidden": _choice_rows(shown_by_status, IdeaStatus.choices),
        "ideas_hidden": hidden,
        "ideas_by_month": [
            {"month": row["month"].date().isoformat()[:7], "count": row["n"]} for row in over_time
        ],
        "supports_total": Support.objects.count(),
        # Published ideas in the wide sense: every status the matcher pairs with companies.
        "published_ideas": matched["ideas"],
        "published_with_strong_match": matched["strong"],
        "strong_match_share": _share(matched["strong"], matched["ideas"]),
        "published_with_shown_match": matched["shown"],
        "shown_match_share": _share(matched["shown"], matched["ideas"]),
        "interests_total": interests.count(),
        "companies_interested": interests.values("company").distinct().count(),
        "companies_verified": Company.objects.filter(is_verified=True).count(),
        "pilots_by_stage": _counts(Pilot.objects.all(), "stage", PilotStage.choices),
        "volunteers_active": PilotVolunteer.objects.filter(left_at__isnull=True).count(),
        "consents_active": PilotConsent.objects.filter(withdrawn_at__isnull=True).count(),
        "consents_withdrawn": PilotConsent.objects.filter(withdrawn_at__isnull=False).count(),
    }
    return figures


# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV Injection"), so a
# citizen's title such as =HYPERLINK(...) would run in the staff member's spreadsheet.
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _neutralise(cell: object) -> object:
    """Prefix a text cell that a spreadsheet would evaluate with a single quote, which makes it
    plain text; numbers are left as they are so that they stay numbers."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_TRIGGERS):
        return "'" + cell
    return cell


# Staff read the exports in Gwangju whatever the server's clock: times are Korea time, with the
# offset written out so that a spreadsheet or a script does not take them for UTC.
EXPORT_TIME_ZONE = ZoneInfo("Asia/Seoul")


def _when(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return moment.astimezone(EXPORT_TIME_ZONE).isoformat(timespec="seconds")


def _csv(header: list[str], rows: Iterable[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_neutralise(cell) for cell in header])
    writer.writerows([_neutralise(cell) for cell in row] for row in rows)
    # The byte order mark makes Excel read the file as UTF-8, so Korean text shows correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_ideas() -> bytes:
    ideas = (
        Idea.objects.select_related("author")
        .annotate(supporters=Count("supports", distinct=True))
        .order_by("id")
    )
    return _csv(
        [
            _("ID"),
            _("title"),
            _("problem"),
            _("what AI could do"),
            _("category"),
            _("district"),
            _("status"),
            _("language"),
            _("supporters"),
            _("author"),
            _("created"),
            _("published"),
        ],
        (
            [
                i.pk,
                i.title,
                i.problem,
                i.proposal,
                i.get_category_display(),
                i.get_district_display(),
                i.get_status_display(),
                i.get_language_display(),
                i.supporters,
                str(i.author),
                _when(i.created_at),
                _when(i.published_at),
            ]
            for i in ideas
        ),
    )


def export_matches() -> bytes:
    matches = Match.objects.select_related("idea", "company").order_by("idea_id", "rank_for_idea")
    return _csv(
        [
            _("idea ID"),
            _("idea"),
            _("company ID"),
            _("company"),
            _("rank for the idea"),
            _("rank for the company"),
            _("strength"),
            _("score"),
            _("status"),
            _("reason"),
        ],
        (
            [
                m.idea_id,
                m.idea.title,
                m.company.slug,
                m.company.name,
                m.rank_for_idea or "",
                m.rank_for_company or "",
                m.get_strength_display(),
                round(m.score, 3),
                m.get_status_display(),
                f"{m.reason.get('idea_text', '')} ↔ {m.reason.get('company_text', '')}",
            ]
            for m in matches
        ),
    )


def export_interests() -> bytes:
    interests = (
        Match.objects.filter(status=MatchStatus.INTERESTED)
        .select_related("idea", "company", "feedback_by")
        .order_by("-feedback_at")
    )
    return _csv(
        [
            _("idea ID"),
            _("idea"),
            _("company"),
            _("what you would pilot"),
            _("data you would need"),
            _("rough duration in weeks"),
            _("message to the city"),
            _("by"),
            _("date"),
        ],
        (
            [
                m.idea_id,
                m.idea.title,
                m.company.name,
                m.proposal_plan,
                m.proposal_data_needed,
                m.proposal_duration_weeks or "",
                # An interest sent from the page stores its plan as the message too: repeated,
                # it would read as a second text the company wrote.
                "" if m.message == m.proposal_plan else m.message,
                str(m.feedback_by or ""),
                _when(m.feedback_at),
            ]
            for m in interests
        ),
    )


def export_pilots() -> bytes:
    pilots = (
        Pilot.objects.select_related("idea")
        .prefetch_related("companies", "milestones")
        .annotate(
            active_volunteers=Count("volunteers", filter=Q(volunteers__left_at__isnull=True), distinct=True)
        )
        .order_by("id")
    )
    return _csv(
        [
            _("ID"),
            _("title"),
            _("title in English"),
            _("idea ID"),
            _("idea"),
            _("companies"),
            _("stage"),
            _("district"),
            _("venue"),
            _("venue in English"),
            _("progress"),
            _("volunteers"),
            _("created"),
        ],
        (
            [
                p.pk,
                p.title,
                p.title_en,
                p.idea_id,
                p.idea.title,
                ", ".join(c.name for c in p.companies.all()),
                p.get_stage_display(),
                p.get_district_display(),
                p.venue,
                p.venue_en,
                f"{p.progress}%",
                p.active_volunteers,
                _when(p.created_at),
            ]
            for p in pilots
        ),
    )


# Each export's name in the URL, its label on the dashboard, and what writes it.
EXPORTS = {
    "ideas": (gettext_lazy("Ideas"), export_ideas),
    "matches": (gettext_lazy("Matches"), export_matches),
    "interests": (gettext_lazy("Company interests"), export_interests),
    "pilots": (gettext_lazy("Pilots"), export_pilots),
}


def export_csv(name: str) -> bytes:
    _label, export = EXPORTS[name]
    return export()


@transaction.atomic
def account_close(*, user: User, password: str) -> User:
    """A person closes their account (their right to have their data erased): asked for the
    password again, refused while they alone own a company. Their donations, results, drafts and
    follows are deleted and their consents withdrawn; what they published stays, credited to a
    former member; the account itself is emptied and can no longer sign in
    (`accounts.services.user_close`)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.closed_at is not None:  # sent twice: the first closed it
        return user
    user_password_confirm(user=user, password=password)
    # Written before anything goes, while what goes can be counted and the address is known.
    email = _closing_email(user) if user.email else None
    member_leave_all(user=user)
    donor_data_erase(user=user)
    author_leaves(user=user)
    pilot_follows_end(user=user)
    closed = user_close(user=user)
    if email is not None:
        # Only once the closing holds: a closing refused or rolled back sends nothing.
        transaction.on_commit(lambda: _send_closing_email(*email))
    return closed


CLOSING_EMAIL_TEMPLATE = "dashboard/account_closed_email.txt"


def _closing_email(user: User) -> tuple[str, str, str]:
    """The confirmation of the closing, (address, subject, text) in the person's own language,
    whatever the page's: what was deleted and what stays credited to a former member."""
    with translation.override(user.preferred_language):
        context = {**account_closing_summary(user=user), "contact": settings.DATA_CONTROLLER_EMAIL}
        return (
            user.email,
            _("Your account on Gwangju AI Pilot Ideas is closed"),
            loader.render_to_string(CLOSING_EMAIL_TEMPLATE, context),
        )


def _send_closing_email(address: str, subject: str, text: str) -> None:
    """Left to a worker, which retries while the mail server is down; with the broker down too,
    sent from the request. The account is closed either way: a mail that cannot go must not make
    the person believe it is not, nor fail a request whose closing was saved."""
    from accounts.tasks import send_written_email

    try:
        send_written_email.delay(address, subject, text)
        return
    except Exception:
        logger.warning("Could not queue the email confirming that an account was closed; sending it now.")
    try:
        send_mail(subject, text, None, [address])
    except Exception:
        logger.exception("Could not send the email confirming that an account was closed")
