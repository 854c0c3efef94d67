"""An idea sent back with errors says so at the top of the form, with a link to each field in
error: on a phone the first field marked may be a screen below."""

import pytest
from django.test import Client

from ideas.models import Idea
from tests.ideas.factories import IDEA_FORM

pytestmark = pytest.mark.django_db


def _summary(html: str) -> str:
    start = html.index('<div class="error-summary"')
    return html[start : html.index("</div>", start)]


def test_the_errors_are_summed_up_above_the_form_with_a_link_to_each_field(alice):
    client = Client()
    client.force_login(alice)
    client.cookies["django_language"] = "en"

    response = client.post("/ideas/new/", {**IDEA_FORM, "title": "", "district": ""})

    assert response.status_code == 200
    html = response.content.decode()
    summary = _summary(html)
    assert html.index('<div class="error-summary"') < html.index('<form method="post" id="idea-form"')
    assert 'role="alert" tabindex="-1" aria-labelledby="error-summary-heading"' in summary
    assert '<h2 id="error-summary-heading">There is a problem</h2>' in summary
    assert '<li><a href="#id_title">Title: This field is required.</a></li>' in summary
    assert '<li><a href="#id_district">District: Choose a district.</a></li>' in summary
    assert summary.count("<li>") == 2
    # The links lead to the fields, still marked with their errors where they are.
    assert 'id="id_title"' in html and 'id="id_title_error"' in html and 'id="id_district_error"' in html
    assert not Idea.objects.exists()


def test_the_summary_speaks_korean_on_a_korean_page(alice):
    client = Client()
    client.force_login(alice)

    html = client.post("/ideas/new/", {**IDEA_FORM, "district": ""}).content.decode()

    assert '<h2 id="error-summary-heading">확인이 필요한 내용이 있습니다</h2>' in _summary(html)
    assert '<a href="#id_district">자치구: 자치구를 선택하세요.</a>' in _summary(html)


def test_a_form_without_errors_has_no_summary(alice):
    client = Client()
    client.force_login(alice)

    assert "error-summary" not in client.get("/ideas/new/").content.decode()
