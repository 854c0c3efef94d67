from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import User

from .models import Company, CompanyInvitation, CompanyReference, InvitationStatus, MemberRole, Membership


def company_list(*, user: User | AnonymousUser) -> QuerySet[Company]:
    return Company.objects.visible_to(user).prefetch_related(
        Prefetch("references", queryset=CompanyReference.objects.order_by("-year", "id"))
    )


def company_get(*, slug: str, user: User | AnonymousUser, with_references: bool = True) -> Company:
    """`with_references=False` for pages that do not show the past projects: one query less."""
    companies = company_list(user=user) if with_references else Company.objects.visible_to(user)
    return companies.get(slug=slug)


def company_is_visible_to(*, company: Company, user: User | AnonymousUser) -> bool:
    """Whether the user may still open the company's page: after declining an invitation to an
    unverified company, or leaving it, they no longer may."""
    return Company.objects.visible_to(user).filter(pk=company.pk).exists()


def member_list(*, company: Company) -> QuerySet[Membership]:
    return Membership.objects.filter(company=company).select_related("user")


def invitation_list(*, company: Company) -> QuerySet[CompanyInvitation]:
    """The company's invitations not answered yet."""
    return CompanyInvitation.objects.filter(company=company, status=InvitationStatus.PENDING).select_related(
        "user", "company"
    )


def my_invitation_list(*, user: User) -> QuerySet[CompanyInvitation]:
    """Invitations to join a company that the user has not answered yet."""
    return CompanyInvitation.objects.filter(user=user, status=InvitationStatus.PENDING).select_related(
        "user", "company"
    )


def my_invitation_to(*, company: Company, user: User | AnonymousUser) -> CompanyInvitation | None:
    if not user.is_authenticated:
        return None
    return my_invitation_list(user=user).filter(company=company).first()


def companies_solely_owned_by(*, user: User) -> QuerySet[Company]:
    """The companies `user` is the only owner of, in one query: they cannot leave them (or close
    their account) until another member is made an owner."""
    owned = Membership.objects.filter(user=user, role=MemberRole.OWNER).values("company_id")
    # Counted over all the company's memberships: a join filtered to `user` would count one.
    return (
        Company.objects.filter(pk__in=owned)
        .annotate(owners=Count("memberships", filter=Q(memberships__role=MemberRole.OWNER)))
        .filter(owners=1)
        .order_by("name")
    )
