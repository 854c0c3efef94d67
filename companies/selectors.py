from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from accounts.models import User

from .models import Company, CompanyReference, Membership


def company_list(*, user: User | AnonymousUser) -> QuerySet[Company]:
    return Company.objects.visible_to(user).prefetch_related(
        Prefetch("references", queryset=CompanyReference.objects.order_by("-year", "id"))
    )


def company_get(*, slug: str, user: User | AnonymousUser) -> Company:
    return company_list(user=user).get(slug=slug)


def member_list(*, company: Company) -> QuerySet[Membership]:
    return Membership.objects.filter(company=company).select_related("user")
