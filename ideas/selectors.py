import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import AuditAction, AuditEntry, User
from core.meaning_search import HowSearched, search_outcome, words_then_meaning
from core.sql import compiled_annotations, with_parameter

from .models import (
    MATCHABLE_STATUSES,
    PUBLIC_STATUSES,
    Comment,
    Idea,
    IdeaQuerySet,
    IdeaStatus,
    Report,
    ReportReason,
)
from .search import ideas_by_meaning


def idea_list(*, user: User | AnonymousUser) -> QuerySet[Idea]:
    if not user.is_authenticated:
        # A copy: the shared queryset itself is never evaluated, so it never holds rows.
        return _public_idea_list().all()
    return _idea_list(user)


def _idea_list(user: User | AnonymousUser) -> QuerySet[Idea]:
    return (
        Idea.objects.visible_to(user)
        .with_counts(user)
        .select_related("author")
        .annotate(matched_at=F("matching_stamp__matched_at"))
        .order_by("-created_at", "-id")
    )


@functools.cache
def _public_idea_list() -> QuerySet[Idea]:
    """`idea_list` for anonymous readers, built once per process: resolving its count subqueries
    took longer (about 2 ms) than running the query an idea's page or the idea list sends. It
    names no user and no time, so it is the same for every anonymous request."""
    return _idea_list(AnonymousUser())


@dataclass(frozen=True)
class IdeaSearch(HowSearched):
    ideas: QuerySet[Idea]
    text: str


@dataclass(frozen=True)
class IdeaSearchOutcome:
    """What an idea search found, as a whole: what the list says above the results."""

    search: IdeaSearch
    # FoundBy.ALL_WORDS or SOME_WORDS when some idea contains all or some of the words; None when none.
    words_found: str | None
    # Some idea found by meaning alone is close, not only loosely related.
    close_in_meaning: bool
    # Said first, before the results; empty when ideas contain the words.
    summary: str

    @property
    def only_loosely_related(self) -> bool:
        """Nothing contains the words and nothing is close in meaning: what is listed, if anything,
        is only loosely related, and the page keeps it folded."""
        return self.search.by_meaning and self.words_found is None and not self.close_in_meaning

    def described(self) -> dict:
        return {
            **self.search.described(),
            "words_found": self.words_found,
            "close_in_meaning": self.close_in_meaning,
            "summary": self.summary,
        }


def idea_search(*, ideas: QuerySet[Idea], text: str, client: str) -> IdeaSearch:
    """The ideas among `ideas` that contain every word of `text` (anywhere in title, problem,
    proposal or who benefits), then those containing some of the words, then those close to it in
    meaning, in any language, as the matcher finds them (`ideas.search`). When it does not answer,
    the words alone. `client` names who searches."""
    similar = ideas_by_meaning.ask(text=text, client=client)
    return IdeaSearch(
        ideas=ideas_found(ideas=ideas, text=text, similar=similar or {}),
        text=" ".join(text.split()),
        by_meaning=similar is not None,
        words_only_notice=gettext(
            "Search by meaning is unavailable right now: only ideas containing your words are shown."
        ),
    )


def idea_search_outcome(*, search: IdeaSearch, found: QuerySet[Idea]) -> IdeaSearchOutcome:
    """`found`, the results of `search` as the list shows them (other filters may have narrowed
    them), summed up: when no idea contains the words, the list says so before anything else."""
    outcome = search_outcome(found)
    summary = ""
    # By words alone, with nothing found, the notice and the empty list say it already.
    if outcome.words_found is None and search.by_meaning:
        if outcome.close_in_meaning:
            summary = gettext("No idea contains “%(text)s”. Ideas that may be close in meaning:")
        else:
            summary = gettext("No idea contains “%(text)s”, and none is close in meaning.")
        summary %= {"text": search.text}
    return IdeaSearchOutcome(
        search=search,
        words_found=outcome.words_found,
        close_in_meaning=outcome.close_in_meaning,
        summary=summary,
    )


def ideas_found(*, ideas: QuerySet[Idea], text: str, similar: Mapping[int, float]) -> QuerySet[Idea]:
    """`ideas` narrowed to a search, most relevant first (`core.meaning_search.words_then_meaning`):
    every word in the title, then anywhere in the idea's text (who benefits included: "치매 어르신"
    is often said there), then some of the words, then meaning alone; then newest."""
    return words_then_meaning(
        ideas,
        text=text,
        fields=("title", "problem", "proposal", "beneficiaries"),
        similar=similar,
        close_from=ideas_by_meaning.close_from(),
        then_by=("-created_at", "-id"),
    )


def home_ideas(*, user: User | AnonymousUser, language: str, limit: int = 6) -> dict[str, list[Idea]]:
    """The home page's two lists: the most supported ideas, and the newest of the rest, so that
    an idea is not shown twice. Ideas in the visitor's language come first in each."""
    ideas = (
        idea_list(user=user)
        .filter(status__in=MATCHABLE_STATUSES, is_hidden=False)
        .annotate(
            other_language=Case(
                When(language=language, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
    )
    supported = ideas.filter(GreaterThan(F("supports_count"), 0)).order_by(
        "other_language", F("supports_count").desc(), "-id"
    )
    most_supported: list[Idea] = list(supported[:limit])
    rest = ideas.exclude(pk__in=[idea.pk for idea in most_supported])
    newest: list[Idea] = list(rest.order_by("other_language", "-created_at", "-id")[:limit])
    return {"newest": newest, "most_supported": most_supported}


def idea_get(*, idea_id: int, user: User | AnonymousUser) -> Idea:
    """Raises Idea.DoesNotExist for ideas the user may not see, so their existence is not revealed."""
    return idea_list(user=user).get(pk=idea_id)


# Other apps' parts of the idea page, each with what tells, in the idea's own query, whether it
# has rows to show (`register_idea_page_flag`).
_page_flags: dict[str, Callable[[], Exists]] = {}


def register_idea_page_flag(name: str, rows_exist: Callable[[], Exists]) -> None:
    """A part of the idea page that another app draws (a template tag: ideas cannot import it)
    and that most ideas have nothing for: `rows_exist()`, an Exists over the idea as
    OuterRef("pk"), is read with the idea as `name`, so that the part asks nothing more when it
    is False. Registered as the app starts."""
    _page_flags[name] = rows_exist
    _idea_page.cache_clear()
    _public_idea_page.cache_clear()


def idea_page_flag_is_off(idea: Idea, name: str) -> bool:
    """Whether the idea's query said it has no rows for the part `name` of its page (the idea came
    from `idea_page_get`), so that part asks nothing; False when it was not asked."""
    return getattr(idea, name, True) is False


def idea_page_get(*, idea_id: int, user: User | AnonymousUser) -> Idea:
    """`idea_get` for the idea's page, with only what it shows and, in the same query, whether it
    has comments the user may see (`has_shown_comments`, for `comment_tree`) and the flags of
    `register_idea_page_flag`: most ideas have no pilot, no match and often no comment, and
    their page then sends this one query."""
    if not user.is_authenticated:
        return _public_idea_page().get(pk=idea_id)
    staff = user.is_city_staff
    reader_state = {
        name: with_parameter(sql, _ANY_READER, user.pk) for name, sql in _reader_state(staff=staff).items()
    }
    return _idea_page(staff=staff).visible_to(user).annotate(**reader_state).get(pk=idea_id)


# The id of no account: `_reader_state` is compiled for it, then read with the reader's own.
_ANY_READER = -1


@functools.cache
def _reader_state(*, staff: bool) -> dict[str, RawSQL]:
    """`IdeaQuerySet.with_reader_state`'s subqueries compiled once, for `_ANY_READER`; for a
    reader other than staff, whether the idea has comments they see, their own hidden ones
    included (staff see every comment: `_idea_page` asks)."""
    reader = User(pk=_ANY_READER, is_active=True)
    ideas = Idea.objects.with_reader_state(reader)
    if staff:
        return compiled_annotations(ideas, "is_supported", "is_following")
    ideas = ideas.annotate(has_shown_comments=_has_comments_shown(staff=False, reader_id=_ANY_READER))
    return compiled_annotations(ideas, "is_supported", "is_following", "has_shown_comments")


def _has_comments_shown(*, staff: bool, reader_id: int | None = None) -> Exists:
    return Exists(_comments_shown(staff=staff, reader_id=reader_id).filter(idea=OuterRef("pk")))


@functools.cache
def _idea_page(*, staff: bool) -> IdeaQuerySet:
    """`idea_page_get`'s query but for whom it is for (who may see the idea, whether they
    support and follow it and, unless they are staff, which comments they see), built once per
    process, with its subqueries compiled once: building and compiling them took longer than
    running the query."""
    flags = {name: rows_exist() for name, rows_exist in _page_flags.items()}
    if staff:
        flags["has_shown_comments"] = _has_comments_shown(staff=True)
    subqueries = Idea.objects.with_supports_count().annotate(**flags)
    return (
        Idea.objects.select_related("author")
        # Of the author, only the name the page shows.
        .only(
            *(field.name for field in Idea._meta.concrete_fields), "author__display_name", "author__closed_at"
        )
        .annotate(
            matched_at=F("matching_stamp__matched_at"),
            **compiled_annotations(subqueries, "supports_count", *flags),
        )
    )


@functools.cache
def _public_idea_page() -> QuerySet[Idea]:
    comments = Idea.objects.annotate(has_shown_comments=_has_comments_shown(staff=False))
    return (
        _idea_page(staff=False)
        .visible_to(AnonymousUser())
        .annotate(**compiled_annotations(comments, "has_shown_comments"))
    )


def ideas_followed_by(*, user: User) -> QuerySet[Idea]:
    """The ideas the user follows and may still see, most recently followed first, with what a
    list of them shows (`Idea.status_label` included)."""
    return (
        Idea.objects.visible_to(user)
        .filter(follows__user=user)
        .order_by("-follows__created_at", "-id")
        .only("id", "title", "language", "status", "is_hidden", "moderation_note")
    )


def ideas_supported_by(*, user: User | AnonymousUser, idea_ids: list[int]) -> set[int]:
    """Which of the ideas the user supports, as the idea's page counts it (a support of an idea
    merged into it included); none for someone signed out. One query for a whole list."""
    if not user.is_authenticated or not idea_ids:
        return set()
    ideas = Idea.objects.filter(pk__in=idea_ids).with_reader_state(user)
    return {idea.pk for idea in ideas.only("pk") if getattr(idea, "is_supported", False)}


def idea_repeat_of(*, author: User, title: str, problem: str, proposal: str) -> Idea | None:
    """The author's idea with exactly this text created in the last IDEA_REPEAT_WINDOW_MINUTES,
    if any: most likely the same form sent twice (a double click, the back button)."""
    since = timezone.now() - timedelta(minutes=settings.IDEA_REPEAT_WINDOW_MINUTES)
    return (
        Idea.objects.filter(
            author=author, title=title, problem=problem, proposal=proposal, created_at__gte=since
        )
        .order_by("-created_at", "-id")
        .first()
    )


def _visible_comments(user: User | AnonymousUser) -> QuerySet[Comment]:
    """Comments with their authors, as `_comments_shown` to the user."""
    if not user.is_authenticated:
        return _comments_shown(staff=False).select_related("author")
    return _comments_shown(staff=user.is_city_staff, reader_id=user.pk).select_related("author")


def _comments_shown(*, staff: bool, reader_id: int | None = None) -> QuerySet[Comment]:
    """Every comment for city staff; for anyone else those not hidden and, for a signed-in
    reader (`reader_id`), their own hidden ones: marked hidden, rather than gone without a word."""
    comments = Comment.objects.all()
    if staff:
        return comments
    if reader_id is None:
        return comments.filter(is_hidden=False)
    return comments.filter(Q(is_hidden=False) | Q(author_id=reader_id))


def comment_list(*, idea: Idea, user: User | AnonymousUser) -> QuerySet[Comment]:
    """The idea's top-level comments the user may see, each with the replies they may see in
    `shown_replies`."""
    return _visible_comments_with_replies(user).filter(idea=idea, parent__isnull=True)


def comment_get(*, comment_id: int, user: User | AnonymousUser) -> Comment:
    """One comment as `comment_list` gives it, with its replies the user may see in
    `shown_replies`. Raises Comment.DoesNotExist for a comment the user may not see."""
    return _visible_comments_with_replies(user).get(pk=comment_id)


def _visible_comments_with_replies(user: User | AnonymousUser) -> QuerySet[Comment]:
    # Under its own name, never as `replies`: a comment read without it has no replies to show
    # rather than every reply, hidden ones included.
    replies = _visible_comments(user).order_by("created_at", "id")
    return _visible_comments(user).prefetch_related(
        Prefetch("replies", queryset=replies, to_attr="shown_replies")
    )


def comment_tree(*, idea: Idea, user: User | AnonymousUser) -> list[Comment]:
    """`comment_list` for the idea page, in one query: the top-level comments, each with its
    replies in `shown_replies`. Without a query when `idea_page_get` found none to show."""
    if idea_page_flag_is_off(idea, "has_shown_comments"):
        return []
    if not user.is_authenticated:
        shown = _page_comments(with_hidden=False)
    elif user.is_city_staff:
        shown = _page_comments(with_hidden=True)
    else:
        # As `_comments_shown`: their own hidden comments too.
        shown = _page_comments(with_hidden=True).filter(Q(is_hidden=False) | Q(author_id=user.pk))
    comments = list(shown.filter(idea=idea))
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id is not None:
            replies.setdefault(comment.parent_id, []).append(comment)
    top = [comment for comment in comments if comment.parent_id is None]
    for comment in top:
        comment.shown_replies = replies.get(comment.pk, [])  # type: ignore[attr-defined]
    return top


@functools.cache
def _page_comments(*, with_hidden: bool) -> QuerySet[Comment]:
    """`comment_tree`'s query, with only what the page shows, built once per process."""
    return (
        _comments_shown(staff=with_hidden)
        .select_related("author")
        .only(
            "author__display_name",
            "author__closed_at",
            "parent",
            "body",
            "is_removed",
            "is_hidden",
            "created_at",
            "edited_at",
        )
        .order_by("created_at", "id")
    )


def review_request_of(*, idea: Idea, user: User) -> Report | None:
    """The author's request that the moderators look again at their hidden idea, if made."""
    return Report.objects.filter(reporter=user, idea=idea, reason=ReportReason.REVIEW).first()


@dataclass
class AuditedPast:
    """What the staff audit log keeps of an idea's past that others may have been told of."""

    # The titles staff corrected it from and to: a notification may quote an older one.
    titles: set[str] = field(default_factory=set)
    # Each time it was merged into another idea: the title it had then, and that idea's id.
    merges: list[tuple[str, int]] = field(default_factory=list)


def ideas_audited_past(*, idea_ids: list[int]) -> dict[int, AuditedPast]:
    """The audited past of each of the ideas that has one, in one query (the log is indexed by
    what it is about)."""
    past: dict[int, AuditedPast] = {}
    entries = AuditEntry.objects.filter(
        target_type=Idea._meta.model_name,
        target_id__in=idea_ids,
        action__in=[AuditAction.IDEA_EDIT, AuditAction.IDEA_MERGE],
    ).order_by("created_at", "id")
    for entry in entries:
        of = past.setdefault(entry.target_id, AuditedPast())
        if entry.action == AuditAction.IDEA_MERGE and entry.after.get("merged_into_id"):
            of.merges.append((entry.target_label, entry.after["merged_into_id"]))
        of.titles.update(version["title"] for version in (entry.before, entry.after) if version.get("title"))
    return past


def removed_comments_to_erase(*, author: User) -> QuerySet[Comment]:
    """The person's removed comments whose text closing their account erases
    (`services.author_leaves`): all but those a report of which waits for the moderators."""
    open_report = Report.objects.filter(comment=OuterRef("pk"), resolved_at__isnull=True)
    return Comment.objects.filter(~Exists(open_report), author=author, is_removed=True).exclude(body="")


def report_exists(*, reporter: User, idea: Idea | None = None, comment: Comment | None = None) -> bool:
    if idea is not None:
        return Report.objects.filter(reporter=reporter, idea=idea).exists()
    return Report.objects.filter(reporter=reporter, comment=comment).exists()


def idea_awaits_moderators(*, idea: Idea) -> bool:
    """Whether reports of the idea wait for the moderators: hidden with them open, it was hidden
    by its reports, and the moderators have yet to decide whether to show it again."""
    open_reports = Report.objects.filter(idea=idea, resolved_at__isnull=True)
    return open_reports.exclude(reason=ReportReason.REVIEW).exists()


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


@dataclass
class ReportGroup:
    """The open reports of one idea or one comment: staff decide on the content once, however many
    people reported it."""

    reports: list[Report]

    @property
    def first(self) -> Report:
        return self.reports[0]

    @property
    def target(self) -> Idea | Comment:
        return self.first.idea or self.first.comment  # type: ignore[return-value]

    @property
    def is_hidden(self) -> bool:
        return self.target.is_hidden

    @property
    def review_request(self) -> Report | None:
        """The author's request to look again at their hidden idea, if they made one."""
        return next((r for r in self.reports if r.reason == ReportReason.REVIEW), None)

    @property
    def reports_against(self) -> list[Report]:
        return [r for r in self.reports if r.reason != ReportReason.REVIEW]

    @property
    def reasons(self) -> list[tuple[str, int]]:
        """Each reason given against the content, with how many gave it, the most given first."""
        counts: dict[str, int] = {}
        for report in self.reports_against:
            label = str(report.get_reason_display())
            counts[label] = counts.get(label, 0) + 1
        return sorted(counts.items(), key=lambda item: -item[1])


def open_report_groups(*, limit: int = 50) -> list[ReportGroup]:
    """Open reports grouped by what they report, the item reported longest ago first."""
    groups: dict[tuple[str, int | None], ReportGroup] = {}
    reports = (
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("idea", "comment", "reporter")
        .order_by("created_at", "id")
    )
    for report in reports:
        key = ("idea", report.idea_id) if report.idea_id else ("comment", report.comment_id)
        if key not in groups:
            if len(groups) == limit:
                continue
            groups[key] = ReportGroup(reports=[])
        groups[key].reports.append(report)
    return list(groups.values())
