"""The profile page edits past projects (the matcher reads them) and languages, for members only."""

import re

import pytest

from companies.models import Company, CompanyReference
from tests.companies.factories import ReferenceFactory

pytestmark = pytest.mark.django_db


def _form(company, references=(), **changes):
    data = {
        "name": company.name,
        "summary": company.summary,
        "description": company.description,
        "technologies": ", ".join(company.technologies),
        "domains": ", ".join(company.domains),
        "website": company.website,
        "languages": company.languages,
        "action": "save",
        "references-TOTAL_FORMS": str(len(references)),
        "references-INITIAL_FORMS": str(sum(1 for r in references if r.get("id"))),
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "30",
    }
    for n, reference in enumerate(references):
        for key, value in reference.items():
            data[f"references-{n}-{key}"] = "" if value is None else value
    data.update(changes)
    return data


def test_the_page_lists_the_projects_and_ticks_the_languages(client, company, carol):
    ReferenceFactory(company=company, title="북구 복약 관리 시범사업")
    client.force_login(carol)

    html = client.get(f"/companies/{company.slug}/edit/").content.decode()

    assert 'value="북구 복약 관리 시범사업"' in html
    assert 'name="languages" value="ko"' in html and 'type="checkbox"' in html
    assert html.count('name="references-') > 4


def test_members_add_change_and_remove_past_projects(client, company, carol):
    kept = ReferenceFactory(company=company, title="옛 제목", year=2022)
    removed = ReferenceFactory(company=company, title="지울 실적", year=2021)
    client.force_login(carol)

    response = client.post(
        f"/companies/{company.slug}/edit/",
        _form(
            company,
            [
                {"id": kept.pk, "title": "새 제목", "year": 2023, "description": "복약률 20% 향상"},
                {"id": removed.pk, "title": removed.title, "year": 2021, "description": "", "DELETE": "on"},
                {"id": "", "title": "동구 치매 예방 로봇", "year": "", "description": "어르신 15명"},
                {"id": "", "title": "", "year": "", "description": ""},
            ],
            languages=["ko", "en"],
        ),
    )

    assert response.status_code == 302
    rows = list(CompanyReference.objects.filter(company=company).values_list("title", "year", "description"))
    assert sorted(rows, key=str) == sorted(
        [("새 제목", 2023, "복약률 20% 향상"), ("동구 치매 예방 로봇", None, "어르신 15명")], key=str
    )
    company.refresh_from_db()
    assert company.languages == ["en", "ko"]
    assert "동구 치매 예방 로봇" in client.get(f"/companies/{company.slug}/").content.decode()


def test_unticking_every_language_clears_them(client, company, carol):
    client.force_login(carol)
    data = _form(company)
    del data["languages"]

    client.post(f"/companies/{company.slug}/edit/", data)

    company.refresh_from_db()
    assert company.languages == []


def test_a_bad_year_is_an_error_on_its_field_and_nothing_is_saved(client, company, carol):
    client.force_login(carol)

    response = client.post(
        f"/companies/{company.slug}/edit/",
        _form(company, [{"id": "", "title": "실적", "year": "1800", "description": ""}], summary="바뀐 요약"),
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert html.index('class="errorlist"') > html.index('for="id_references-0-year"')
    assert not CompanyReference.objects.exists()
    assert Company.objects.get(pk=company.pk).summary != "바뀐 요약"


def test_a_project_of_another_company_cannot_be_changed_through_this_page(
    client, company, other_company, carol
):
    theirs = ReferenceFactory(company=other_company, title="그쪽 실적")
    client.force_login(carol)

    response = client.post(
        f"/companies/{company.slug}/edit/",
        _form(
            company,
            [{"id": theirs.pk, "title": "가로챈 실적", "year": 2020, "description": "", "DELETE": "on"}],
        ),
    )

    assert response.status_code == 400
    assert "수행 실적 가운데 하나가 더는 없습니다." in _error_summary(response)
    theirs.refresh_from_db()
    assert theirs.title == "그쪽 실적"
    assert CompanyReference.objects.filter(company=other_company).count() == 1


def test_add_another_project_shows_one_more_empty_row_and_saves_nothing(client, company, carol):
    client.force_login(carol)
    data = _form(company, [{"id": "", "title": "첫 실적", "year": "", "description": ""}])
    data["action"] = "more_references"

    html = client.post(f"/companies/{company.slug}/edit/", data).content.decode()

    assert 'name="references-1-title"' in html and 'value="첫 실적"' in html
    assert not CompanyReference.objects.exists()
    # The page comes back opened on the row it added (on a phone, screens below the top).
    assert f'formaction="/companies/{company.slug}/edit/#last-reference"' in html
    rows = re.findall(r'<fieldset class="reference"[^>]*>', html)
    assert len(rows) == 2 and rows[-1] == '<fieldset class="reference" id="last-reference">'
    assert html.index('id="last-reference"') < html.index('name="references-1-title"')


def test_the_preview_reads_the_projects_as_typed(client, company, carol):
    ReferenceFactory(company=company, title="저장된 실적")
    client.force_login(carol)
    data = _form(company, [{"id": "", "title": "입력 중인 실적", "year": "", "description": ""}])
    data["action"] = "preview"

    html = client.post(f"/companies/{company.slug}/edit/", data).content.decode()
    aside = html[html.index("<aside") :]

    assert "입력 중인 실적" in aside and "저장된 실적" not in aside
    assert CompanyReference.objects.filter(company=company).count() == 1


@pytest.mark.parametrize("who", ["dave", "bob", "staff_user"])
def test_only_the_companys_members_edit_its_projects(client, company, request, who):
    ReferenceFactory(company=company, title="원래 실적")
    client.force_login(request.getfixturevalue(who))

    response = client.post(
        f"/companies/{company.slug}/edit/",
        _form(company, [{"id": "", "title": "끼워 넣은 실적", "year": "", "description": ""}]),
    )

    assert response.status_code == 403
    assert list(CompanyReference.objects.values_list("title", flat=True)) == ["원래 실적"]


def test_anonymous_is_sent_to_log_in(client, company):
    response = client.post(f"/companies/{company.slug}/edit/", _form(company))

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_summary_is_not_cut_by_the_browser_but_counted_and_refused_when_too_long(client, company, carol):
    client.force_login(carol)
    client.cookies["django_language"] = "en"
    url = f"/companies/{company.slug}/edit/"

    page = client.get(url).content.decode()
    summary_input = page[page.index('name="summary"') :]
    summary_input = summary_input[: summary_input.index(">")]
    assert "maxlength" not in summary_input and 'data-max-chars="300"' in summary_input

    too_long = "가" * 301
    response = client.post(url, _form(company, summary=too_long))

    assert response.status_code == 400
    html = response.content.decode()
    assert "has 301 characters, more than the 300 that fit" in html
    assert too_long in html
    company.refresh_from_db()
    assert company.summary != too_long


@pytest.mark.parametrize("count", ["abc", "²", "-1"])
def test_an_altered_count_of_projects_is_refused_not_a_server_error(client, company, carol, count):
    client.force_login(carol)
    data = _form(company, [{"id": "", "title": "첫 실적", "year": "", "description": ""}])
    data["action"] = "more_references"
    data["references-TOTAL_FORMS"] = count

    response = client.post(f"/companies/{company.slug}/edit/", data)

    assert response.status_code in (200, 400)
    assert not CompanyReference.objects.exists()


def test_the_summary_and_the_tags_are_typed_in_boxes_that_show_them_whole(client, company, carol):
    client.force_login(carol)

    html = client.get(f"/companies/{company.slug}/edit/").content.decode()

    for name, rows in [("summary", "4"), ("description", "10"), ("technologies", "2"), ("domains", "2")]:
        box = re.search(rf'<(\w+) name="{name}"[^>]*>', html)
        assert box and box.group(1) == "textarea" and f'rows="{rows}"' in box.group(0), name
    assert f"{company.summary}</textarea>" in html


def test_a_summary_typed_over_several_lines_is_saved_on_one_line(client, company, carol):
    client.force_login(carol)

    response = client.post(
        f"/companies/{company.slug}/edit/",
        _form(company, summary="복약 디스펜서를 만듭니다. \r\n\r\n 보호자에게\r\n알립니다."),
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert company.summary == "복약 디스펜서를 만듭니다. 보호자에게 알립니다."


def test_a_tab_in_the_summary_is_refused_beside_it_and_the_text_kept(client, company, carol):
    client.force_login(carol)
    client.cookies["django_language"] = "en"

    response = client.post(f"/companies/{company.slug}/edit/", _form(company, summary="복약\t디스펜서"))

    assert response.status_code == 400
    html = response.content.decode()
    errors = html[html.index('id="id_summary_error"') :]
    assert errors.index("Write this on one line, without line breaks, tabs or other control") < 200
    assert "복약\t디스펜서</textarea>" in html
    assert Company.objects.get(pk=company.pk).summary != "복약\t디스펜서"


def test_tags_typed_one_a_line_are_separate_and_shown_as_typed(client, company, carol):
    client.force_login(carol)

    client.post(
        f"/companies/{company.slug}/edit/",
        _form(company, technologies="IoT sensors\r\nLiDAR, speech recognition\r\n", domains="Elderly care"),
    )

    company.refresh_from_db()
    assert company.technologies == ["IoT sensors", "LiDAR", "speech recognition"]
    assert company.domains == ["Elderly care"]
    profile = client.get(f"/companies/{company.slug}/").content.decode()
    assert "IoT sensors, LiDAR, speech recognition" in profile and "Elderly care" in profile


def _error_summary(response) -> str:
    html = response.content.decode()
    start = html.index('class="error-summary"')
    assert start < html.index('class="profile-form"'), "the summary comes before the form"
    return html[start : html.index("</div>", start)]


def test_a_refused_save_lists_every_error_at_the_top_with_links_to_the_fields(client, company, carol):
    kept = ReferenceFactory(company=company, title="북구 복약 관리", year=2022)
    client.force_login(carol)
    client.cookies["django_language"] = "en"

    response = client.post(
        f"/companies/{company.slug}/edit/",
        _form(
            company,
            [
                {"id": kept.pk, "title": kept.title, "year": "1800", "description": ""},
                {"id": "", "title": "", "year": "2024", "description": "제목 없는 실적"},
            ],
            summary="",
        ),
    )

    assert response.status_code == 400
    summary = _error_summary(response)
    assert "There is a problem" in summary
    assert '<a href="#id_summary">Summary: This field is required.</a>' in summary
    assert '<a href="#id_references-0-year">Past project: 북구 복약 관리 — Year: ' in summary
    assert '<a href="#id_references-1-title">New past project — Title: This field is required.</a>' in summary
    assert CompanyReference.objects.get(pk=kept.pk).year == 2022


def test_adding_a_row_or_a_page_without_errors_shows_no_summary(client, company, carol):
    client.force_login(carol)
    data = _form(company, [{"id": "", "title": "첫 실적", "year": "", "description": ""}])
    data["action"] = "more_references"

    more = client.post(f"/companies/{company.slug}/edit/", data)
    blank = client.get(f"/companies/{company.slug}/edit/")

    assert more.status_code == blank.status_code == 200
    assert 'class="error-summary"' not in more.content.decode() + blank.content.decode()


def test_the_preview_button_sends_the_page_back_opened_on_the_preview(client, company, carol):
    """On a phone the preview is drawn below the whole form: the answer opens on it, without
    JavaScript too, and it takes the focus, for a screen reader to start there."""
    client.force_login(carol)
    url = f"/companies/{company.slug}/edit/"

    page = client.get(url).content.decode()
    preview = client.post(url, {**_form(company), "action": "preview"})

    button = re.search(r'<button[^>]*value="preview"[^>]*>', page).group(0)
    assert f'formaction="{url}#preview"' in button
    # The other buttons send the form to the page itself, not to the address after a preview.
    assert f'<form method="post" action="{url}" class="profile-form"' in page
    # Nothing to land on until a preview is shown.
    assert 'id="preview"' not in page and "data-answer" not in page
    html = preview.content.decode()
    assert preview.status_code == 200
    assert (
        '<aside aria-live="polite" aria-labelledby="preview-heading" id="preview" tabindex="-1" data-answer>'
        in html
    )
    aside = html[html.index('id="preview"') :]
    assert aside.index('<h2 id="preview-heading">') < aside.index(company.summary)


def test_a_preview_sent_back_with_errors_opens_on_the_error_summary(client, company, carol):
    client.force_login(carol)

    response = client.post(
        f"/companies/{company.slug}/edit/", {**_form(company), "action": "preview", "summary": ""}
    )

    assert response.status_code == 400
    assert '<a href="#id_summary">' in _error_summary(response)
    # The page comes back at #preview: no part of it has that id, so it opens at the top, where
    # the summary is.
    html = response.content.decode()
    assert 'id="preview"' not in html and "data-answer" not in html


def test_a_wrong_language_is_named_above_the_boxes_and_linked_from_the_summary(client, company, carol):
    client.force_login(carol)

    response = client.post(f"/companies/{company.slug}/edit/", _form(company, languages=["xx"]))

    assert response.status_code == 400
    assert '<a href="#id_languages_group">' in _error_summary(response)
    html = response.content.decode()
    group = html[html.index('<fieldset id="id_languages_group"') :]
    assert group.index("<legend>") < group.index('class="errorlist"') < group.index('type="checkbox"')


def test_too_many_projects_lead_from_the_summary_to_the_projects(client, company, carol):
    client.force_login(carol)
    rows = [{"id": "", "title": f"실적 {n}", "year": "", "description": ""} for n in range(31)]

    response = client.post(f"/companies/{company.slug}/edit/", _form(company, rows))

    assert response.status_code == 400
    assert '<li><a href="#references">' in _error_summary(response)
    assert '<h2 id="references">' in response.content.decode()
