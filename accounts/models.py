from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.validators import no_control_characters


class Language(models.TextChoices):
    KOREAN = "ko", _("Korean")
    ENGLISH = "en", _("English")

    @classmethod
    def of_request(cls, request) -> "Language":
        """The language a request is answered in: for a newcomer who has not chosen one, the
        only hint of the language they read."""
        return cls(request.LANGUAGE_CODE) if request.LANGUAGE_CODE in cls.values else cls.KOREAN


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    COMPANY_MEMBER = "company_member", _("Company member")
    CITY_STAFF = "city_staff", _("City staff")


# The characters Django's own username validator allows, and the site's words for refusing
# others: the sign-up page and the API's sign-up check a username the same way.
USERNAME_PATTERN = r"^[\w.@+-]+$"
# User.username's: a longer one names no account, and would reach django-axes, which records a
# failed log-in's username in a column of 255 characters.
USERNAME_MAX_LENGTH = AbstractUser._meta.get_field("username").max_length
USERNAME_CHARACTERS_REFUSED = _("Use only letters, digits and @ . + - _ in a username, no spaces.")


# `User.is_city_staff`, as a filter of users.
CITY_STAFF = models.Q(is_staff=True, is_active=True)


class User(AbstractUser):
    """A person using the site. Everyone is a citizen; membership of a company and city staff
    status are added on top, so a company employee can still propose ideas as a citizen."""

    # The only name the public sees (on ideas, comments and in the public API): a generated
    # nickname until the citizen chooses another. Usernames and real names stay private.
    display_name = models.CharField(
        _("display name"), max_length=60, blank=True, validators=[no_control_characters]
    )
    # Optional, seen by city staff only (for instance to reach a pilot's volunteer).
    real_name = models.CharField(
        _("real name"), max_length=100, blank=True, validators=[no_control_characters]
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.KOREAN
    )
    # Set when the person closed their account: the row stays, emptied of who they were, so what
    # they published keeps its place (credited to a former member) and the records others rely
    # on (consent receipts, reads of donated data, the moderation log) keep pointing somewhere.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        # Never the username: it is half of what signs in, and often a real name.
        if self.closed_at is not None:
            return str(_("Former member"))
        return self.display_name or _("Citizen %(number)s") % {"number": self.pk}

    @property
    def public_id(self) -> int | None:
        """The number the public API knows this person by; none once they closed their account,
        so their old contributions cannot be tied together again."""
        return None if self.closed_at is not None else self.pk

    @property
    def staff_label(self) -> str:
        """Who this is, for city staff only: the real name if given, and the username."""
        return f"{self.real_name} ({self.username})" if self.real_name else self.username

    @property
    def is_city_staff(self) -> bool:
        # Staff curate through the product and may open the Django admin, so the flag is shared.
        return self.is_active and self.is_staff

    @property
    def roles(self) -> list[str]:
        roles = [Role.CITIZEN.value]
        if self.memberships.exists():
            roles.append(Role.COMPANY_MEMBER.value)
        if self.is_city_staff:
            roles.append(Role.CITY_STAFF.value)
        return roles


class AuditAction(models.TextChoices):
    IDEA_PUBLISH = "idea_publish", _("Published an idea")
    IDEA_REJECT = "idea_reject", _("Rejected an idea")
    IDEA_REQUEST_REVISION = "idea_request_revision", _("Asked for a revision")
    IDEA_EDIT = "idea_edit", _("Edited an idea")
    IDEA_MERGE = "idea_merge", _("Merged a duplicate idea")
    IDEA_UNMERGE = "idea_unmerge", _("Undid a merge")
    CONTENT_HIDE = "content_hide", _("Hid content")
    CONTENT_RESTORE = "content_restore", _("Showed content again")
    REPORT_DISMISS = "report_dismiss", _("Dismissed a report")
    PILOT_CREATE = "pilot_create", _("Created a pilot")
    PILOT_EDIT = "pilot_edit", _("Edited a pilot")
    PILOT_STAGE = "pilot_stage", _("Changed a pilot's stage")
    PILOT_MILESTONE_ADD = "pilot_milestone_add", _("Added a milestone")
    PILOT_MILESTONE_CHANGE = "pilot_milestone_change", _("Changed a milestone")
    PILOT_MILESTONE_REMOVE = "pilot_milestone_remove", _("Removed a milestone")
    PILOT_UPDATE_POST = "pilot_update_post", _("Posted a pilot update")
    PILOT_DATA_REQUEST_ADD = "pilot_data_request_add", _("Added a data request")
    PILOT_DATA_REQUEST_CHANGE = "pilot_data_request_change", _("Changed a data request")
    STATION_REGISTER = "station_register", _("Registered a donation station")
    STATION_REVOKE = "station_revoke", _("Revoked a donation station")
    STATION_RENAME = "station_rename", _("Changed a donation station's place")
    COMPANY_VERIFY = "company_verify", _("Verified a company")
    COMPANY_UNVERIFY = "company_unverify", _("Withdrew a company's verification")


class AuditEntry(models.Model):
    """One staff action: who did what to which row, with the fields before and after."""

    actor = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    target_type = models.CharField(_("target type"), max_length=40)
    target_id = models.PositiveBigIntegerField(_("target id"))
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_type} #{self.target_id}"


class NotificationKind(models.TextChoices):
    IDEA_STATUS = "idea_status", _("A followed idea changed status")
    NEW_INTEREST = "new_interest", _("A company is interested in my idea")
    PILOT_UPDATE = "pilot_update", _("News from a pilot I follow or volunteer for")
    STRONG_MATCH = "strong_match", _("A new strong match for my company")
    COMPANY_INVITATION = "company_invitation", _("A company invites me to join it")
    DONATION_RESULT = "donation_result", _("A result for data I donated")
    NEW_COMMENT = "new_comment", _("A comment on my idea or a reply to my comment")


class Notification(models.Model):
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker sends the email copy; a claim older than a task's time limit belongs to a
    # worker that died, so the next run takes it over.
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    # The user asked for an email copy; one still unsent (the broker was down when it was queued,
    # or every retry failed) is sent by the periodic catch-up.
    email_wanted = models.BooleanField(default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(
                fields=["created_at"],
                name="notification_email_pending",
                condition=models.Q(email_wanted=True, emailed_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → user #{self.user_id}: {self.title}"


class NotificationPreference(models.Model):
    """A user's choice for one kind of notification; without a row, in-app on and email off."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    in_app = models.BooleanField(_("in the app"), default=True)
    email = models.BooleanField(_("by email"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user #{self.user_id}"
