import pytest

from companies.models import Company

pytestmark = pytest.mark.django_db


def test_members_preview_and_save_their_profile(client, company, carol):
    client.force_login(carol)
    url = f"/companies/{company.slug}/edit/"
    form = {
        "name": company.name,
        "summary": "복약 디스펜서",
        "description": "약을 내어줍니다. 보호자에게 알립니다.",
        "technologies": "pill dispensing, iot sensors",
        "domains": "elderly care",
        "website": "",
    }

    preview = client.post(url, {**form, "action": "preview"}).content.decode()
    assert "보호자에게 알립니다." in preview and "pill dispensing" in preview
    # Each passage is named by its field in the user's language, not by the matcher's key.
    # The tags as the matcher scores them: one list.
    assert '<span class="status">기술·적용 분야</span> pill dispensing, iot sensors, elderly care' in preview
    assert '<span class="status">technology</span>' not in preview
    assert Company.objects.get(pk=company.pk).summary != "복약 디스펜서"  # a preview saves nothing

    client.post(url, {**form, "action": "save"})
    company.refresh_from_db()
    assert (company.summary, company.technologies) == ("복약 디스펜서", ["pill dispensing", "iot sensors"])


def test_only_members_edit_a_profile(client, company, dave, staff_user):
    client.force_login(dave)
    assert client.get(f"/companies/{company.slug}/edit/").status_code == 403
    client.force_login(staff_user)
    assert client.get(f"/companies/{company.slug}/edit/").status_code == 403


def test_profile_errors_name_the_field(client, company, carol):
    client.force_login(carol)

    response = client.post(
        f"/companies/{company.slug}/edit/",
        {"name": company.name, "summary": "", "website": "nope", "action": "save"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="errorlist"') == 2
    assert 'href="#id_summary"' in html and 'href="#id_website"' in html


def test_a_tag_the_model_refuses_is_an_error_on_its_field_and_the_input_stays(client, company, carol):
    client.force_login(carol)
    too_long = "computer vision " * 5

    response = client.post(
        f"/companies/{company.slug}/edit/",
        {"name": company.name, "summary": "새 요약", "technologies": too_long, "action": "save"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="errorlist"' in html
    assert too_long.strip() in html
    assert Company.objects.get(pk=company.pk).summary != "새 요약"


def test_the_profile_form_speaks_the_users_language(client, company, carol):
    client.force_login(carol)

    korean = client.get(f"/companies/{company.slug}/edit/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(f"/companies/{company.slug}/edit/").content.decode()

    assert "Separate with commas." in english
    assert "Separate with commas." not in korean


def test_the_verified_filter_is_offered_to_staff_only_with_named_choices(client, company, staff_user):
    from tests.companies.factories import CompanyFactory

    CompanyFactory(name="새싹AI", slug="saessak-ai", is_verified=False)
    client.cookies["django_language"] = "en"

    # Visitors see verified companies only: a filter on it could only empty their list.
    public = client.get("/companies/").content.decode()
    assert 'name="verified"' not in public and "새싹AI" not in public

    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    staff = client.get("/companies/").content.decode()
    assert 'name="verified"' in staff
    assert '<option value="" selected>All companies</option>' in staff and "Unknown" not in staff
    unverified = client.get("/companies/?verified=false").content.decode()
    assert "새싹AI" in unverified and "빛고을케어" not in unverified


def test_the_company_list_links_its_next_page_keeping_the_filters(client):
    from tests.companies.factories import CompanyFactory

    names = [CompanyFactory(name=f"광주AI {n:02}").name for n in range(14)]

    first = client.get("/companies/?technology=iot").content.decode()
    assert "?technology=iot&amp;page=2" in first
    assert all(name in first for name in names[:12]) and names[12] not in first

    second = client.get("/companies/?technology=iot&page=2").content.decode()
    assert names[12] in second and names[13] in second and names[0] not in second
    assert "?technology=iot&amp;page=1" in second


def test_the_company_page_lists_its_languages_korean_first(client, company):
    """In the site's order of languages, whatever order the profile saved them in."""
    Company.objects.filter(pk=company.pk).update(languages=["en", "ko"])
    client.cookies["django_language"] = "ko"

    html = client.get(f"/companies/{company.slug}/").content.decode()

    assert "<p>한국어, 영어</p>" in html


@pytest.mark.parametrize(
    ("language", "link"),
    [
        ("ko", "언어와 관계없이 뜻이 비슷한 기업 찾기: “의료”"),
        ("en", "Search their profiles for “의료” by meaning"),
    ],
)
def test_a_tag_filter_that_finds_nothing_offers_the_search_by_meaning(client, language, link):
    from tests.companies.factories import CompanyFactory

    CompanyFactory(name="빛결메디칼AI", technologies=["medical imaging"], domains=["healthcare"])
    client.cookies["django_language"] = language

    nothing = client.get("/companies/?technology=의료").content.decode()
    found = client.get("/companies/?technology=imaging").content.decode()
    searched = client.get("/companies/?q=의료&technology=의료").content.decode()

    assert link in nothing and 'href="/companies/?q=%EC%9D%98%EB%A3%8C"' in nothing
    assert "빛결메디칼AI" in found and "search-by-meaning-instead" not in found
    # Already a search by meaning: no second offer of one.
    assert "search-by-meaning-instead" not in searched
