import pytest

from companies.models import Company, CompanyReference, MemberRole, Membership
from tests.companies.factories import CompanyFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

PROFILE = {
    "name": "무등케어로보틱스",
    "summary": "독거 어르신 돌봄 로봇과 AI 안부 전화 서비스",
    "description": "대화형 돌봄 로봇이 복약 시간을 알려주고 이상 징후를 보호자에게 알립니다.",
    "website": "https://example-mudeung-care.kr",
    "technologies": ["speech recognition", " Speech Recognition ", "care robot"],
    "domains": ["elderly care"],
    "languages": ["ko", "en"],
}


def test_a_user_registers_a_company_and_becomes_its_owner(api, bob):
    response = api(bob).post("/api/v1/companies/", PROFILE)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["is_verified"] is False
    assert body["technologies"] == ["speech recognition", "care robot"]
    assert body["slug"] == "mudeungkeeolobotigseu"  # the Korean name romanised
    company = Company.objects.get(pk=body["id"])
    assert Membership.objects.get(company=company).user == bob
    assert Membership.objects.get(company=company).role == MemberRole.OWNER


def test_slug_can_be_chosen_and_must_be_free(api, bob, company):
    taken = api(bob).post("/api/v1/companies/", {**PROFILE, "slug": company.slug})
    chosen = api(bob).post("/api/v1/companies/", {**PROFILE, "slug": "mudeung-care"})

    assert taken.status_code == 400
    assert list(taken.json()["error"]["fields"]) == ["slug"]
    assert chosen.json()["slug"] == "mudeung-care"


def test_duplicate_company_name_is_refused(api, bob, company):
    response = api(bob).post("/api/v1/companies/", {**PROFILE, "name": company.name})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["name"]


def test_invalid_profile_fields_are_named(api, bob):
    response = api(bob).post(
        "/api/v1/companies/",
        {**PROFILE, "website": "not a url", "languages": ["fr"], "technologies": ["x" * 61]},
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"website", "languages.0", "technologies.0"}
    assert not Company.objects.exists()


def test_unverified_companies_are_hidden_from_the_public(api, bob, carol, company):
    hidden = CompanyFactory(name="신생기업", slug="newcomer", is_verified=False)
    hidden.memberships.create(user=bob, role=MemberRole.OWNER)

    public = [row["slug"] for row in api().get("/api/v1/companies/").json()["results"]]
    own = [row["slug"] for row in api(bob).get("/api/v1/companies/").json()["results"]]

    assert public == [company.slug]
    assert sorted(own) == sorted([company.slug, "newcomer"])
    assert api(carol).get("/api/v1/companies/newcomer/").status_code == 404


def test_filter_companies_by_technology_domain_and_text(api, company, other_company):
    other_company.technologies = ["LiDAR", "traffic signal optimisation"]
    other_company.domains = ["mobility"]
    other_company.save()

    def slugs(query):
        return [row["slug"] for row in api().get(f"/api/v1/companies/?{query}").json()["results"]]

    assert slugs("technology=lidar") == [other_company.slug]
    assert slugs("domain=elderly") == [company.slug]
    assert sorted(slugs("q=디스펜서")) == sorted([company.slug, other_company.slug])


def test_member_edits_profile_and_references(api, carol, company):
    client = api(carol)

    edited = client.patch(
        f"/api/v1/companies/{company.slug}/", {"summary": "새 요약", "technologies": ["vision"]}
    )
    created = client.post(
        f"/api/v1/companies/{company.slug}/references/",
        {"title": "광산구 복약 관리 실증", "year": 2025, "description": "어르신 50가구"},
    )
    reference_id = created.json()["id"]
    updated = client.patch(f"/api/v1/companies/{company.slug}/references/{reference_id}/", {"year": 2024})
    bad_year = client.patch(f"/api/v1/companies/{company.slug}/references/{reference_id}/", {"year": 1800})

    assert edited.json()["summary"] == "새 요약"
    assert edited.json()["technologies"] == ["vision"]
    assert updated.json()["year"] == 2024
    assert list(bad_year.json()["error"]["fields"]) == ["year"]
    assert CompanyReference.objects.get(pk=reference_id).year == 2024

    assert client.delete(f"/api/v1/companies/{company.slug}/references/{reference_id}/").status_code == 204
    assert not CompanyReference.objects.filter(pk=reference_id).exists()


def test_owner_manages_members_but_never_removes_the_last_owner(api, carol, bob, company):
    invited = api(carol).post(f"/api/v1/companies/{company.slug}/members/", {"username": "bob"})
    unknown = api(carol).post(f"/api/v1/companies/{company.slug}/members/", {"username": "nobody"})
    accepted = api(bob).post(f"/api/v1/invitations/{invited.json()['id']}/accept/")
    carol_membership = Membership.objects.get(company=company, user=carol)
    last_owner = api(carol).delete(f"/api/v1/companies/{company.slug}/members/{carol_membership.pk}/")

    assert (invited.status_code, invited.json()["status"]) == (201, "pending")
    assert list(unknown.json()["error"]["fields"]) == ["username"]
    assert accepted.status_code == 200
    assert last_owner.status_code == 409
    assert Membership.objects.filter(company=company).count() == 2

    bob_leaves = api(bob).delete(f"/api/v1/companies/{company.slug}/members/{accepted.json()['id']}/")
    assert bob_leaves.status_code == 204
    assert not Membership.objects.filter(company=company, user=bob).exists()


def test_company_list_query_count_is_flat(api, django_assert_num_queries):
    for company in CompanyFactory.create_batch(10):
        ReferenceFactory.create_batch(2, company=company)

    # count, page, references
    with django_assert_num_queries(3):
        response = api().get("/api/v1/companies/")

    assert response.json()["count"] == 10
    assert all(len(row["references"]) == 2 for row in response.json()["results"])
