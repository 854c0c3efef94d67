import re
from typing import Any

from anyascii import anyascii
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.audit import audited
from accounts.models import AuditAction, NotificationKind, User
from accounts.notifications import notify_in_their_language
from accounts.rules import require_city_staff
from core.errors import ApplicationError, conflict, forbidden, not_found
from core.services import model_update
from matching import dispatch

from .models import Company, CompanyInvitation, CompanyReference, InvitationStatus, MemberRole, Membership

REFERENCE_FIELDS = ("title", "description", "year")
PROFILE_FIELDS = (
    "name",
    "summary",
    "description",
    "website",
    "technologies",
    "domains",
    "languages",
)


def _clean_tags(tags: list[str]) -> list[str]:
    """Trim, drop empties and repeats (case-insensitively), keep the order the company chose."""
    seen: set[str] = set()
    cleaned = []
    for tag in tags:
        tag = " ".join(tag.split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            cleaned.append(tag)
    return cleaned


# Addresses of the site's own pages under /companies/ (the registration page), never a company's.
RESERVED_SLUGS = frozenset({"new"})
SLUG_MAX_LENGTH = 70

# Legal forms that open or close most Korean company names ("(주)빛고을AI", "빛고을AI 주식회사"):
# spelled out in an address they would come first and say nothing of the company.
LEGAL_FORMS = re.compile(r"\(\s*(?:주|유|사|재)\s*\)|[㈜㈲]|주식회사|유한책임회사|유한회사|사단법인|재단법인")
HANGUL_RUN = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+")


def _slug_from_name(name: str) -> str:
    """A readable Latin address for a company name in any script: Django's slugify keeps ASCII
    only, and a Korean name came out empty. Hangul is romanised syllable by syllable, letter for
    letter as in the Revised Romanization's transliteration ("광주 공기질 연구소" becomes
    gwangju-gonggijil-yeonguso, "한국" hangug rather than the spoken hanguk). A run of Hangul
    stands apart from the Latin letters beside it, so "빛고을AI" reads bichgoeul-ai."""
    without_form = LEGAL_FORMS.sub(" ", name)
    if without_form.strip():
        name = without_form
    spaced = HANGUL_RUN.sub(lambda run: f" {run.group()} ", name)
    return _slug_of(anyascii(spaced))


def _slug_of(text: str) -> str:
    return slugify(text)[:SLUG_MAX_LENGTH].strip("-")


def _slug_taken(slug: str, exclude_pk: int | None = None) -> bool:
    others = Company.objects.filter(slug=slug)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return slug in RESERVED_SLUGS or others.exists()


def _unique_slug(name: str, exclude_pk: int | None = None) -> str:
    base = _slug_from_name(name) or "company"
    slug, suffix = base, 2
    while _slug_taken(slug, exclude_pk):
        slug = f"{base}-{suffix}"
        suffix += 1
    return slug


def _require_slug_free(slug: str, exclude_pk: int | None = None) -> None:
    # Checked as it will be written, so "Mudeung-Care" is taken when "mudeung-care" is.
    if _slug_taken(slug, exclude_pk):
        message = _("This address is already taken.")
        raise ApplicationError(message, fields={"slug": [message]})


def _check_name_free(name: str, exclude_pk: int | None = None) -> None:
    others = Company.objects.filter(name__iexact=name.strip())
    taken = (others.exclude(pk=exclude_pk) if exclude_pk is not None else others).exists()
    if taken:
        message = _("A company with this name is already registered.")
        raise ApplicationError(message, fields={"name": [message]})


@transaction.atomic
def company_create(
    *,
    owner: User,
    name: str,
    summary: str,
    description: str = "",
    website: str = "",
    technologies: list[str] | None = None,
    domains: list[str] | None = None,
    languages: list[str] | None = None,
    slug: str = "",
) -> Company:
    """Register a company; the person registering it becomes its owner. Staff verify it later."""
    _check_name_free(name)
    chosen = _slug_of(slug)
    if chosen:
        _require_slug_free(chosen)
    company = Company(
        name=name.strip(),
        slug=chosen or _unique_slug(name),
        summary=summary.strip(),
        description=description.strip(),
        website=website,
        technologies=_clean_tags(technologies or []),
        domains=_clean_tags(domains or []),
        languages=sorted(set(languages or [])),
    )
    company.full_clean()
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:
        # Registered by someone else between the checks above and the write (the same name sent
        # twice at once): told as the checks tell it.
        _check_name_free(name)
        message = _("This address is already taken.")
        raise ApplicationError(message, fields={"slug": [message]}) from None
    Membership.objects.create(company=company, user=owner, role=MemberRole.OWNER)
    dispatch.company_changed(company.pk)
    return company


def _address_change(*, company: Company, user: User, slug: str) -> None:
    """The owners choose the page's address again while the city has not verified the company.
    The old address then leads nowhere: until verification only the company's members see the
    page, so no one else has a link to it; once verified, others link to it and it stays."""
    chosen = _slug_of(slug) or _unique_slug(company.name, exclude_pk=company.pk)
    if chosen == company.slug:
        return
    if not company.is_owner(user):
        raise forbidden(_("Only the company's owners can change its page address."))
    # Read locked, so a verification by staff at this moment is not overtaken by the change.
    if Company.objects.select_for_update().values_list("is_verified", flat=True).get(pk=company.pk):
        message = _(
            "The page address no longer changes once the city has verified the company: others link to it."
        )
        raise conflict(message, fields={"slug": [message]})
    _require_slug_free(chosen, exclude_pk=company.pk)
    previous, company.slug = company.slug, chosen
    try:
        with transaction.atomic():
            company.save(update_fields=["slug", "updated_at"])
    except IntegrityError:
        # Taken by a company registered between the check and the write.
        company.slug = previous
        _require_slug_free(chosen, exclude_pk=company.pk)
        raise


def require_profile_editor(company: Company, user: User) -> None:
    """Only the company's members (and staff) change its profile and references; the API asks
    before it reads the request, so that who may not edit is not told what a profile needs."""
    if not company.can_be_edited_by(user):
        raise forbidden(_("Only the company's members can edit its profile."))


def require_member_manager(company: Company, user: User) -> None:
    """Only the company's owners invite members and change their roles."""
    if not company.can_manage_members(user):
        raise forbidden(_("Only the company's owners can manage its members."))


@transaction.atomic
def company_update(*, company: Company, user: User, **changes: Any) -> Company:
    """Change the profile's fields. `slug`, the page's address, changes only as its owners ask
    while the city has not verified the company (_address_change); left empty, it is made anew
    from the name."""
    require_profile_editor(company, user)
    if "name" in changes:
        _check_name_free(changes["name"], exclude_pk=company.pk)
    slug = changes.pop("slug", None)
    cleaned = {
        field: _clean_tags(value)
        if field in ("technologies", "domains")
        else sorted(set(value))
        if field == "languages"
        else value
        for field, value in changes.items()
    }
    model_update(instance=company, fields=PROFILE_FIELDS, data=cleaned)
    if slug is not None:
        _address_change(company=company, user=user, slug=slug)
    dispatch.company_changed(company.pk)
    return company


@transaction.atomic
def company_profile_save(
    *, company: Company, user: User, profile: dict[str, Any], references: list[dict[str, Any]] | None
) -> Company:
    """The profile page's save: the profile's fields and, when the page sent them, its past
    projects (see company_references_save), all or nothing."""
    company_update(company=company, user=user, **profile)
    if references is not None:
        # company_update has told the matcher already; it reads the references with the profile.
        _references_apply(company=company, references=references)
    return company


@transaction.atomic
def company_references_save(*, company: Company, user: User, references: list[dict[str, Any]]) -> Company:
    """Add, change and remove a company's past projects in one go, as its profile page sends
    them: each entry has `title`, `description` and `year`, an `id` to change an existing one, and
    `delete` to remove it. The matcher reads the result once."""
    require_profile_editor(company, user)
    _references_apply(company=company, references=references)
    dispatch.company_changed(company.pk)
    return company


def _references_apply(*, company: Company, references: list[dict[str, Any]]) -> None:
    existing = {reference.pk: reference for reference in company.references.select_for_update()}
    for entry in references:
        reference_id = entry.get("id")
        if reference_id is not None and reference_id not in existing:
            # A page from another company, or one removed meanwhile: nothing of it is touched.
            raise conflict(_("One of the past projects no longer exists. Reload the page and try again."))
        reference = existing.get(reference_id) if reference_id is not None else None
        if entry.get("delete"):
            if reference is not None:
                reference.delete()
            continue
        data = {field: entry.get(field) for field in REFERENCE_FIELDS}
        data["description"] = data["description"] or ""
        if reference is None:
            reference = CompanyReference(company=company)
        model_update(instance=reference, fields=REFERENCE_FIELDS, data=data)
    company.save(update_fields=["updated_at"])


@transaction.atomic
def company_set_verified(*, company: Company, by: User, verified: bool) -> Company:
    """Staff verify a company, or withdraw its verification; the audit log records it. The
    matcher ranks verified companies only, so it refreshes every ranking; a company just verified
    is also embedded now if it never was (registered in the admin, or while the broker was down)
    rather than at the next sweep. Asking again for the state it is in changes nothing."""
    require_city_staff(by, message=_("Only city staff can verify companies."))
    # Read locked, so two staff clicking at once record one change, not two.
    company.is_verified = (
        Company.objects.select_for_update().values_list("is_verified", flat=True).get(pk=company.pk)
    )
    if company.is_verified == verified:
        return company
    action = AuditAction.COMPANY_VERIFY if verified else AuditAction.COMPANY_UNVERIFY
    with audited(actor=by, action=action, target=company, fields=["is_verified"]):
        company.is_verified = verified
        company.save(update_fields=["is_verified", "updated_at"])
    dispatch.company_visibility_changed()
    if verified:
        dispatch.company_changed(company.pk)
    return company


def reference_create(
    *, company: Company, user: User, title: str, description: str = "", year: int | None = None
) -> CompanyReference:
    require_profile_editor(company, user)
    reference = CompanyReference(
        company=company, title=title.strip(), description=description.strip(), year=year
    )
    reference.full_clean()
    reference.save()
    company.save(update_fields=["updated_at"])
    dispatch.company_changed(company.pk)
    return reference


def reference_update(*, reference: CompanyReference, user: User, **changes: Any) -> CompanyReference:
    require_profile_editor(reference.company, user)
    model_update(instance=reference, fields=REFERENCE_FIELDS, data=changes)
    reference.company.save(update_fields=["updated_at"])
    dispatch.company_changed(reference.company_id)
    return reference


def reference_delete(*, reference: CompanyReference, user: User) -> None:
    require_profile_editor(reference.company, user)
    company = reference.company
    reference.delete()
    company.save(update_fields=["updated_at"])
    dispatch.company_changed(company.pk)


@transaction.atomic
def member_add(
    *, company: Company, by: User, username: str, role: str = MemberRole.MEMBER
) -> Membership | CompanyInvitation:
    """Change an existing member's role, or invite someone else: nobody becomes a member without
    accepting (member_invitation_accept). The invitee is told and sees the invitation on the
    company's page."""
    require_member_manager(company, by)
    user = User.objects.filter(username__iexact=username, is_active=True).first()
    if user is None:
        message = _("No user with this username exists.")
        raise ApplicationError(message, fields={"username": [message]})
    membership = Membership.objects.filter(company=company, user=user).first()
    if membership is not None:
        return member_change_role(membership=membership, by=by, role=role)
    invitation, created = CompanyInvitation.objects.get_or_create(
        company=company,
        user=user,
        status=InvitationStatus.PENDING,
        defaults={"role": role, "invited_by": by},
    )
    if not created:
        if invitation.role != role:
            invitation.role = role
            invitation.save(update_fields=["role"])
        return invitation
    notify_in_their_language(
        users=[user],
        kind=NotificationKind.COMPANY_INVITATION,
        title=lambda: _("%(company)s invites you to join it") % {"company": company.name},
        link=company.get_absolute_url(),
    )
    return invitation


def _lock_owners(company: Company) -> list[int]:
    # Locked so two owners demoting or removing each other at once cannot leave no owner.
    return list(
        Membership.objects.select_for_update()
        .filter(company=company, role=MemberRole.OWNER)
        .values_list("pk", flat=True)
    )


def _last_owner_error() -> ApplicationError:
    return conflict(_("A company needs at least one owner. Make someone else an owner first."), "last_owner")


@transaction.atomic
def member_change_role(*, membership: Membership, by: User, role: str) -> Membership:
    company = membership.company
    require_member_manager(company, by)
    if role not in MemberRole.values:
        message = _("Choose a role.")
        raise ApplicationError(message, fields={"role": [message]})
    if membership.role == role:
        return membership
    if role != MemberRole.OWNER and _lock_owners(company) == [membership.pk]:
        raise _last_owner_error()
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


def _pending_invitation_of(invitation: CompanyInvitation, user: User) -> CompanyInvitation:
    # Someone else's invitation is answered for as missing, so ids cannot be probed.
    locked = (
        CompanyInvitation.objects.select_for_update()
        .select_related("company")
        .filter(pk=invitation.pk, user=user)
        .first()
    )
    if locked is None:
        raise not_found(_("You have no such invitation."))
    if locked.status != InvitationStatus.PENDING:
        raise conflict(_("This invitation has already been answered or withdrawn."))
    return locked


@transaction.atomic
def member_invitation_accept(*, invitation: CompanyInvitation, user: User) -> Membership:
    invitation = _pending_invitation_of(invitation, user)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    membership, _created = Membership.objects.get_or_create(
        company=invitation.company, user=user, defaults={"role": invitation.role}
    )
    return membership


@transaction.atomic
def member_invitation_decline(*, invitation: CompanyInvitation, user: User) -> CompanyInvitation:
    invitation = _pending_invitation_of(invitation, user)
    invitation.status = InvitationStatus.DECLINED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def member_invitation_withdraw(*, invitation: CompanyInvitation, by: User) -> CompanyInvitation:
    require_member_manager(invitation.company, by)
    if invitation.status != InvitationStatus.PENDING:
        raise conflict(_("This invitation has already been answered or withdrawn."))
    invitation.status = InvitationStatus.WITHDRAWN
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def member_remove(*, membership: Membership, by: User) -> None:
    company = membership.company
    leaving_themselves = membership.user_id == by.pk
    if not (company.can_manage_members(by) or leaving_themselves):
        raise forbidden(_("Only the company's owners can manage its members."))
    if _lock_owners(company) == [membership.pk]:
        raise _last_owner_error()
    membership.delete()


@transaction.atomic
def member_leave_all(*, user: User) -> None:
    """The person leaves every company they belong to and declines the invitations still open,
    as when they close their account. Refused while they are a company's only owner: someone must
    still be able to keep its profile and answer its matches."""
    memberships = list(Membership.objects.select_related("company").filter(user=user).order_by("company_id"))
    sole_owner_of = [m.company.name for m in memberships if _lock_owners(m.company) == [m.pk]]
    if sole_owner_of:
        raise conflict(
            _(
                "You are the only owner of %(companies)s. Make another member an owner first (invite "
                "one if there is none)."
            )
            % {"companies": ", ".join(sole_owner_of)},
            "last_owner",
        )
    Membership.objects.filter(pk__in=[m.pk for m in memberships]).delete()
    CompanyInvitation.objects.filter(user=user, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.DECLINED, responded_at=timezone.now()
    )
