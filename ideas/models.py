from datetime import timedelta

from django.conf import settings
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from core.models import ChoiceLabelsModel
from core.validators import (
    multiline_text_validators,
    no_control_characters,
    visible_text_required,
)


class Category(models.TextChoices):
    HEALTH = "health", _("Health")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    MOBILITY = "mobility", _("Mobility")
    ENVIRONMENT_ENERGY = "environment_energy", _("Environment & energy")
    SAFETY_DISASTER = "safety_disaster", _("Safety & disaster")
    EDUCATION = "education", _("Education")
    CULTURE_TOURISM = "culture_tourism", _("Culture & tourism")
    PUBLIC_ADMIN = "public_admin", _("Public administration")
    ECONOMY_JOBS = "economy_jobs", _("Economy & jobs")
    ACCESSIBILITY = "accessibility", _("Accessibility")
    ANIMALS = "animals", _("Animals")
    AGRICULTURE_FOOD = "agriculture_food", _("Agriculture & food")
    OTHER = "other", _("Other")


class District(models.TextChoices):
    DONG_GU = "dong_gu", _("Dong-gu")
    SEO_GU = "seo_gu", _("Seo-gu")
    NAM_GU = "nam_gu", _("Nam-gu")
    BUK_GU = "buk_gu", _("Buk-gu")
    GWANGSAN_GU = "gwangsan_gu", _("Gwangsan-gu")
    CITYWIDE = "citywide", _("Citywide")


class IdeaStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")
    MATCHED = "matched", _("Matched")
    IN_PILOT = "in_pilot", _("In pilot")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged")


# Statuses anyone, signed in or not, may read.
PUBLIC_STATUSES = (
    IdeaStatus.PUBLISHED,
    IdeaStatus.MATCHED,
    IdeaStatus.IN_PILOT,
    IdeaStatus.COMPLETED,
    IdeaStatus.MERGED,
)
# Ideas the matcher pairs with companies.
MATCHABLE_STATUSES = (
    IdeaStatus.PUBLISHED,
    IdeaStatus.MATCHED,
    IdeaStatus.IN_PILOT,
    IdeaStatus.COMPLETED,
)


class MatchingState(models.TextChoices):
    """Where the matcher is with a matchable idea; an idea it does not match has none."""

    PENDING = "pending", _("Matching…")
    DONE = "done", _("Matched")


# Before publication the author may still change the text; afterwards supporters have
# backed a specific wording and only staff may correct it.
AUTHOR_EDITABLE_STATUSES = (IdeaStatus.DRAFT, IdeaStatus.SUBMITTED)
# The author may take back an idea nobody else can see: one not yet published, or one the
# moderators rejected. A public idea belongs to its supporters and its conversation too.
AUTHOR_DELETABLE_STATUSES = (IdeaStatus.DRAFT, IdeaStatus.SUBMITTED, IdeaStatus.REJECTED)

TITLE_MAX_LENGTH = 120
TEXT_MAX_LENGTH = 5000
BENEFICIARIES_MAX_LENGTH = 200
COMMENT_MAX_LENGTH = 2000
REPORT_DETAILS_MAX_LENGTH = 1000
REJECTION_REASON_MAX_LENGTH = 1000
MODERATION_NOTE_MAX_LENGTH = 2000
STAFF_EDIT_REASON_MAX_LENGTH = 500
# The fields whose words are the author's: staff who change them in someone else's idea say why,
# the author is told, and the idea's page marks it. Category and district are filing, not words.
AUTHORED_FIELDS = ("title", "problem", "proposal", "beneficiaries")
# A request for another look without a word: the page, the API and the service refuse it alike.
REVIEW_DETAILS_MISSING = _(
    "Say what the moderators should know: what you changed, or why the idea should be shown."
)


# City staff changing the words of someone else's idea without a reason: the page, the API and the
# service refuse it alike.
STAFF_EDIT_REASON_MISSING = _(
    "Say why you change the author's words: they are told, and the idea's page shows it."
)


class IdeaQuerySet(models.QuerySet["Idea"]):
    def visible_to(self, user) -> "IdeaQuerySet":
        public = Q(status__in=PUBLIC_STATUSES, is_hidden=False)
        if user is None or not user.is_authenticated:
            return self.filter(public)
        if user.is_city_staff:
            return self
        return self.filter(public | Q(author=user))

    def with_counts(self, user=None) -> "IdeaQuerySet":
        # Correlated subqueries rather than joins and GROUP BY: a list page then counts for its
        # own rows only, and the pagination count needs none of them.
        # The comments anyone may read, as the comment list shows them: neither removed nor
        # hidden, nor a reply to a hidden comment (shown under nothing).
        readable = Comment.objects.filter(
            Q(parent__isnull=True) | Q(parent__is_hidden=False),
            idea=OuterRef("pk"),
            is_removed=False,
            is_hidden=False,
        )
        comments = _count_of(readable, Count("pk"))
        return (
            self.with_supports_count()
            .annotate(comments_count=Coalesce(Subquery(comments, output_field=IntegerField()), 0))
            .with_reader_state(user)
        )

    def with_supports_count(self) -> "IdeaQuerySet":
        # Supporters of ideas merged into this one count too, each person once.
        supporters = _count_of(
            Support.objects.filter(idea__in=_own_and_merged(OuterRef(OuterRef("pk")))),
            Count("user", distinct=True),
        )
        return self.annotate(supports_count=Coalesce(Subquery(supporters, output_field=IntegerField()), 0))

    def with_reader_state(self, user) -> "IdeaQuerySet":
        """Whether a signed-in `user` supports and follows each idea (`is_supported`,
        `is_following`); nothing for anyone else. A support of an idea merged into it counts, as
        it does in `supports_count`."""
        if user is None or not user.is_authenticated:
            return self
        return self.annotate(
            is_supported=Exists(
                Support.objects.filter(idea__in=_own_and_merged(OuterRef(OuterRef("pk"))), user=user)
            ),
            is_following=Exists(Follow.objects.filter(idea=OuterRef("pk"), user=user)),
        )


def _own_and_merged(idea) -> models.QuerySet:
    """The ids of `idea` (an id, or an OuterRef to one) and of the ideas merged into it: whose
    supports count for it. Found first (by primary key and by merged_into), then their supports
    by index; an OR across a join of supports and ideas would read every support for every idea."""
    return Idea.objects.filter(Q(pk=idea) | Q(merged_into=idea)).values("pk")


def _count_of(rows: models.QuerySet, count: Count) -> models.QuerySet:
    """`rows` aggregated into one count, for use as a subquery."""
    return rows.order_by().annotate(group=Value(1)).values("group").annotate(count=count).values("count")


class Idea(ChoiceLabelsModel):
    title = models.CharField(
        _("title"),
        max_length=TITLE_MAX_LENGTH,
        validators=[MinLengthValidator(5), no_control_characters, visible_text_required],
    )
    problem = models.TextField(
        _("problem"),
        help_text=_("What you live with today."),
        validators=[
            MinLengthValidator(10),
            *multiline_text_validators(TEXT_MAX_LENGTH),
            visible_text_required,
        ],
    )
    proposal = models.TextField(
        # As the idea page heads it: "proposal" (제안) also names a company's pilot proposal.
        _("what AI could do"),
        help_text=_("What you wish AI did about it."),
        validators=[
            MinLengthValidator(10),
            *multiline_text_validators(TEXT_MAX_LENGTH),
            visible_text_required,
        ],
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    district = models.CharField(_("district"), max_length=16, choices=District.choices)
    beneficiaries = models.CharField(
        _("who benefits"), max_length=BENEFICIARIES_MAX_LENGTH, blank=True, validators=[no_control_characters]
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.KOREAN
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("author"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=IdeaStatus.choices, default=IdeaStatus.SUBMITTED
    )
    rejection_reason = models.TextField(
        _("reason for rejection"),
        blank=True,
        validators=multiline_text_validators(REJECTION_REASON_MAX_LENGTH),
    )
    moderation_note = models.TextField(
        _("note from the moderators"),
        blank=True,
        help_text=_("What the author is asked to revise before the idea can be published."),
        validators=multiline_text_validators(MODERATION_NOTE_MAX_LENGTH),
    )
    # Restored when a merge is undone.
    status_before_merge = models.CharField(max_length=16, choices=IdeaStatus.choices, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_ideas",
        verbose_name=_("merged into"),
    )
    is_hidden = models.BooleanField(_("hidden"), default=False)
    # The last time city staff changed the author's words (AUTHORED_FIELDS), and why: the page
    # shows it beside the author's name. Each such change is also in the audit log.
    staff_edited_at = models.DateTimeField(_("edited by city staff"), null=True, blank=True)
    staff_edit_reason = models.TextField(
        _("reason for the change"),
        blank=True,
        validators=multiline_text_validators(STAFF_EDIT_REASON_MAX_LENGTH),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["category"]),
            models.Index(fields=["district"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="idea_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("idea-detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES and not self.is_hidden

    @property
    def is_open_to_citizens(self) -> bool:
        """Whether citizens may support and comment on it: public, and not merged (a merged idea's
        supporters and conversation continue on the idea it was merged into)."""
        return self.is_public and self.status != IdeaStatus.MERGED

    def can_be_viewed_by(self, user) -> bool:
        if self.is_public:
            return True
        if not user.is_authenticated:
            return False
        return user.is_city_staff or self.author_id == user.pk

    def can_be_edited_by(self, user) -> bool:
        if not user.is_authenticated:
            return False
        if user.is_city_staff:
            return True
        return self.author_id == user.pk and self.status in AUTHOR_EDITABLE_STATUSES

    def can_be_deleted_by(self, user) -> bool:
        """Whether `user` may delete it: its author, while nobody else can see it (staff reject
        or hide an idea, they do not delete it). A pilot made from it, or ideas merged into it,
        still refuse (`services.idea_delete_refusal`)."""
        return user.is_authenticated and self.author_id == user.pk and self.author_may_delete

    @property
    def author_may_delete(self) -> bool:
        """Its status lets its author delete it (My page lists only the reader's own ideas)."""
        return self.status in AUTHOR_DELETABLE_STATUSES

    def counted_supports(self) -> "models.QuerySet[Support]":
        """The supports that count for this idea (`supports_count`): its own and those of the
        ideas merged into it."""
        return Support.objects.filter(idea__in=_own_and_merged(self.pk))

    @property
    def shown_rejection_reason(self) -> str:
        # Kept after the idea is published again or merged (an undone merge restores the
        # status), but it explains a rejection only while the idea is rejected.
        return self.rejection_reason if self.status == IdeaStatus.REJECTED else ""

    @property
    def shown_moderation_note(self) -> str:
        # A request to the author to revise; once the idea is public (merged, say) it is nobody
        # else's business.
        return self.moderation_note if self.status in AUTHOR_EDITABLE_STATUSES else ""

    @property
    def changes_requested(self) -> bool:
        """Sent back by staff for the author to revise: a draft again, with the moderators' note."""
        return self.status == IdeaStatus.DRAFT and bool(self.moderation_note)

    @property
    def status_label(self) -> str:
        """The status as its author reads it: a draft staff sent back is not one they left unsent,
        and a hidden idea is not published for anyone but them and the moderators, who alone
        still see it."""
        if self.is_hidden:
            return str(_("Hidden by the moderators"))
        if self.changes_requested:
            return str(_("Changes requested"))
        return str(self.get_status_display())

    @property
    def embedding_text(self) -> str:
        return "\n".join(part for part in (self.title, self.problem, self.proposal) if part)

    @property
    def matching_state(self) -> MatchingState | None:
        """Pending ("matching…") until the matcher has ranked the idea's latest version.

        Needs the `matched_at` annotation of the idea selectors.
        """
        if self.status not in MATCHABLE_STATUSES or self.is_hidden:
            return None
        matched_at = getattr(self, "matched_at", None)
        if matched_at is not None and matched_at >= self.updated_at:
            return MatchingState.DONE
        return MatchingState.PENDING


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="support_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"user #{self.user_id} supports idea #{self.idea_id}"


class Follow(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="follow_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"user #{self.user_id} follows idea #{self.idea_id}"


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(
        _("comment"),
        validators=[
            MinLengthValidator(1),
            *multiline_text_validators(COMMENT_MAX_LENGTH),
            visible_text_required,
        ],
    )
    is_removed = models.BooleanField(_("removed"), default=False)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When its author last changed the text; `updated_at` also moves when staff hide it.
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:40]

    def can_be_edited_by(self, user) -> bool:
        # Once staff hid it, what they judged must stay what a later un-hiding would show.
        if not user.is_authenticated or self.author_id != user.pk or self.is_removed or self.is_hidden:
            return False
        window = timedelta(minutes=settings.COMMENT_EDIT_WINDOW_MINUTES)
        return timezone.now() - self.created_at <= window

    def can_be_removed_by(self, user) -> bool:
        if not user.is_authenticated:
            return False
        return user.is_city_staff or self.author_id == user.pk

    @property
    def is_public(self) -> bool:
        return not (self.is_hidden or self.is_removed) and self.idea.is_public


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive or hateful")
    PERSONAL_DATA = "personal_data", _("Reveals personal data")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", _("Other")
    # Not a report against the idea: its author asks the moderators to look again at their hidden
    # idea, and the request waits in the same queue, where the idea is decided on once.
    REVIEW = "review", _("The author asks for another look")


# The reasons anyone may report content for.
REPORT_REASONS = [(value, label) for value, label in ReportReason.choices if value != ReportReason.REVIEW]


class Report(models.Model):
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports")
    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.CASCADE, related_name="reports")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=ReportReason.choices)
    details = models.TextField(
        _("details"),
        blank=True,
        validators=multiline_text_validators(REPORT_DETAILS_MAX_LENGTH),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=12, blank=True)  # "hidden" or "dismissed"

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(idea__isnull=False, comment__isnull=True)
                | Q(idea__isnull=True, comment__isnull=False),
                name="report_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "idea"],
                condition=Q(idea__isnull=False),
                name="report_idea_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(comment__isnull=False),
                name="report_comment_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        target = f"idea #{self.idea_id}" if self.idea_id else f"comment #{self.comment_id}"
        return f"{self.reason} report on {target}"
