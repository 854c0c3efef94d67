"""Weaker possibilities are for the people who judge them: city staff and the members of a company
staff verified. Anyone can register a company, so registering one opens nothing until staff verify
it, and a withdrawn verification closes them again; the API's `include_weak` and the idea page's
"More possibilities" go by the same rule."""

import pytest

from matching.models import MatchStrength
from tests.matching.factories import MatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def weak(idea, other_company):
    return MatchFactory(idea=idea, company=other_company, rank_for_idea=1, strength=MatchStrength.WEAK)


def _weak_on_api(api, user, idea) -> int:
    return api(user).get(f"/api/v1/ideas/{idea.pk}/matches/", {"include_weak": "true"}).status_code


def _weak_on_page(client, user, idea) -> bool:
    client.force_login(user)
    return 'class="weaker"' in client.get(f"/ideas/{idea.pk}/").content.decode()


def test_registering_a_company_opens_them_only_once_staff_verify_it(api, client, staff_user, idea, bob, weak):
    created = api(bob).post(
        "/api/v1/companies/", {"name": "밥의 회사", "summary": "아직 아무것도 하지 않는 회사"}
    )
    assert created.status_code == 201 and created.json()["is_verified"] is False

    assert _weak_on_api(api, bob, idea) == 403
    assert not _weak_on_page(client, bob, idea)

    api(staff_user).post(f"/api/v1/companies/{created.json()['slug']}/verify/", {"verified": True})

    assert _weak_on_api(api, bob, idea) == 200
    assert _weak_on_page(client, bob, idea)


def test_a_withdrawn_verification_closes_them_again(api, client, staff_user, idea, carol, company, weak):
    assert _weak_on_api(api, carol, idea) == 200 and _weak_on_page(client, carol, idea)

    api(staff_user).post(f"/api/v1/companies/{company.slug}/verify/", {"verified": False})

    assert _weak_on_api(api, carol, idea) == 403
    assert not _weak_on_page(client, carol, idea)
