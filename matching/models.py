from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from pgvector.django import HnswIndex, VectorField

from companies.models import Company, Membership
from ideas.models import District, Idea

# multilingual-e5-small; a model of another width needs a migration of these columns.
EMBEDDING_DIMENSIONS = 384


class CachedVector(models.Model):
    """One encoded text, keyed by model and content hash, so unchanged passages of an edited
    profile or idea are never encoded twice."""

    model_name = models.CharField(max_length=200)
    text_hash = models.CharField(max_length=64)
    vector = VectorField(dimensions=EMBEDDING_DIMENSIONS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model_name", "text_hash"], name="cached_vector_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model_name} {self.text_hash[:12]}"


class EmbeddingScheme(models.TextChoices):
    PASSAGES = "passages", _("each passage alone")
    LATE_CHUNKS = "late-chunks", _("passages pooled from the whole text")


class Embedding(models.Model):
    """The current vectors of one idea or one company profile."""

    idea = models.OneToOneField(
        Idea, null=True, blank=True, on_delete=models.CASCADE, related_name="embedding"
    )
    company = models.OneToOneField(
        Company, null=True, blank=True, on_delete=models.CASCADE, related_name="embedding"
    )
    model_name = models.CharField(max_length=200)
    text_hash = models.CharField(max_length=64)
    # How the passage vectors were computed: each passage alone, or pooled from one pass over the
    # whole text. A row computed another way than its kind's current one is re-embedded, without
    # touching text_hash, which also marks company feedback as given on these texts.
    scheme = models.CharField(
        max_length=16, default=EmbeddingScheme.PASSAGES, choices=EmbeddingScheme.choices
    )
    vector = VectorField(dimensions=EMBEDDING_DIMENSIONS)
    # For a company: mean and spread of its scores over all ideas at the last full refresh, so
    # one new idea can be scored on the same scale without rescoring every other idea.
    score_stats = models.JSONField(default=dict, blank=True)
    # When this idea's rankings were last written; older than the idea's last change means
    # "matching…" is still under way.
    matched_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(idea__isnull=False, company__isnull=True)
                | Q(idea__isnull=True, company__isnull=False),
                name="embedding_has_one_owner",
            ),
        ]
        indexes = [
            HnswIndex(
                name="embedding_vector_hnsw",
                fields=["vector"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"idea #{self.idea_id}" if self.idea_id else f"company #{self.company_id}"


class Passage(models.Model):
    """A sentence, tag or reference of an idea or profile: the unit a match reason points at."""

    embedding = models.ForeignKey(Embedding, on_delete=models.CASCADE, related_name="passages")
    position = models.PositiveSmallIntegerField()
    field = models.CharField(max_length=20)
    text = models.TextField()
    vector = VectorField(dimensions=EMBEDDING_DIMENSIONS)

    class Meta:
        ordering = ["embedding_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["embedding", "position"], name="passage_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.field} {self.position} of embedding #{self.embedding_id}"


class DuplicateStats(models.Model):
    """Typical passage similarity between two ideas of the given languages.

    Two Korean ideas on unrelated topics are closer than a Korean and an English idea saying the
    same thing, so a duplicate is judged by how far above its language pair's typical similarity
    it stands. Refreshed with the matches from a sample of published ideas.
    """

    model_name = models.CharField(max_length=200)
    language_a = models.CharField(max_length=2)
    language_b = models.CharField(max_length=2)
    mean = models.FloatField()
    std = models.FloatField()
    sample_size = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["model_name", "language_a", "language_b"], name="duplicate_stats_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.language_a}-{self.language_b} {self.model_name}"


PROPOSAL_PLAN_MAX_LENGTH = 4000
PROPOSAL_DATA_MAX_LENGTH = 2000
# Two years: longer than any pilot the city runs; beyond that it is a procurement, not a pilot.
PROPOSAL_MAX_WEEKS = 104


class MatchStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    INTERESTED = "interested", _("Interested")
    DISMISSED = "dismissed", _("Not a fit")


class MatchQuerySet(models.QuerySet):
    def shown(self) -> "MatchQuerySet":
        return self.exclude(status=MatchStatus.DISMISSED)


class Match(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="matches")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField(_("score"))
    rank_for_idea = models.PositiveSmallIntegerField(null=True, blank=True)
    rank_for_company = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.JSONField(_("reason"), default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=MatchStatus.choices, default=MatchStatus.SUGGESTED
    )
    message = models.TextField(_("message to the city"), blank=True)
    # The pilot a company proposes when it says it is interested. Defaults in the database too:
    # the matcher inserts suggestions with raw SQL that names only the matcher's columns.
    proposal_plan = models.TextField(
        _("what you would pilot"),
        blank=True,
        default="",
        db_default="",
        validators=[MaxLengthValidator(PROPOSAL_PLAN_MAX_LENGTH)],
    )
    proposal_data_needed = models.TextField(
        _("data you would need"),
        blank=True,
        default="",
        db_default="",
        validators=[MaxLengthValidator(PROPOSAL_DATA_MAX_LENGTH)],
    )
    proposal_duration_weeks = models.PositiveSmallIntegerField(
        _("rough duration in weeks"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(PROPOSAL_MAX_WEEKS)],
    )
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    feedback_at = models.DateTimeField(null=True, blank=True)
    # The texts a dismissal was about: when either changes the pair is judged afresh.
    feedback_texts_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["idea_id", "rank_for_idea"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["idea", "company"], name="match_once_per_pair"),
        ]
        indexes = [
            models.Index(fields=["company", "rank_for_company"]),
            models.Index(fields=["idea", "rank_for_idea"]),
        ]

    def __str__(self) -> str:
        return f"{self.idea} ↔ {self.company}"


# --- Pilots ---------------------------------------------------------------------------------


class PilotStage(models.TextChoices):
    PLANNING = "planning", _("Planning")
    RECRUITING = "recruiting", _("Recruiting participants")
    RUNNING = "running", _("Running")
    EVALUATING = "evaluating", _("Evaluating")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# A pilot only moves forward, one stage at a time; it can be cancelled until it is completed.
PILOT_STAGE_TRANSITIONS = {
    PilotStage.PLANNING: {PilotStage.RECRUITING, PilotStage.CANCELLED},
    PilotStage.RECRUITING: {PilotStage.RUNNING, PilotStage.CANCELLED},
    PilotStage.RUNNING: {PilotStage.EVALUATING, PilotStage.CANCELLED},
    PilotStage.EVALUATING: {PilotStage.COMPLETED, PilotStage.CANCELLED},
    PilotStage.COMPLETED: set(),
    PilotStage.CANCELLED: set(),
}
# Stages in which citizens may consent to donate data: before that nothing is collected yet,
# after that nothing is collected any more.
CONSENT_STAGES = (PilotStage.RECRUITING, PilotStage.RUNNING)
CLOSED_STAGES = (PilotStage.COMPLETED, PilotStage.CANCELLED)


class PilotQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PilotQuerySet":
        # A pilot in planning is still being negotiated between the city and the companies.
        if user is not None and user.is_authenticated and user.is_city_staff:
            return self
        return self.exclude(stage=PilotStage.PLANNING)


class Pilot(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.PROTECT, related_name="pilots", verbose_name=_("idea"))
    companies = models.ManyToManyField(Company, related_name="pilots", verbose_name=_("companies"))
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), validators=[MaxLengthValidator(5000)])
    district = models.CharField(_("district"), max_length=16, choices=District.choices)
    venue = models.CharField(
        _("venue"), max_length=200, blank=True, help_text=_("Where it happens, such as a park or a library.")
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=PilotStage.choices, default=PilotStage.PLANNING
    )
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PilotQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="cancelled") | ~Q(cancellation_reason=""),
                name="pilot_cancelled_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def progress(self) -> int:
        """Percentage of milestones done; reads the prefetched milestones of the selectors."""
        milestones = self.milestones.all()
        if not milestones:
            return 0
        return round(100 * sum(m.is_done for m in milestones) / len(milestones))

    def can_be_managed_by(self, user) -> bool:
        return user.is_authenticated and user.is_city_staff

    def is_company_member(self, user) -> bool:
        return user.is_authenticated and Membership.objects.filter(company__pilots=self, user=user).exists()

    def can_see_donations_by(self, user) -> bool:
        """Counts per data category and the volunteers who chose to be known to the companies."""
        return self.can_be_managed_by(user) or self.is_company_member(user)


class PilotMilestone(models.Model):
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=150)
    due_date = models.DateField(_("due date"))
    is_done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class PilotUpdate(models.Model):
    """News from a pilot, public to everyone who can see the pilot."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("update"), validators=[MaxLengthValidator(5000)])
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pilot update")
        verbose_name_plural = _("pilot updates")

    def __str__(self) -> str:
        return self.body[:40]


class PilotVolunteer(models.Model):
    """A citizen taking part in a pilot. Kept after they leave: their consents point here."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="volunteers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteering")
    share_identity = models.BooleanField(
        _("share my name and email with the pilot's companies"),
        default=False,
        help_text=_("So they can give you your own results back."),
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["joined_at", "id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(fields=["pilot", "user"], name="volunteer_once_per_pilot"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.pilot}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class PilotDataRequest(models.Model):
    """One category of personal data a pilot asks its volunteers to donate."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="data_requests")
    category_code = models.SlugField(_("category code"), max_length=40)
    category_label = models.CharField(_("category"), max_length=100)
    purpose = models.TextField(_("purpose"), validators=[MaxLengthValidator(1000)])
    recipient = models.CharField(_("recipient"), max_length=200)
    retention_days = models.PositiveSmallIntegerField(
        _("kept for (days)"), validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    # Generated from the fields above when the request is made, and never regenerated: it is
    # what volunteers read and agree to.
    consent_text = models.TextField(_("consent text"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        constraints = [
            models.UniqueConstraint(fields=["pilot", "category_code"], name="data_request_category_once"),
        ]

    def __str__(self) -> str:
        return self.category_label


class PilotConsent(models.Model):
    """A volunteer's consent to donate one category of data.

    Never deleted nor edited except to record its withdrawal: giving consent again after
    withdrawing makes a new row, so the history of what was agreed when stays whole.
    """

    volunteer = models.ForeignKey(PilotVolunteer, on_delete=models.PROTECT, related_name="consents")
    data_request = models.ForeignKey(PilotDataRequest, on_delete=models.PROTECT, related_name="consents")
    consent_text = models.TextField(_("text agreed to"))
    given_at = models.DateTimeField(_("given"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["given_at", "id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "data_request"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_active_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} – {self.data_request}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
