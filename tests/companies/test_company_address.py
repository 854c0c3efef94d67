"""A company's page address: made readable from its name in any script, Korean above all, and
chosen again by its owners until the city verifies the company."""

import pytest

from companies import services
from companies.models import Company

pytestmark = pytest.mark.django_db

REGISTER = "/companies/new/"


def _register(client, name: str, slug: str = ""):
    return client.post(REGISTER, {"name": name, "slug": slug, "summary": "실내 공기질 센서와 예측 모델"})


def test_a_korean_name_left_without_an_address_gets_a_romanised_one(client, bob):
    client.force_login(bob)
    client.cookies["django_language"] = "ko"

    first = _register(client, "광주 공기질 연구소")
    # The same words under a legal form make the same address: the second one is numbered.
    second = _register(client, "(주)광주 공기질 연구소")

    assert first.status_code == second.status_code == 302
    assert first["Location"] == "/companies/gwangju-gonggijil-yeonguso/"
    assert second["Location"] == "/companies/gwangju-gonggijil-yeonguso-2/"
    assert Company.objects.get(name="(주)광주 공기질 연구소").slug == "gwangju-gonggijil-yeonguso-2"
    assert client.get(first["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("빛고을AI 주식회사", "bichgoeul-ai"),
        ("㈜무등케어", "mudeungkeeo"),
        ("사단법인 광주 데이터 협동", "gwangju-deiteo-hyeobdong"),
        ("Mudeung Care Robotics", "mudeung-care-robotics"),
        ("Café 광주", "cafe-gwangju"),
        # Nothing but a legal form is still a name: it is spelled out rather than dropped.
        ("주식회사", "jusighoesa"),
        # No letter of any script makes no address: the fallback, numbered when taken.
        ("!!!", "company"),
    ],
)
def test_the_address_made_from_a_name(bob, name, slug):
    company = services.company_create(owner=bob, name=name, summary="요약")

    assert company.slug == slug


def test_an_address_typed_by_hand_is_kept(bob):
    company = services.company_create(owner=bob, name="광주 공기질 연구소", summary="요약", slug="Gj-Air")

    assert company.slug == "gj-air"


def test_the_api_makes_the_address_the_same_way(api, bob):
    response = api(bob).post("/api/v1/companies/", {"name": "광주 공기질 연구소", "summary": "요약"})

    assert response.status_code == 201, response.content
    assert response.json()["slug"] == "gwangju-gonggijil-yeonguso"


@pytest.fixture
def unverified(company):
    """The company of the `company` fixture, its owner carol, before the city verified it."""
    Company.objects.filter(pk=company.pk).update(is_verified=False, slug="company", name="광주 공기질 연구소")
    company.refresh_from_db()
    return company


def _edit(company, **changes) -> dict:
    return {
        "name": company.name,
        "summary": company.summary,
        "description": company.description,
        "technologies": ", ".join(company.technologies),
        "domains": ", ".join(company.domains),
        "website": company.website,
        "languages": company.languages,
        "action": "save",
        **changes,
    }


@pytest.mark.parametrize(
    ("language", "help_text"),
    [
        ("ko", "시에서 기업을 인증하기 전까지 바꿀 수 있으며, 바꾸면 이전 주소의 링크는 열리지 않습니다."),
        ("en", "You can change it until the city verifies the company; links to the old address then"),
    ],
)
def test_the_owner_of_an_unverified_company_is_offered_the_address_and_told_what_a_change_does(
    client, unverified, carol, language, help_text
):
    client.force_login(carol)
    client.cookies["django_language"] = language

    page = client.get("/companies/company/edit/").content.decode()

    assert 'name="slug" value="company"' in page
    assert help_text in page


def test_the_owner_changes_the_address_and_the_old_one_leads_nowhere(client, unverified, carol):
    client.force_login(carol)

    response = client.post("/companies/company/edit/", _edit(unverified, slug="gj-air-lab"))

    assert response.status_code == 302 and response["Location"] == "/companies/gj-air-lab/"
    assert Company.objects.get(pk=unverified.pk).slug == "gj-air-lab"
    assert client.get("/companies/gj-air-lab/").status_code == 200
    assert client.get("/companies/company/").status_code == 404


def test_an_address_emptied_is_made_again_from_the_name(client, unverified, carol):
    client.force_login(carol)

    response = client.post("/companies/company/edit/", _edit(unverified, slug=""))

    assert response["Location"] == "/companies/gwangju-gonggijil-yeonguso/"
    assert Company.objects.get(pk=unverified.pk).slug == "gwangju-gonggijil-yeonguso"


def test_a_taken_address_is_an_error_on_its_field_and_nothing_is_saved(
    client, unverified, other_company, carol
):
    client.force_login(carol)
    client.cookies["django_language"] = "en"

    response = client.post(
        "/companies/company/edit/", _edit(unverified, slug=other_company.slug, summary="새 요약")
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_slug">Page address on this site: This address is already taken.</a>' in page
    # The page still posts to the address the company has.
    assert 'action="/companies/company/edit/"' in page
    stored = Company.objects.get(pk=unverified.pk)
    assert (stored.slug, stored.summary) == ("company", unverified.summary)


def test_a_verified_companys_address_stays(client, company, carol):
    client.force_login(carol)

    page = client.get(f"/companies/{company.slug}/edit/").content.decode()
    response = client.post(f"/companies/{company.slug}/edit/", _edit(company, slug="elsewhere"))

    assert 'name="slug"' not in page
    assert response.status_code == 302
    assert Company.objects.get(pk=company.pk).slug == "bitgoeul-care"


def test_a_member_who_is_not_an_owner_is_not_offered_the_address(client, unverified, carol):
    unverified.memberships.filter(user=carol).update(role="member")
    client.force_login(carol)

    page = client.get("/companies/company/edit/").content.decode()

    assert 'name="slug"' not in page


def test_the_api_changes_the_address_for_an_owner_until_the_company_is_verified(api, unverified, carol, dave):
    unverified.memberships.create(user=dave, role="member")

    by_member = api(dave).patch("/api/v1/companies/company/", {"slug": "by-member"})
    by_owner = api(carol).patch("/api/v1/companies/company/", {"slug": "gj-air-lab"})
    Company.objects.filter(pk=unverified.pk).update(is_verified=True)
    once_verified = api(carol).patch("/api/v1/companies/gj-air-lab/", {"slug": "later"})

    assert by_member.status_code == 403
    assert by_owner.status_code == 200 and by_owner.json()["slug"] == "gj-air-lab"
    assert once_verified.status_code == 409
    assert list(once_verified.json()["error"]["fields"]) == ["slug"]
    assert Company.objects.get(pk=unverified.pk).slug == "gj-air-lab"
