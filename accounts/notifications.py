"""In-app notifications and their email copies, each kind switchable per user."""

from __future__ import annotations

import datetime
import functools
import operator
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import ngettext

from .models import Notification, NotificationKind, NotificationPreference, User

if TYPE_CHECKING:
    from celery import Task

DEFAULT_IN_APP = True
DEFAULT_EMAIL = False
# A title made longer by what it names (a company's name, a count) is cut to fit its column.
TITLE_MAX_LENGTH = Notification._meta.get_field("title").max_length

Worded = TypeVar("Worded")


def worded_per_language(word: Callable[[], Worded]) -> Callable[[str], Worded]:
    """`word`'s text in a given language, worded inside that language the first time it is asked
    for: a message to thousands of recipients is translated once per language among them, not
    once per recipient."""
    worded: dict[str, Worded] = {}

    def in_language(language: str) -> Worded:
        if language not in worded:
            with translation.override(language):
                worded[language] = word()
        return worded[language]

    return in_language


def _preferences(users: list[User], kind: str) -> dict[int, NotificationPreference]:
    return {p.user_id: p for p in NotificationPreference.objects.filter(user__in=users, kind=kind)}


def notify(
    *,
    users: Iterable[User],
    kind: NotificationKind,
    title: str,
    body: str = "",
    link: str = "",
    exclude: User | None = None,
) -> list[Notification]:
    """Notify each user once, as each chose for this kind; emails go out after commit."""
    recipients = {u.pk: u for u in users if u is not None and u != exclude}
    return notify_each(kind=kind, messages=[(user, title, body, link) for user in recipients.values()])


def notify_each(*, kind: NotificationKind, messages: list[tuple[User, str, str, str]]) -> list[Notification]:
    """Send several different notifications of one kind, (user, title, body, link) each, in a
    few queries: the matcher may tell thousands of followers at once."""
    messages = [m for m in messages if m[0] is not None and m[0].is_active]
    if not messages:
        return []
    preferences = _preferences(list({m[0].pk: m[0] for m in messages}.values()), kind)
    rows, wants_email = [], []
    for user, title, body, link in messages:
        preference = preferences.get(user.pk)
        in_app = preference.in_app if preference else DEFAULT_IN_APP
        email = (preference.email if preference else DEFAULT_EMAIL) and bool(user.email)
        if not (in_app or email):
            continue
        rows.append(
            Notification(
                user=user,
                kind=kind,
                title=title[:TITLE_MAX_LENGTH],
                body=body,
                link=link,
                # Email-only notifications are kept for the record but never shown unread.
                read_at=None if in_app else _now(),
                email_wanted=email,
            )
        )
        wants_email.append(email)
    created = _insert(rows)
    email_ids = [n.pk for n, email in zip(created, wants_email, strict=True) if email]
    if email_ids:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: _enqueue(send_notification_emails, email_ids))
    return created


def _insert(rows: list[Notification]) -> list[Notification]:
    """Write the notifications in one INSERT of arrays: a first matching of a city tells ten
    thousand authors at once, and `bulk_create` took longer to build its statements than the
    database took to run them."""
    if not rows:
        return rows
    now = _now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Notification._meta.db_table} "
            "(user_id, kind, title, body, link, read_at, email_wanted, created_at) "
            "SELECT u.*, %s FROM unnest(%s::bigint[], %s::varchar[], %s::varchar[], %s::text[], "
            "%s::varchar[], %s::timestamptz[], %s::boolean[]) AS u RETURNING id",
            [
                now,
                [n.user_id for n in rows],
                [n.kind for n in rows],
                [n.title for n in rows],
                [n.body for n in rows],
                [n.link for n in rows],
                [n.read_at for n in rows],
                [n.email_wanted for n in rows],
            ],
        )
        ids = [row[0] for row in cursor.fetchall()]
    for notification, pk in zip(rows, ids, strict=True):
        notification.pk = pk
        notification.created_at = now
        notification._state.adding = False
    return rows


def _now() -> datetime.datetime:
    from django.utils import timezone

    return timezone.now()


def _enqueue(task: Task, ids: list[int]) -> None:
    import logging

    try:
        task.delay(ids)
    except Exception:  # broker down: the periodic catch-up sends them once it is back
        logging.getLogger(__name__).warning("Could not enqueue notification emails %s", ids, exc_info=True)


def notifications_unquote(*, kind: NotificationKind, link: str, user_ids: Iterable[int]) -> int:
    """Clear the quoted text of the notifications of one kind that point at `link`, among those
    of `user_ids` (the only people told of it: the table has no index on links): what its author
    took down no longer stands in others' notifications (an email already sent cannot be
    recalled)."""
    return (
        Notification.objects.filter(user_id__in=list(user_ids), kind=kind, link=link)
        .exclude(body="")
        .update(body="")
    )


def notifications_rename(
    *, kind: NotificationKind, links: list[str], user_ids: Iterable[int], old: str, new: Callable[[str], str]
) -> int:
    """Where the notifications of one kind that point at `links`, among those of `user_ids`, open
    with a person's name (`old`), put `new(reader's language)` in its place: that person closed
    their account, and their name no longer stands in what others read."""
    renamed = [
        notification
        for notification in Notification.objects.filter(
            user_id__in=list(user_ids), kind=kind, link__in=links
        ).select_related("user")
        if old and notification.title.startswith(old)
    ]
    for notification in renamed:
        notification.title = new(notification.user.preferred_language) + notification.title[len(old) :]
    Notification.objects.bulk_update(renamed, ["title"])
    return len(renamed)


@dataclass(frozen=True)
class ToldElsewhere:
    """Notifications of `kind` that point at another page, `link`, yet tell of a deleted one: each
    opens with `opening(reader's language)`. An idea merged into another is told of at the page
    of the idea it was merged into."""

    kind: NotificationKind
    link: str
    opening: Callable[[str], str]


def notifications_of_deleted_pages(
    *,
    links: Collection[str],
    title: Callable[[str], str],
    told_elsewhere: Collection[ToldElsewhere] = (),
    exclude_user_id: int | None = None,
) -> int:
    """What the notifications that point at one of the pages `links`, or at a part of one
    (`link#…`), told of was deleted with it; so was what those `told_elsewhere` told of. Each now
    says only that, in `title(reader's language)`: what it quoted (a title, perhaps an older one,
    a comment, a reason) is gone with the page, and it leads nowhere rather than to the "not
    found" page (an email already sent cannot be recalled).

    Every reader's are found, not only those of the people who can be named now: someone who
    followed it and stopped was told too. The table has no index on links, so all the pages are
    looked for in one pass over it: a page is deleted seldom, but closing an account deletes each
    of the person's ideas at once."""
    deleted = set(links)
    openings: dict[tuple[str, str], list[Callable[[str], str]]] = {}
    for told in told_elsewhere:
        openings.setdefault((told.kind, told.link), []).append(told.opening)
    if not deleted and not openings:
        return 0
    places = [Q(link__in=list(deleted))] if deleted else []
    places += [Q(link__startswith=f"{link}#") for link in deleted]
    places += [Q(kind=kind, link=link) for kind, link in openings]
    found = Notification.objects.filter(functools.reduce(operator.or_, places)).select_related("user")
    if exclude_user_id is not None:
        found = found.exclude(user_id=exclude_user_id)
    changed = [
        notification
        for notification in found
        if notification.link.partition("#")[0] in deleted
        # In every language: the reader may have read another when they were told.
        or any(
            notification.title.startswith(opening(language))
            for opening in openings.get((notification.kind, notification.link), ())
            for language, _name in settings.LANGUAGES
        )
    ]
    for notification in changed:
        notification.title = title(notification.user.preferred_language)[:TITLE_MAX_LENGTH]
        notification.body = ""
        notification.link = ""
    Notification.objects.bulk_update(changed, ["title", "body", "link"])
    return len(changed)


def _strong_matches_words(count: int) -> str:
    return ngettext(
        "%(count)d new strong match for %(company)s",
        "%(count)d new strong matches for %(company)s",
        count,
    )


def strong_matches_title(count: int, company_name: str) -> str:
    """The title of the notification that tells a company's members of its new strong matches, in
    the active language: worded here, where a deleted idea's line is taken out of it too."""
    return _strong_matches_words(count) % {"count": count, "company": company_name}


_PLACEHOLDERS = {"%(count)d": "(?P<count>[0-9]+)", "%(company)s": "(?P<company>.+)"}


@functools.cache
def _strong_matches_titles() -> list[tuple[str, re.Pattern[str]]]:
    """Each language's words for `strong_matches_title`, in each of its plural forms, as a pattern
    that reads the count and the company's name back out of a title."""
    patterns = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            worded = {_strong_matches_words(count) for count in (1, 2)}
        for words in worded:
            parts = re.split(r"(%\((?:count|company)\)[ds])", words)
            pattern = "".join(_PLACEHOLDERS.get(part, re.escape(part)) for part in parts)
            patterns.append((language, re.compile(pattern)))
    return patterns


def strong_matches_recounted(title: str, fewer: int) -> str | None:
    """A strong-match notification's `title` counting `fewer` matches, in the language it was
    written in (the reader may read another since); None where it would count none. A title in
    no language's words is kept as it is."""
    for language, pattern in _strong_matches_titles():
        if found := pattern.fullmatch(title):
            left = int(found["count"]) - fewer
            if left <= 0:
                return None
            with translation.override(language):
                return strong_matches_title(left, found["company"])[:TITLE_MAX_LENGTH]
    return title


def notifications_drop_lines(
    *,
    kind: NotificationKind,
    lines: Iterable[tuple[str, datetime.datetime]],
    shared: Collection[str] = (),
    exclude_user_id: int | None = None,
) -> int:
    """Take each line equal to one of `lines`' texts out of the bodies of the notifications of
    `kind` written since that text could be in one (the text's `since`): the notifications of a
    kind that lists what it tells of one a line (a strong match, its ideas' titles), of which one
    was deleted. The rest of what it told of still holds (an email already sent cannot be
    recalled): a strong match's title is recounted (`strong_matches_recounted`) to count only what
    is left, which may be more than the lines listed; where nothing is left to tell of, the
    notification goes.

    Found by their text, every reader's: nothing else says which of them listed it (a company's
    members change, and the rows that paired a rejected idea with companies went with its
    rejection). The table has no index on it, so all the texts are looked for in one pass.

    A text in `shared` is also the line of something that stays (another idea of the same title):
    a body loses one of its lines of that text, and only where it lists it more than once."""
    since_of: dict[str, datetime.datetime] = {}
    for line, since in lines:
        if line:
            since_of[line] = min(since, since_of.get(line, since))
    if not since_of:
        return 0
    containing = functools.reduce(
        operator.or_, (Q(body__contains=line, created_at__gte=since) for line, since in since_of.items())
    )
    found = Notification.objects.filter(containing, kind=kind)
    if exclude_user_id is not None:
        found = found.exclude(user_id=exclude_user_id)
    changed, emptied = [], []
    for notification in found:
        listed = notification.body.split("\n")
        kept, dropped = [], set()
        for line in listed:
            if line not in since_of or notification.created_at < since_of[line]:
                kept.append(line)
            elif line in shared and (line in dropped or listed.count(line) == 1):
                kept.append(line)
            else:
                dropped.add(line)
        if len(kept) == len(listed):
            continue
        title = (
            strong_matches_recounted(notification.title, len(listed) - len(kept))
            if kind == NotificationKind.STRONG_MATCH
            else notification.title
        )
        if title is None:
            emptied.append(notification.pk)
            continue
        notification.title, notification.body = title, "\n".join(kept)
        changed.append(notification)
    Notification.objects.bulk_update(changed, ["title", "body"])
    Notification.objects.filter(pk__in=emptied).delete()
    return len(changed) + len(emptied)


def notification_mark_read(*, user: User, notification_ids: list[int] | None = None) -> int:
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=_now())


def preferences_for(*, user: User) -> list[dict]:
    saved = {p.kind: p for p in user.notification_preferences.all()}
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "in_app": saved[kind].in_app if kind in saved else DEFAULT_IN_APP,
            "email": saved[kind].email if kind in saved else DEFAULT_EMAIL,
        }
        for kind in NotificationKind
    ]


def preferences_update(*, user: User, changes: list[dict]) -> list[dict]:
    for change in changes:
        NotificationPreference.objects.update_or_create(
            user=user,
            kind=change["kind"],
            defaults={"in_app": change["in_app"], "email": change["email"]},
        )
    return preferences_for(user=user)


def notify_in_their_language(
    *,
    users: Iterable[User],
    kind: NotificationKind,
    title: Callable[[], str],
    link: str,
    body: str | Callable[[], str] = "",
    exclude: User | None = None,
) -> list[Notification]:
    """`notify`, with the title written in each recipient's own language: `title` is called
    once per language among the recipients, inside that language, and so is `body` if it is a
    callable (a text the product words, or one staff wrote in Korean and in English)."""
    title_in = worded_per_language(title)
    body_in = worded_per_language(body if callable(body) else lambda: body)
    recipients = {u.pk: u for u in users if u is not None and u != exclude}
    return notify_each(
        kind=kind,
        messages=[
            (user, title_in(user.preferred_language), body_in(user.preferred_language), link)
            for user in recipients.values()
        ],
    )
