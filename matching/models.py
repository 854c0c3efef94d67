from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from pgvector.django import HnswIndex, VectorField

from companies.models import Company
from core.models import ChoiceLabelsModel
from core.validators import multiline_text_validators, no_control_characters_but_line_breaks
from ideas.models import Idea

from .reasons import reason_text

# multilingual-e5-small; a model of another width needs a migration of these columns.
EMBEDDING_DIMENSIONS = 512


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
    SENTENCES = "sentences", _("the whole text and each passage, each read alone")


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
    # For an idea: how much more it reads as technology work than as a plain request for hours,
    # space, repairs, money or rules (`engine.pilotability`); a property of its text alone. Null
    # until computed (the idea then counts as stale and is embedded again).
    pilot_margin = models.FloatField(null=True, blank=True)
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


PROPOSAL_PLAN_MAX_LENGTH = 4000
PROPOSAL_DATA_MAX_LENGTH = 2000
# Two years: longer than any pilot the city runs; beyond that it is a procurement, not a pilot.
PROPOSAL_MAX_WEEKS = 104


class MatchStatus(models.TextChoices):
    # As a company reads its own list: the matcher suggested it, and no one has answered.
    SUGGESTED = "suggested", _("Not answered yet")
    INTERESTED = "interested", _("Interested")
    DISMISSED = "dismissed", _("Not a fit")


class MatchStrength(models.TextChoices):
    """How strongly the matcher vouches for a pair (`engine.ranking.strength_levels`). Weak pairs
    are not shown unless someone asks for more possibilities."""

    STRONG = "strong", _("Strong match")
    POSSIBLE = "possible", _("Possible match")
    WEAK = "weak", _("Weak match")


SHOWN_STRENGTHS = (MatchStrength.STRONG, MatchStrength.POSSIBLE)


class MatchQuerySet(models.QuerySet):
    def shown(self) -> "MatchQuerySet":
        return self.exclude(status=MatchStatus.DISMISSED)

    def confident(self) -> "MatchQuerySet":
        """Pairs shown by default: strong or possible, or answered by the company."""
        return self.filter(Q(strength__in=SHOWN_STRENGTHS) | ~Q(status=MatchStatus.SUGGESTED))


class Match(ChoiceLabelsModel):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="matches")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField(_("score"))
    rank_for_idea = models.PositiveSmallIntegerField(null=True, blank=True)
    rank_for_company = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.JSONField(_("reason"), default=dict)
    strength = models.CharField(
        _("strength"),
        max_length=8,
        choices=MatchStrength.choices,
        default=MatchStrength.WEAK,
        db_default=MatchStrength.WEAK,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MatchStatus.choices, default=MatchStatus.SUGGESTED
    )
    message = models.TextField(
        _("message to the city"), blank=True, validators=[no_control_characters_but_line_breaks]
    )
    # The pilot a company proposes when it says it is interested. Defaults in the database too:
    # the matcher inserts suggestions with raw SQL that names only the matcher's columns.
    proposal_plan = models.TextField(
        _("what you would pilot"),
        blank=True,
        default="",
        db_default="",
        validators=multiline_text_validators(PROPOSAL_PLAN_MAX_LENGTH),
    )
    proposal_data_needed = models.TextField(
        _("data you would need"),
        blank=True,
        default="",
        db_default="",
        validators=multiline_text_validators(PROPOSAL_DATA_MAX_LENGTH),
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
    # The idea's text a dismissal was about: when it changes the pair is judged afresh; the
    # company's own profile edits leave the answer standing.
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
            # The few pairs companies answered, read by every placement (the feedback term and
            # the pairs kept out) among tens of thousands of suggestions.
            models.Index(
                fields=["company", "idea"],
                condition=Q(status__in=[MatchStatus.INTERESTED, MatchStatus.DISMISSED]),
                name="match_answered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.idea} ↔ {self.company}"

    def reason_in_words(self, *, to_company: bool = False) -> str:
        """The reason as one line in the reader's language, worded for the match's strength."""
        return reason_text(self.reason, to_company=to_company, weak=self.strength == MatchStrength.WEAK)

    @property
    def is_confident(self) -> bool:
        """Shown by default (`MatchQuerySet.confident`)."""
        return self.strength in SHOWN_STRENGTHS or self.status != MatchStatus.SUGGESTED


# --- Incremental placement state --------------------------------------------------------------


class MatchingState(models.Model):
    """The one row that lets a new idea be placed without rescoring the others: each company's
    running similarity sums over the counted ideas, the key an idea must beat to enter each
    company's list, and a version that tells every worker process when its cached company
    vectors are out of date. Written only under the matching lock."""

    # Bumped whenever a company's vectors or the set of matchable companies change.
    companies_version = models.PositiveBigIntegerField(default=0)
    company_ids = ArrayField(models.BigIntegerField(), default=list)
    idea_count = models.PositiveIntegerField(default=0)
    similarity_sums = ArrayField(models.FloatField(), default=list)
    similarity_squares = ArrayField(models.FloatField(), default=list)
    # The ranking key of each company's last listed idea (-inf while its list is not full): a
    # new idea below it cannot enter the list.
    list_cutoffs = ArrayField(models.FloatField(), default=list)
    # Below this similarity a pair that is not a candidate cannot enter its company's list.
    reserve_floors = ArrayField(models.FloatField(), default=list)
    # Something changed that placement does not reconcile exactly (an edited or removed idea,
    # a company's feedback); the sweep refreshes in full.
    needs_full_refresh = models.BooleanField(default=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="matching_state_single_row")]

    def __str__(self) -> str:
        return f"matching state v{self.companies_version}"


class MatchCandidate(models.Model):
    """A pair that may be listed, kept with its score so that a move of its company's statistics
    finds the pairs whose strength changes without rescoring anything: every pair whose row
    criteria allow more than weak, and each company's best pairs by score."""

    # Derived rows, rewritten whole by each full refresh (a few hundred thousand at city scale):
    # without database constraints each row written would queue two checks for the commit.
    # Deleting an idea or a company still deletes its rows (Django cascades). Nor do they carry an
    # index of their own: the pair's unique index serves lookups by idea, the index on (company,
    # score) lookups by company, and a full refresh built the two redundant ones again in 0.2 s.
    idea = models.ForeignKey(
        Idea, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    score = models.FloatField()
    row_level = models.SmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "company"], name="match_candidate_once_per_pair"),
        ]
        indexes = [models.Index(fields=["company", "score"], name="match_candidate_company_score")]

    def __str__(self) -> str:
        return f"{self.idea_id} ↔ {self.company_id}"


class MatchingRow(models.Model):
    """One counted idea's side of the state: its sums over all companies' scores (so a profile
    edit re-judges the idea's standing among companies without scoring it against every company),
    the highest score of its pairs that are not candidates (a profile edit that lowers the idea's
    cutoffs to it rescores the idea's whole row), and the ranking key of its last listed company
    (a pair below it cannot enter the idea's list)."""

    # Rewritten whole by each full refresh, as `MatchCandidate`.
    idea = models.OneToOneField(
        Idea, primary_key=True, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    total = models.FloatField()
    squares = models.FloatField()
    reserve = models.FloatField()
    list_cutoff = models.FloatField()

    def __str__(self) -> str:
        return f"row of idea #{self.idea_id}"


class MatchingStamp(models.Model):
    """What the matcher last did with one idea: the vectors the companies' sums count it with
    (its embedding's text hash and scheme; empty when it is not counted: an idea embedded again
    after it was counted cannot be taken out of the sums exactly), and when its rankings were last
    written (older than the idea's last change means "matching…" is still under way).

    Kept apart from the embedding, whose row is wide and indexed by its vector: a full refresh of
    a city stamps ten thousand ideas, and rewriting their embedding rows cost it more than a
    second, most of it in entries added to the vector index."""

    # No foreign key in the database, as `MatchingRow`: checking one for each of ten thousand
    # stamps written by a refresh is work for nothing. Deleting an idea through Django deletes its
    # stamp; a stamp left by an idea deleted while it was being placed is harmless (its rows are
    # read joined to the embeddings, and the next refresh stamps only the ideas it loads).
    idea = models.OneToOneField(
        Idea, primary_key=True, on_delete=models.CASCADE, related_name="matching_stamp", db_constraint=False
    )
    counted = models.CharField(max_length=100, blank=True, default="")
    matched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"stamp of idea #{self.idea_id}"
