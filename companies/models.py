from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from core.validators import multiline_text_validators, no_control_characters


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CompanyQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CompanyQuerySet":
        """Verified companies are public; a company's own members and staff see it before that,
        and so does someone it invites, who must see whom they would join."""
        if user is not None and user.is_authenticated:
            if user.is_city_staff:
                return self
            invited = Q(invitations__user=user, invitations__status=InvitationStatus.PENDING)
            return self.filter(Q(is_verified=True) | Q(memberships__user=user) | invited).distinct()
        return self.filter(is_verified=True)

    def with_visibility(self, user) -> "CompanyQuerySet":
        """Each company with `is_visible`: whether `user` may open its page (`visible_to`). Other
        apps' pages name the companies they show, and link only those."""
        return self.annotate(is_visible=Exists(Company.objects.visible_to(user).filter(pk=OuterRef("pk"))))


class Company(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True, validators=[no_control_characters])
    slug = models.SlugField(_("slug"), max_length=80, unique=True, allow_unicode=False)
    summary = models.CharField(_("summary"), max_length=300, validators=[no_control_characters])
    description = models.TextField(
        _("description"),
        blank=True,
        validators=multiline_text_validators(8000),
    )
    # URLValidator refuses whitespace but lets other control characters through in the path.
    website = models.URLField(_("website"), blank=True, validators=[no_control_characters])
    technologies = ArrayField(
        models.CharField(max_length=60, validators=[no_control_characters]),
        verbose_name=_("technologies"),
        default=list,
        blank=True,
        size=30,
    )
    domains = ArrayField(
        models.CharField(max_length=60, validators=[no_control_characters]),
        verbose_name=_("domains"),
        default=list,
        blank=True,
        size=30,
    )
    languages = ArrayField(
        models.CharField(max_length=2, choices=Language.choices),
        verbose_name=_("languages"),
        default=list,
        blank=True,
    )
    is_verified = models.BooleanField(_("verified"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("company-detail", args=[self.slug])

    def get_matches_url(self) -> str:
        return reverse("company-matches-page", args=[self.slug])

    @property
    def language_labels(self) -> list[str]:
        # In the site's order of languages (Korean first), whatever order the form sent them in.
        return [str(label) for code, label in Language.choices if code in self.languages]

    def is_member(self, user) -> bool:
        return user.is_authenticated and self.memberships.filter(user=user).exists()

    def is_owner(self, user) -> bool:
        return user.is_authenticated and self.memberships.filter(user=user, role=MemberRole.OWNER).exists()

    def is_member_or_staff(self, user) -> bool:
        """Who may read what a company sees of the city: its members and city staff."""
        return user.is_authenticated and (user.is_city_staff or self.is_member(user))

    def can_be_edited_by(self, user) -> bool:
        # Only the company speaks for itself; staff verify but do not rewrite profiles.
        return self.is_member(user)

    def can_manage_members(self, user) -> bool:
        return self.is_owner(user)

    def can_change_address(self, user) -> bool:
        # Once verified the page is public and linked from elsewhere, and its address stays.
        return not self.is_verified and self.is_owner(user)


class CompanyReference(models.Model):
    """A past project, the strongest evidence that a company can pilot a similar idea."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="references")
    title = models.CharField(_("title"), max_length=150, validators=[no_control_characters])
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2100)],
    )
    description = models.TextField(
        _("description"),
        blank=True,
        validators=multiline_text_validators(2000),
    )

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self) -> str:
        return self.title


class Membership(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="membership_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.company}"


class CompanyInvitation(models.Model):
    """An owner's invitation to join the company. Only accepting it makes a Membership: nobody
    becomes a member, seeing the company's matches and speaking for it, without agreeing to."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_invitations"
    )
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "user"],
                condition=Q(status="pending"),
                name="invitation_pending_once_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} invited to {self.company}"
