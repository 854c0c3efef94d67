import hashlib
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from core.bilingual import ShownText, shown_text
from core.validators import no_control_characters, no_control_characters_but_line_breaks
from pilots.models import Pilot, PilotConsent, PilotDataRequest, PilotVolunteer

from .crypto import decrypt_values

STATION_NAME_MAX_LENGTH = 150
# The first characters of a station key, stored as they are, find its row.
STATION_KEY_PREFIX_LENGTH = 12
RESULT_TEXT_MAX_LENGTH = 500


class Station(models.Model):
    """A donation point of a pilot, such as a health-check kiosk in a park.

    It authenticates with a key shown once when staff register it; only a hash is kept.
    """

    pilot = models.ForeignKey(
        Pilot, on_delete=models.CASCADE, related_name="stations", verbose_name=_("pilot")
    )
    # Written in Korean and, optionally, in English, as a pilot's venue: a reader of English is
    # shown the Korean, told so, where no English was given.
    name = models.CharField(
        _("place"),
        max_length=STATION_NAME_MAX_LENGTH,
        help_text=_("Where donors find it, such as “Unchon reservoir park, gate 2”."),
        validators=[no_control_characters],
    )
    name_en = models.CharField(
        _("place in English"),
        max_length=STATION_NAME_MAX_LENGTH,
        blank=True,
        validators=[no_control_characters],
    )
    # The key's first characters find the row; the SHA-256 of the whole key checks it. Keys are
    # long random tokens, so a fast hash is enough (no dictionary to guess from).
    key_prefix = models.CharField(max_length=STATION_KEY_PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)

    class Meta:
        ordering = ["pilot", "name", "id"]
        verbose_name = _("donation station")
        verbose_name_plural = _("donation stations")

    def __str__(self) -> str:
        return self.name

    @property
    def shown_name(self) -> ShownText:
        """The place in the active language."""
        return shown_text(self.name, self.name_en)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    def holds_key(self, key: str) -> bool:
        return secrets.compare_digest(self.key_hash, self.hash_key(key))


class DonorCode(models.Model):
    """A short one-time code a donor shows a station so it knows whose readings it takes."""

    volunteer = models.ForeignKey(PilotVolunteer, on_delete=models.CASCADE, related_name="donor_codes")
    # SHA-256 of the pilot id and the code: codes are short, but live for minutes and work once.
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("donor code")
        verbose_name_plural = _("donor codes")

    def __str__(self) -> str:
        return f"code of volunteer #{self.volunteer_id}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class StationVisit(models.Model):
    """A donor at a station: opened by their one-time code, taking readings for a few minutes."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="visits")
    volunteer = models.ForeignKey(PilotVolunteer, on_delete=models.CASCADE, related_name="station_visits")
    code = models.OneToOneField(DonorCode, null=True, on_delete=models.SET_NULL, related_name="visit")
    started_at = models.DateTimeField(auto_now_add=True)
    closes_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("station visit")
        verbose_name_plural = _("station visits")

    def __str__(self) -> str:
        return f"visit #{self.pk} at {self.station}"

    @property
    def is_open(self) -> bool:
        return self.closes_at > timezone.now()


class DonationSource(models.TextChoices):
    STATION = "station", _("Donation station")
    UPLOAD = "upload", _("File upload")


class Donation(models.Model):
    """What a donor gave at once in one category: a station visit's readings or a confirmed file."""

    volunteer = models.ForeignKey(PilotVolunteer, on_delete=models.PROTECT, related_name="donations")
    data_request = models.ForeignKey(PilotDataRequest, on_delete=models.PROTECT, related_name="donations")
    consent = models.ForeignKey(PilotConsent, on_delete=models.PROTECT, related_name="donations")
    source = models.CharField(_("source"), max_length=10, choices=DonationSource.choices)
    station = models.ForeignKey(
        Station, null=True, blank=True, on_delete=models.SET_NULL, related_name="donations"
    )
    visit = models.ForeignKey(
        StationVisit, null=True, blank=True, on_delete=models.SET_NULL, related_name="donations"
    )
    created_at = models.DateTimeField(_("donated"), auto_now_add=True)
    # The data request's retention, counted from the donation; the periodic task deletes it then.
    delete_after = models.DateTimeField(_("deleted after"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        indexes = [models.Index(fields=["delete_after"])]

    def __str__(self) -> str:
        return f"donation #{self.pk} of volunteer #{self.volunteer_id}"


class Reading(models.Model):
    """One donated reading; its values are encrypted at rest and never logged."""

    donation = models.ForeignKey(Donation, on_delete=models.CASCADE, related_name="readings")
    # Copied from the donation so the companies' reads filter one table by index.
    data_request = models.ForeignKey(PilotDataRequest, on_delete=models.PROTECT, related_name="readings")
    volunteer = models.ForeignKey(PilotVolunteer, on_delete=models.PROTECT, related_name="readings")
    measured_at = models.DateTimeField(_("measured"))
    values_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        indexes = [models.Index(fields=["data_request", "id"])]

    def __str__(self) -> str:
        # Never the values: this string can reach logs and the admin.
        return f"reading #{self.pk}"

    @property
    def values(self) -> dict[str, float]:
        return decrypt_values(self.values_encrypted)


class DataReadKind(models.TextChoices):
    READINGS = "readings", _("Readings")
    # The names and emails of the volunteers who share them, as the pilot's donations summary
    # lists them for a company.
    IDENTITIES = "identities", _("Names and emails")


class DataRead(models.Model):
    """A company's read of donated data: who, when, what and how many rows, kept even after
    deletion. `rows` counts the readings returned or, for a read of identities, the volunteers
    named."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="data_reads")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="data_reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="data_reads"
    )
    read_at = models.DateTimeField(_("read"), auto_now_add=True)
    kind = models.CharField(
        _("what was read"),
        max_length=10,
        choices=DataReadKind.choices,
        default=DataReadKind.READINGS,
        db_default=DataReadKind.READINGS,
    )
    rows = models.PositiveIntegerField(_("rows"))
    # The query as asked (category, since, donor), for an auditor to replay what was seen.
    query = models.JSONField(default=dict, blank=True)
    # A client polling for new readings asks the same empty question every few seconds: such a
    # run is one record, asked `repeats` times from `read_at` to `last_read_at`.
    repeats = models.PositiveIntegerField(_("times asked"), default=1, db_default=1)
    last_read_at = models.DateTimeField(_("last asked"), null=True, blank=True)

    class Meta:
        ordering = ["-read_at", "-id"]
        verbose_name = _("data read")
        verbose_name_plural = _("data reads")
        indexes = [models.Index(fields=["pilot", "company", "user", "-id"], name="data_read_latest")]

    def __str__(self) -> str:
        if self.is_identity_read:
            return f"{self.company} read {self.rows} names and emails"
        return f"{self.company} read {self.rows} rows"

    @property
    def is_identity_read(self) -> bool:
        return self.kind == DataReadKind.IDENTITIES


class DataReadDonor(models.Model):
    """Which donor's rows one read returned, so each donor sees who read their data.

    A read of identities names a donor once per category through which the company knows them
    (their consent to it is what lets it see them), with no readings: `rows` is 0.
    """

    read = models.ForeignKey(DataRead, on_delete=models.CASCADE, related_name="donors")
    volunteer = models.ForeignKey(PilotVolunteer, on_delete=models.CASCADE, related_name="data_reads")
    data_request = models.ForeignKey(PilotDataRequest, on_delete=models.CASCADE, related_name="+")
    rows = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["volunteer", "data_request"])]

    def __str__(self) -> str:
        return f"read #{self.read_id}: {self.rows} rows of volunteer #{self.volunteer_id}"


class ResultLevel(models.TextChoices):
    NORMAL = "normal", _("Normal")
    WATCH = "watch", _("Keep an eye on it")
    SEE_DOCTOR = "see_doctor", _("See a doctor")


class DonationResult(models.Model):
    """What a pilot's company tells a donor about their data."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="donation_results")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="donation_results")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    volunteer = models.ForeignKey(PilotVolunteer, on_delete=models.CASCADE, related_name="results")
    # The result outlives a deleted donation: it is the donor's, not the company's.
    donation = models.ForeignKey(
        Donation, null=True, blank=True, on_delete=models.SET_NULL, related_name="results"
    )
    text = models.TextField(
        _("result"),
        max_length=RESULT_TEXT_MAX_LENGTH,
        validators=[no_control_characters_but_line_breaks],
    )
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True, validators=[no_control_characters])
    level = models.CharField(_("level"), max_length=12, choices=ResultLevel.choices, blank=True)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self) -> str:
        return f"result #{self.pk} for volunteer #{self.volunteer_id}"

    @property
    def states_value(self) -> bool:
        """Whether the result's words already give its number ("high (155/96 mmHg)" with 155):
        the pages and the station then do not tell it a second time after them."""
        if self.value is None:
            return False
        for number in _NUMBER.findall(self.text):
            try:
                if Decimal(number.replace(",", "")) == self.value:
                    return True
            except InvalidOperation:
                continue
        return False


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


class DeletionReason(models.TextChoices):
    WITHDRAWAL = "withdrawal", _("Consent withdrawn")
    RETENTION = "retention", _("Retention period ended")
    ACCOUNT_CLOSED = "account_closed", _("Account closed")


class DonationDeletion(models.Model):
    """That a donor's rows were deleted, when and why; never what they held."""

    volunteer = models.ForeignKey(PilotVolunteer, on_delete=models.CASCADE, related_name="donation_deletions")
    data_request = models.ForeignKey(PilotDataRequest, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=DeletionReason.choices)
    donations = models.PositiveIntegerField(_("donations"))
    readings = models.PositiveIntegerField(_("readings"))
    deleted_at = models.DateTimeField(_("deleted"), auto_now_add=True)

    class Meta:
        ordering = ["-deleted_at", "-id"]
        verbose_name = _("donation deletion")
        verbose_name_plural = _("donation deletions")

    def __str__(self) -> str:
        return f"{self.readings} readings of volunteer #{self.volunteer_id} deleted"
