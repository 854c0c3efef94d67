"""A signed-in person registers their company on the site and becomes its owner; the city verifies
it before it is public and matched with ideas."""

import pytest

from companies.models import Company, MemberRole, Membership

pytestmark = pytest.mark.django_db

URL = "/companies/new/"


def _form(**changes) -> dict:
    data = {
        "name": "무등케어로보틱스",
        "slug": "mudeung-care",
        "summary": "독거 어르신 돌봄 로봇과 AI 안부 전화 서비스",
        "description": "대화형 돌봄 로봇이 복약 시간을 알려주고\r\n이상 징후를 보호자에게 알립니다.",
        "website": "example-mudeung-care.kr",
        "technologies": "speech recognition, care robot\r\nSpeech Recognition",
        "domains": "elderly care",
        "languages": ["ko", "en"],
    }
    data.update(changes)
    return data


def test_the_page_asks_for_the_profile_and_says_the_city_verifies_it(client, bob):
    client.force_login(bob)
    client.cookies["django_language"] = "en"

    response = client.get(URL)

    assert response.status_code == 200
    page = response.content.decode()
    for name in ("name", "slug", "summary", "description", "website", "technologies", "domains"):
        assert f'name="{name}"' in page, name
    assert "The city verifies each new company" in page


def test_a_person_registers_a_company_becomes_its_owner_and_the_matcher_reads_it(
    client, bob, broker, django_capture_on_commit_callbacks
):
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _form(), follow=True)

    company = Company.objects.get(name="무등케어로보틱스")
    assert response.redirect_chain == [("/companies/mudeung-care/", 302)]
    page = response.content.decode()
    assert "등록했습니다" in page and "아직 인증되지 않음" in page
    assert (company.slug, company.is_verified, company.website) == (
        "mudeung-care",
        False,
        "https://example-mudeung-care.kr",
    )
    assert company.technologies == ["speech recognition", "care robot"]
    assert company.languages == ["en", "ko"]
    assert Membership.objects.get(company=company).user == bob
    assert Membership.objects.get(company=company).role == MemberRole.OWNER
    assert broker.sent == [("matching.tasks.embed_company", (company.pk,))]


def test_left_empty_the_address_is_made_from_the_name(client, bob):
    client.force_login(bob)

    client.post(URL, _form(name="Mudeung Care Robotics", slug=""))

    assert Company.objects.get(name="Mudeung Care Robotics").slug == "mudeung-care-robotics"


def test_a_taken_name_or_address_is_an_error_on_its_field_and_nothing_is_registered(client, bob, company):
    client.force_login(bob)

    taken_name = client.post(URL, _form(name=company.name.upper(), slug="other"))
    taken_slug = client.post(URL, _form(slug=company.slug.upper()))

    assert taken_name.status_code == taken_slug.status_code == 400
    assert 'href="#id_name"' in taken_name.content.decode()
    assert 'href="#id_slug"' in taken_slug.content.decode()
    assert "무등케어로보틱스" in taken_slug.content.decode()  # what was typed stays
    assert Company.objects.count() == 1


def test_the_registration_pages_address_is_never_a_companys(client, bob):
    client.force_login(bob)

    typed = client.post(URL, _form(slug="new"))
    named = client.post(URL, _form(name="New", slug=""))
    assert named.status_code == 302

    assert typed.status_code == 400 and 'href="#id_slug"' in typed.content.decode()
    assert Company.objects.get(name="New").slug == "new-2"
    assert client.get(URL).status_code == 200


def test_missing_fields_are_listed_at_the_top(client, bob):
    client.force_login(bob)

    response = client.post(URL, _form(name="", summary=""))

    assert response.status_code == 400
    page = response.content.decode()
    assert page.index('class="error-summary"') < page.index(
        '<form method="post" class="profile-form" novalidate'
    )
    assert 'href="#id_name"' in page and 'href="#id_summary"' in page
    assert not Company.objects.exists()


def test_a_signed_out_visitor_is_sent_to_log_in_and_back(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next={URL}"


def test_the_company_list_and_my_page_lead_to_it(client, bob, carol, company):
    Company.objects.filter(pk=company.pk).update(is_verified=False)
    client.force_login(carol)

    listing = client.get("/companies/").content.decode()
    mine = client.get("/me/").content.decode()

    assert f'href="{URL}"' in listing and f'href="{URL}"' in mine
    assert f'href="/companies/{company.slug}/"' in mine and "아직 인증되지 않음" in mine
    client.force_login(bob)
    assert "속한 기업이 없습니다" in client.get("/me/").content.decode()
