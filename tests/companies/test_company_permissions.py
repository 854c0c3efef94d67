"""The permission matrix for company endpoints: every persona against every operation."""

import pytest

from companies.models import CompanyInvitation, Membership
from tests.accounts.factories import UserFactory
from tests.companies.factories import ReferenceFactory
from tests.conftest import PERSONAS, client_for

pytestmark = pytest.mark.django_db

MEMBER_ONLY = {"company_member"}


def row(ok: int, allowed: set[str], denied: int = 403, anonymous: int = 403) -> dict[str, int]:
    return {p: ok if p in allowed else (anonymous if p == "anonymous" else denied) for p in PERSONAS}


MATRIX = [
    ("list companies", "get", "/api/v1/companies/", None, row(200, set(PERSONAS))),
    ("read a company", "get", "/api/v1/companies/{slug}/", None, row(200, set(PERSONAS))),
    (
        "register a company",
        "post",
        "/api/v1/companies/",
        {"name": "새 기업 {persona}", "summary": "요약"},
        row(201, set(PERSONAS) - {"anonymous"}),
    ),
    (
        "edit the profile",
        "patch",
        "/api/v1/companies/{slug}/",
        {"summary": "바뀐 요약"},
        row(200, MEMBER_ONLY),
    ),
    ("verify", "post", "/api/v1/companies/{slug}/verify/", {"verified": True}, row(200, {"staff"})),
    ("read references", "get", "/api/v1/companies/{slug}/references/", None, row(200, set(PERSONAS))),
    (
        "add a reference",
        "post",
        "/api/v1/companies/{slug}/references/",
        {"title": "실증"},
        row(201, MEMBER_ONLY),
    ),
    (
        "edit a reference",
        "patch",
        "/api/v1/companies/{slug}/references/{ref}/",
        {"title": "실증 2"},
        row(200, MEMBER_ONLY),
    ),
    (
        "delete a reference",
        "delete",
        "/api/v1/companies/{slug}/references/{ref}/",
        None,
        row(204, MEMBER_ONLY),
    ),
    ("list members", "get", "/api/v1/companies/{slug}/members/", None, row(200, MEMBER_ONLY | {"staff"})),
    (
        "invite a member",
        "post",
        "/api/v1/companies/{slug}/members/",
        {"username": "frank"},
        row(201, MEMBER_ONLY),
    ),
    (
        "change a member's role",
        "post",
        "/api/v1/companies/{slug}/members/",
        {"username": "erin", "role": "owner"},
        row(200, MEMBER_ONLY),
    ),
    (
        "list invitations",
        "get",
        "/api/v1/companies/{slug}/invitations/",
        None,
        row(200, MEMBER_ONLY | {"staff"}),
    ),
    (
        "withdraw an invitation",
        "delete",
        "/api/v1/companies/{slug}/invitations/{invitation}/",
        None,
        row(204, MEMBER_ONLY),
    ),
    ("remove a member", "delete", "/api/v1/companies/{slug}/members/{member}/", None, row(204, MEMBER_ONLY)),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("description", "method", "path", "payload", "by_persona"), MATRIX, ids=[r[0] for r in MATRIX]
)
def test_company_permission_matrix(
    personas, company, persona, description, method, path, payload, by_persona
):
    reference = ReferenceFactory(company=company)
    other_member = Membership.objects.create(company=company, user=UserFactory(username="erin"))
    UserFactory(username="frank")
    invitation = CompanyInvitation.objects.create(company=company, user=UserFactory(username="gina"))
    url = path.format(slug=company.slug, ref=reference.pk, member=other_member.pk, invitation=invitation.pk)
    if payload is not None:
        payload = {k: v.format(persona=persona) if isinstance(v, str) else v for k, v in payload.items()}

    response = getattr(client_for(personas[persona]), method)(url, payload)

    assert response.status_code == by_persona[persona], response.content
