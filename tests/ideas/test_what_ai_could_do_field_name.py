"""An idea's second text, what the citizen wishes AI did, has one name wherever people meet it: the
idea page's heading, "What AI could do". "Proposal" ("제안") names other things on the site (the
home page's first step, a company's pilot proposal), so the form, its errors, the delete page,
the API, the staff export and the admin say the heading's words too."""

import json

import pytest
from django.utils import translation

from ideas.models import Idea, IdeaStatus
from tests.ideas.factories import IDEA_FORM, IdeaFactory
from tests.pages import signed_in_client

pytestmark = pytest.mark.django_db

NAME = {"ko": "AI가 할 수 있는 일", "en": "What AI could do"}


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_idea_page_form_and_error_summary_use_the_same_name(alice, language):
    idea = IdeaFactory(author=alice, status=IdeaStatus.PUBLISHED)
    client = signed_in_client(alice, language)

    page = client.get(f"/ideas/{idea.pk}/").content.decode()
    form = client.get("/ideas/new/").content.decode()
    refused = client.post("/ideas/new/", {**IDEA_FORM, "proposal": ""}).content.decode()

    assert f"<h2>{NAME[language]}</h2>" in page
    label = form[form.index('<label for="id_proposal"') :]
    assert label[label.index(">") + 1 :].lower().startswith(f"{NAME[language]}</label>".lower())
    summary = refused[refused.index('<div class="error-summary"') :]
    assert f'<a href="#id_proposal">{NAME[language]}: ' in summary[: summary.index("</div>")]


@pytest.mark.parametrize(
    ("language", "parts"),
    [("ko", "제목, 문제, AI가 할 수 있는 일"), ("en", "its title, the problem and what AI could do")],
)
def test_the_delete_page_lists_what_goes_by_the_same_names(alice, language, parts):
    idea = IdeaFactory(author=alice, status=IdeaStatus.SUBMITTED)

    html = signed_in_client(alice, language).get(f"/ideas/{idea.pk}/delete/").content.decode()

    assert f"<li>{parts}</li>" in html
    assert "proposal" not in html.lower().split("<main", 1)[1]


def test_the_same_idea_sent_twice_is_told_by_the_same_names(alice):
    client = signed_in_client(alice, "ko")
    client.post("/ideas/new/", IDEA_FORM)

    html = client.post("/ideas/new/", IDEA_FORM).content.decode()

    notice = html[html.index('id="repeat-notice"') :]
    assert "제목·문제·AI가 할 수 있는 일이 모두 같은 아이디어를" in notice[: notice.index("</div>")]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_model_and_the_api_name_it_so_too(api, alice, language):
    with translation.override(language):
        assert str(Idea._meta.get_field("proposal").verbose_name).lower() == NAME[language].lower()
    schema = json.loads(api(alice).get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE=language).content)

    titles = {
        name: component["properties"]["proposal"].get("title")
        for name, component in schema["components"]["schemas"].items()
        # A company's interest has a "proposal" too: its pilot proposal, an object.
        if component.get("properties", {}).get("proposal", {}).get("type") == "string"
    }
    assert {"IdeaListCreateInputRequest", "IdeaOutput", "SimilarIdeasInputRequest"} <= set(titles)
    assert {title.lower() for title in titles.values()} == {NAME[language].lower()}


def test_the_staff_export_heads_its_column_so(staff_user):
    IdeaFactory()

    csv = signed_in_client(staff_user, "ko").get("/api/v1/exports/ideas.csv").content.decode("utf-8-sig")

    assert csv.splitlines()[0].startswith("ID,제목,문제,AI가 할 수 있는 일,")
