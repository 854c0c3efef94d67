import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Membership
from core.bilingual import KOREAN, ShownText, shown_text
from core.models import ChoiceLabelsModel
from core.validators import multiline_text_validators, no_control_characters
from ideas.models import District, Idea, IdeaStatus

# One limit each, used by the models, the API and the pages.
PILOT_TITLE_MAX_LENGTH = 150
PILOT_TEXT_MAX_LENGTH = 5000
PILOT_VENUE_MAX_LENGTH = 200
CANCELLATION_REASON_MAX_LENGTH = 2000
CONSENT_TEXT_MAX_LENGTH = 3000


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
# Ideas a pilot can be made from: public, not merged, not already completed.
PILOTABLE_IDEA_STATUSES = (IdeaStatus.PUBLISHED, IdeaStatus.MATCHED, IdeaStatus.IN_PILOT)


def idea_can_become_pilot(idea: Idea) -> bool:
    """Whether staff may make a pilot from `idea`: the idea page offers it, and the pilot
    services accept it, on this one rule."""
    return idea.status in PILOTABLE_IDEA_STATUSES and not idea.is_hidden


class PilotQuerySet(models.QuerySet["Pilot"]):
    def visible_to(self, user) -> "PilotQuerySet":
        # A pilot in planning is still being negotiated between the city and the companies, and
        # one cancelled before it left planning was never public.
        if user is not None and user.is_authenticated and user.is_city_staff:
            return self
        return self.filter(went_public_at__isnull=False)


class Pilot(ChoiceLabelsModel):
    idea = models.ForeignKey(Idea, on_delete=models.PROTECT, related_name="pilots", verbose_name=_("idea"))
    companies = models.ManyToManyField(Company, related_name="pilots", verbose_name=_("companies"))
    # Written in Korean and, optionally, in English: a reader of English is shown the Korean,
    # told so, where no English was given (as a data request's texts).
    title = models.CharField(
        _("title"), max_length=PILOT_TITLE_MAX_LENGTH, validators=[no_control_characters]
    )
    title_en = models.CharField(
        _("title in English"),
        max_length=PILOT_TITLE_MAX_LENGTH,
        blank=True,
        validators=[no_control_characters],
    )
    description = models.TextField(
        _("description"),
        validators=multiline_text_validators(PILOT_TEXT_MAX_LENGTH),
    )
    description_en = models.TextField(
        _("description in English"),
        blank=True,
        validators=multiline_text_validators(PILOT_TEXT_MAX_LENGTH),
    )
    district = models.CharField(_("district"), max_length=16, choices=District.choices)
    venue = models.CharField(
        _("venue"),
        max_length=PILOT_VENUE_MAX_LENGTH,
        blank=True,
        help_text=_("Where it happens, such as a park or a library."),
        validators=[no_control_characters],
    )
    venue_en = models.CharField(
        _("venue in English"),
        max_length=PILOT_VENUE_MAX_LENGTH,
        blank=True,
        validators=[no_control_characters],
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=PilotStage.choices, default=PilotStage.PLANNING
    )
    # When the pilot left planning and the public could first see it.
    went_public_at = models.DateTimeField(_("made public"), null=True, blank=True)
    # When it was completed or cancelled, set by the service that changes stages: `updated_at`
    # moves with any later save of the row, and would date the end wrongly.
    closed_at = models.DateTimeField(_("ended"), null=True, blank=True)
    cancellation_reason = models.TextField(
        _("reason for cancellation"),
        blank=True,
        validators=multiline_text_validators(CANCELLATION_REASON_MAX_LENGTH),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PilotQuerySet.as_manager()

    class Meta:
        db_table = "matching_pilot"
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

    def get_absolute_url(self) -> str:
        return reverse("pilot-detail", args=[self.pk])

    @property
    def shown_title(self) -> ShownText:
        """The title in the active language."""
        return shown_text(self.title, self.title_en)

    @property
    def shown_description(self) -> ShownText:
        """The description in the active language."""
        return shown_text(self.description, self.description_en)

    @property
    def shown_venue(self) -> ShownText:
        """The venue in the active language."""
        return shown_text(self.venue, self.venue_en)

    @property
    def visible_idea(self) -> Idea | None:
        """The idea, if the reader may see it; reads the `idea_is_visible` of the selectors and
        shows no idea without it."""
        return self.idea if getattr(self, "idea_is_visible", False) else None

    @property
    def is_cancelled(self) -> bool:
        return self.stage == PilotStage.CANCELLED

    @property
    def is_public(self) -> bool:
        """Whether it left planning, as `PilotQuerySet.visible_to` has it: one cancelled in
        planning never was."""
        return self.went_public_at is not None

    @property
    def is_closed(self) -> bool:
        return self.stage in CLOSED_STAGES

    @property
    def is_recruiting(self) -> bool:
        """Whether it takes new volunteers (pilot_volunteer_join refuses otherwise)."""
        return self.stage == PilotStage.RECRUITING

    @property
    def is_collecting(self) -> bool:
        """Whether volunteers may consent and donate now (the donation services refuse otherwise)."""
        return self.stage in CONSENT_STAGES

    @property
    def progress(self) -> int:
        """Percentage of milestones done; reads the prefetched milestones of the selectors."""
        milestones = self.milestones.all()
        if not milestones:
            return 0
        return round(100 * self.milestones_done / len(milestones))

    @property
    def milestones_done(self) -> int:
        return sum(milestone.is_done for milestone in self.milestones.all())

    def can_be_managed_by(self, user) -> bool:
        return user.is_authenticated and user.is_city_staff

    def is_company_member(self, user) -> bool:
        return user.is_authenticated and Membership.objects.filter(company__pilots=self, user=user).exists()

    def can_see_donations_by(self, user) -> bool:
        """Counts per data category and the volunteers who chose to be known to the companies."""
        return self.can_be_managed_by(user) or self.is_company_member(user)


class PilotMilestone(models.Model):
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="milestones")
    # In Korean and, optionally, in English, as the pilot's own texts.
    title = models.CharField(_("title"), max_length=150, validators=[no_control_characters])
    title_en = models.CharField(
        _("title in English"), max_length=150, blank=True, validators=[no_control_characters]
    )
    due_date = models.DateField(_("due date"))
    is_done = models.BooleanField(_("done"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "matching_pilotmilestone"
        ordering = ["due_date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title

    @property
    def shown_title(self) -> ShownText:
        """The title in the active language."""
        return shown_text(self.title, self.title_en)


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
    # In Korean and, optionally, in English, as the pilot's own texts.
    body = models.TextField(
        _("update"),
        validators=multiline_text_validators(PILOT_TEXT_MAX_LENGTH),
    )
    body_en = models.TextField(
        _("update in English"),
        blank=True,
        validators=multiline_text_validators(PILOT_TEXT_MAX_LENGTH),
    )
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        db_table = "matching_pilotupdate"
        ordering = ["-created_at", "-id"]
        verbose_name = _("pilot update")
        verbose_name_plural = _("pilot updates")

    def __str__(self) -> str:
        return self.body[:40]

    @property
    def shown_body(self) -> ShownText:
        """The update in the active language."""
        return shown_text(self.body, self.body_en)


class PilotFollow(models.Model):
    """A citizen who wants the pilot's news (stage changes, public updates) without taking part."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pilot_follows")
    created_at = models.DateTimeField(_("followed"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pilot follow")
        verbose_name_plural = _("pilot follows")
        constraints = [
            models.UniqueConstraint(fields=["pilot", "user"], name="pilot_follow_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"user #{self.user_id} follows pilot #{self.pilot_id}"


def new_donor_id() -> str:
    # Random, not derived from the user: a company that reads two pilots cannot link a donor.
    return "D-" + secrets.token_hex(6).upper()


class PilotVolunteer(models.Model):
    """A citizen taking part in a pilot. Kept after they leave: their consents point here."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="volunteers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteering")
    # What the pilot's companies call this donor when they read donated data.
    donor_id = models.CharField(
        _("donor id"), max_length=16, unique=True, default=new_donor_id, editable=False
    )
    share_identity = models.BooleanField(
        _("share my name and email with the pilot's companies"),
        default=False,
        help_text=_("So they can give you your own results back."),
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        db_table = "matching_pilotvolunteer"
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

    @property
    def stayed_until_closed(self) -> bool:
        """Whether they took part until the pilot was completed or cancelled, rather than leaving
        before: leaving a closed pilot (to withdraw every consent) does not shorten its end."""
        pilot = self.pilot
        if not pilot.is_closed:
            return False
        return self.left_at is None or (pilot.closed_at is not None and pilot.closed_at <= self.left_at)


class PilotDataRequestQuerySet(models.QuerySet["PilotDataRequest"]):
    def current(self) -> "PilotDataRequestQuerySet":
        return self.filter(replaced_at__isnull=True)


class PilotDataRequest(models.Model):
    """One category of personal data a pilot asks its volunteers to donate.

    Fixed once anyone consented to it: a change is a new request, which replaces this one and
    needs consent of its own.
    """

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="data_requests")
    category_code = models.SlugField(_("category code"), max_length=40)
    # Each text volunteers read is written in Korean and, optionally, in English (the `_en`
    # field); a reader of English is shown the Korean, told so, where no English was given.
    category_label = models.CharField(_("category"), max_length=100, validators=[no_control_characters])
    category_label_en = models.CharField(
        _("category in English"), max_length=100, blank=True, validators=[no_control_characters]
    )
    # What one reading holds: [{"code", "label", "label_en", "unit", "unit_en", "min", "max"}], checked by
    # donations.fields; a reading outside the ranges is refused.
    fields = models.JSONField(_("fields"), default=list, blank=True)
    purpose = models.TextField(_("purpose"), validators=multiline_text_validators(1000))
    purpose_en = models.TextField(
        _("purpose in English"),
        blank=True,
        validators=multiline_text_validators(1000),
    )
    recipient = models.CharField(_("recipient"), max_length=200, validators=[no_control_characters])
    recipient_en = models.CharField(
        _("recipient in English"), max_length=200, blank=True, validators=[no_control_characters]
    )
    # The companies of the pilot that may read what is donated under this request.
    recipient_companies = models.ManyToManyField(
        Company, blank=True, related_name="data_requests", verbose_name=_("recipient companies")
    )
    retention_days = models.PositiveSmallIntegerField(
        _("kept for (days)"), validators=[MinValueValidator(1), MaxValueValidator(3650)]
    )
    # Generated from the fields above when the request is made, in Korean and in English, and
    # never regenerated: it is what volunteers read and agree to, each in their language. An
    # empty English text (staff wrote the Korean one themselves and no English) shows the Korean.
    consent_text = models.TextField(
        _("consent text"),
        validators=multiline_text_validators(CONSENT_TEXT_MAX_LENGTH),
    )
    consent_text_en = models.TextField(
        _("consent text in English"),
        blank=True,
        validators=multiline_text_validators(CONSENT_TEXT_MAX_LENGTH),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(_("replaced"), null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaces"
    )

    objects = PilotDataRequestQuerySet.as_manager()

    class Meta:
        db_table = "matching_pilotdatarequest"
        ordering = ["id"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "category_code"],
                condition=Q(replaced_at__isnull=True),
                name="data_request_category_once",
            ),
        ]

    def __str__(self) -> str:
        return self.category_label

    # What a volunteer reads, in the active language.

    @property
    def shown_category_label(self) -> ShownText:
        return shown_text(self.category_label, self.category_label_en)

    @property
    def shown_purpose(self) -> ShownText:
        return shown_text(self.purpose, self.purpose_en)

    @property
    def shown_recipient(self) -> ShownText:
        return shown_text(self.recipient, self.recipient_en)

    @property
    def shown_consent_text(self) -> ShownText:
        return self.consent_text_in()

    def consent_text_in(self, language: str | None = None) -> ShownText:
        return shown_text(self.consent_text, self.consent_text_en, language)


class PilotConsent(models.Model):
    """A volunteer's consent to donate one category of data.

    Never deleted nor edited except to record its withdrawal: giving consent again after
    withdrawing makes a new row, so the history of what was agreed when stays whole.
    """

    volunteer = models.ForeignKey(PilotVolunteer, on_delete=models.PROTECT, related_name="consents")
    data_request = models.ForeignKey(PilotDataRequest, on_delete=models.PROTECT, related_name="consents")
    # Exactly as the volunteer read it, in the language they read it in.
    consent_text = models.TextField(_("text agreed to"))
    language = models.CharField(
        _("language of the text agreed to"), max_length=8, choices=settings.LANGUAGES, default=KOREAN
    )
    given_at = models.DateTimeField(_("given"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Chosen at withdrawal: keep what was already donated, where only the donor sees it, until
    # its retention ends, instead of deleting it at once. No company reads it either way.
    keeps_donations = models.BooleanField(_("past donations kept"), default=False)

    class Meta:
        db_table = "matching_pilotconsent"
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
