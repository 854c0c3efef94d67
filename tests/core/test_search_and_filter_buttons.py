"""The lists' forms name their button by what it does, alike on every page: "Search" where the form
has a box for words, "Apply filters" where it only narrows the list by choices."""

import re

import pytest

pytestmark = pytest.mark.django_db

BUTTONS = {
    "en": {"search": "Search", "filters": "Apply filters"},
    "ko": {"search": "검색", "filters": "필터 적용"},
}


def _button(html: str) -> str:
    form = re.search(r'<form method="get" class="filters[^"]*"[^>]*>(.*?)</form>', html, re.S)
    assert form, "the list has no filter form"
    buttons = re.findall(r'<button type="submit">([^<]*)</button>', form.group(1))
    assert len(buttons) == 1
    return buttons[0]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_list_form_words_its_button_by_one_rule(client, staff_user, carol, company, language):
    client.cookies["django_language"] = language
    word = BUTTONS[language]

    client.force_login(carol)
    assert _button(client.get("/ideas/").content.decode()) == word["search"]
    assert _button(client.get("/companies/").content.decode()) == word["search"]
    assert _button(client.get(f"/companies/{company.slug}/matches/").content.decode()) == word["filters"]
    client.force_login(staff_user)
    assert _button(client.get("/staff/audit/").content.decode()) == word["filters"]


def test_a_filtered_company_list_offers_to_clear_its_filters(client):
    client.cookies["django_language"] = "en"

    unfiltered = client.get("/companies/").content.decode()
    filtered = client.get("/companies/?technology=vision").content.decode()

    assert "Clear filters" not in unfiltered
    assert '<a href="/companies/">Clear filters</a>' in filtered
