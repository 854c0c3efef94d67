"""The pages the load benchmark measures (`make loadtest`) ask the database a fixed number of
questions, however many ideas, comments, matches or companies they show: a query per row would
make them slow exactly where the site is busy. Rendered uncached (PAGE_CACHE_SECONDS=0): the
cache in front of anonymous reads is tested in tests/core/test_page_cache.py."""

import pytest
from django.test import Client, override_settings
from django.test.signals import template_rendered

from matching.models import MatchStrength
from matching.views import InterestForm
from pilots.models import PilotStage
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, MembershipFactory
from tests.ideas.factories import CommentFactory, IdeaFactory
from tests.matching.factories import InterestFactory, MatchFactory
from tests.pilots.factories import PilotFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_uncached")]


@pytest.fixture
def _uncached():
    with override_settings(PAGE_CACHE_SECONDS=0):
        yield


def _busy_idea(comments: int, companies: int):
    idea = IdeaFactory()
    for _ in range(comments):
        parent = CommentFactory(idea=idea)
        CommentFactory(idea=idea, parent=parent)
    for rank in range(1, companies + 1):
        MatchFactory(idea=idea, rank_for_idea=rank, strength=MatchStrength.STRONG)
    InterestFactory(idea=idea, rank_for_idea=None, rank_for_company=None)
    return idea


@pytest.mark.parametrize("comments, companies", [(1, 1), (6, 5)])
def test_an_idea_page_for_a_visitor(comments, companies, django_assert_max_num_queries):
    idea = _busy_idea(comments, companies)

    # The idea with its counts, its pilots (timeline and panel), its matches (timeline, panel and
    # the interested companies), its comments with their replies, and the interested companies
    # the reader may see.
    with django_assert_max_num_queries(5):
        response = Client().get(f"/ideas/{idea.pk}/")

    assert response.status_code == 200
    assert response.content.decode().count('class="comment"') == 2 * comments


@pytest.mark.parametrize("companies", [1, 5])
def test_an_idea_page_with_a_pilot_for_a_visitor(companies, django_assert_max_num_queries):
    idea = _busy_idea(1, companies)
    PilotFactory(idea=idea, companies=[CompanyFactory() for _ in range(companies)])

    # As above, with its pilots read once for the timeline and once as the reader may see them
    # (the panel), and the companies running them, however many.
    with django_assert_max_num_queries(7):
        response = Client().get(f"/ideas/{idea.pk}/")

    assert response.status_code == 200
    assert "pilot-companies" in response.content.decode()


def test_an_idea_page_without_comments_matches_or_pilots_is_one_query(django_assert_num_queries):
    idea = IdeaFactory()

    # What the idea has besides itself is asked with it: with nothing, nothing more is asked.
    with django_assert_num_queries(1):
        response = Client().get(f"/ideas/{idea.pk}/")

    assert response.status_code == 200


@pytest.mark.parametrize("ideas", [2, 12])
def test_the_idea_list_and_its_api(ideas, django_assert_max_num_queries):
    for _ in range(ideas):
        CommentFactory(idea=IdeaFactory())

    # The count and one page.
    with django_assert_max_num_queries(2):
        page = Client().get("/ideas/")
    with django_assert_max_num_queries(2):
        api = Client().get("/api/v1/ideas/")

    assert page.status_code == api.status_code == 200
    assert api.json()["count"] == ideas


@pytest.mark.parametrize("matched", [1, 15])
def test_a_company_matches_page_for_its_member(matched, django_assert_max_num_queries):
    company = CompanyFactory()
    member = UserFactory()
    MembershipFactory(company=company, user=member)
    for rank in range(1, matched + 1):
        MatchFactory(company=company, rank_for_company=rank, strength=MatchStrength.STRONG)
    MatchFactory(company=company, rank_for_company=matched + 1, strength=MatchStrength.WEAK)
    client = Client()
    client.force_login(member)

    # Session, user, the memberships with their companies (the menu, the membership check and
    # the company itself), the matches, and the company's pilots.
    with django_assert_max_num_queries(5):
        response = client.get(f"/companies/{company.slug}/matches/")

    assert response.status_code == 200
    assert response.content.decode().count('class="card"') == matched
    assert response.context["hidden_weaker"] == 1


@pytest.mark.parametrize("piloted", [1, 15])
def test_a_company_matches_page_whose_ideas_are_in_pilots(piloted, django_assert_max_num_queries):
    company = CompanyFactory()
    member = UserFactory()
    MembershipFactory(company=company, user=member)
    for rank in range(1, piloted + 1):
        match = MatchFactory(company=company, rank_for_company=rank, strength=MatchStrength.STRONG)
        PilotFactory(idea=match.idea, companies=[company if rank % 2 else CompanyFactory()])
    client = Client()
    client.force_login(member)

    # As above, and the pilots of the ideas that have one, with their companies.
    with django_assert_max_num_queries(6):
        response = client.get(f"/companies/{company.slug}/matches/")

    assert response.status_code == 200
    assert response.content.decode().count('class="card-pilot"') == piloted


@pytest.mark.parametrize("piloted", [1, 15])
def test_a_company_matches_page_whose_ideas_have_several_pilots_some_in_planning(
    piloted, django_assert_max_num_queries
):
    company = CompanyFactory()
    member = UserFactory()
    MembershipFactory(company=company, user=member)
    for rank in range(1, piloted + 1):
        match = MatchFactory(company=company, rank_for_company=rank, strength=MatchStrength.STRONG)
        PilotFactory(idea=match.idea, companies=[company], stage=PilotStage.PLANNING)
        PilotFactory(idea=match.idea, companies=[CompanyFactory()], stage=PilotStage.RUNNING)
        PilotFactory(idea=match.idea, companies=[CompanyFactory()], stage=PilotStage.COMPLETED)
    client = Client()
    client.force_login(member)

    # As above: the pilots in planning the city prepares with the company are read with the others.
    with django_assert_max_num_queries(6):
        response = client.get(f"/companies/{company.slug}/matches/")

    assert response.status_code == 200
    assert response.content.decode().count('class="card-pilot"') == 2 * piloted


def test_a_company_matches_page_for_city_staff(django_assert_max_num_queries):
    company = CompanyFactory()
    MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    client = Client()
    client.force_login(UserFactory(is_staff=True))

    # Session, user, their memberships (none), the company, the matches, and the company's pilots.
    with django_assert_max_num_queries(6):
        response = client.get(f"/companies/{company.slug}/matches/")

    assert response.status_code == 200
    assert response.content.decode().count('class="card"') == 1


def test_a_company_matches_page_draws_the_interest_form_once_for_all_its_matches():
    company = CompanyFactory()
    member = UserFactory()
    MembershipFactory(company=company, user=member)
    matches = [
        MatchFactory(company=company, rank_for_company=rank, strength=MatchStrength.STRONG)
        for rank in (1, 2, 3)
    ]
    client = Client()
    client.force_login(member)
    drawn: list[str] = []

    def note(sender, template, **kwargs):
        drawn.append(template.name)

    template_rendered.connect(note)
    try:
        html = client.get(f"/companies/{company.slug}/matches/").content.decode()
    finally:
        template_rendered.disconnect(note)

    # Each of its three fields' widgets at most once per process and language, not per match.
    assert drawn.count("django/forms/widgets/textarea.html") <= 2
    for match in matches:
        # Ids and labels carry the match's id, as a form of its own draws them.
        own = InterestForm(auto_id=f"id_%s_{match.pk}")
        for field in own:
            assert f"{field.label_tag()}{field}" in html
