"""A company's match cards are the same for all its members, so a member's repeat visit takes
them from the cache (core.page_cache.cached_part) instead of reading and drawing them again; any
change to what they show (an answer, a new match, an idea edited or hidden) shows on the next
request, each reader's forms carry their own token, and a member never gets the cards drawn for
city staff (without forms) or in another language."""

import re

import pytest
from django.test import Client, override_settings

from core import page_cache
from ideas import services as idea_services
from matching.models import Match, MatchStatus, MatchStrength
from tests.accounts.factories import UserFactory
from tests.companies.factories import MembershipFactory
from tests.matching.factories import MatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _redis_answers(monkeypatch):
    # Another test may have left this process thinking Redis is down.
    monkeypatch.setattr(page_cache, "_down_until", 0.0)


@pytest.fixture
def matches(company):
    return [
        MatchFactory(company=company, rank_for_company=rank, strength=MatchStrength.STRONG, idea__title=title)
        for rank, title in enumerate(["Pill reminder for grandparents", "Bus stop heat shelter"], start=1)
    ]


@pytest.fixture
def member(carol):
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    return client


def _url(company) -> str:
    return f"/companies/{company.slug}/matches/"


def _card(html: str, match: Match) -> str:
    found = re.search(rf'<li class="card" id="match-{match.pk}">.*?</li>', html, re.DOTALL)
    return found.group(0) if found else ""


def _token(html: str) -> str:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[-1]


def test_a_members_repeat_visit_reads_no_match(member, company, matches, django_assert_num_queries):
    first = member.get(_url(company)).content.decode()

    # Session, user, the memberships with their companies: the cards come from the cache.
    with django_assert_num_queries(3):
        again = member.get(_url(company)).content.decode()

    assert all(_card(again, match) for match in matches)
    assert again.count('class="card"') == first.count('class="card"') == 2


def test_every_member_answers_with_a_token_of_their_own(member, company, matches):
    member.get(_url(company))
    colleague = UserFactory()
    MembershipFactory(company=company, user=colleague)
    other = Client(enforce_csrf_checks=True)
    other.force_login(colleague)

    html = other.get(_url(company)).content.decode()
    answered = other.post(
        _url(company), {"match": matches[1].pk, "answer": "dismissed", "csrfmiddlewaretoken": _token(html)}
    )

    assert "\x00" not in html
    assert answered.status_code == 302
    assert Match.objects.get(pk=matches[1].pk).status == MatchStatus.DISMISSED


def test_an_answer_shows_on_the_next_visit(member, company, matches):
    html = member.get(_url(company)).content.decode()
    assert 'value="interested"' in _card(html, matches[0])

    member.post(
        _url(company),
        {
            "match": matches[0].pk,
            "answer": "interested",
            "proposal_plan": "Twenty dispensers in Buk-gu",
            "csrfmiddlewaretoken": _token(html),
        },
    )
    member.post(
        _url(company), {"match": matches[1].pk, "answer": "dismissed", "csrfmiddlewaretoken": _token(html)}
    )
    again = member.get(_url(company)).content.decode()

    interested, dismissed = _card(again, matches[0]), _card(again, matches[1])
    assert "Twenty dispensers in Buk-gu" in interested and 'value="interested"' not in interested
    assert 'value="dismissed"' not in dismissed and dismissed


def test_a_hidden_idea_leaves_the_cards_at_once(member, company, matches, staff_user):
    member.get(_url(company))

    idea_services.content_hide(target=matches[0].idea, by=staff_user)
    html = member.get(_url(company)).content.decode()

    assert not _card(html, matches[0]) and "Pill reminder for grandparents" not in html
    assert _card(html, matches[1])


def test_an_edited_title_and_a_new_match_show_at_once(member, company, matches, alice):
    member.get(_url(company))

    matches[1].idea.title = "Shaded bus stops for summer"
    matches[1].idea.save(update_fields=["title"])
    added = MatchFactory(company=company, rank_for_company=3, strength=MatchStrength.STRONG)
    html = member.get(_url(company)).content.decode()

    assert "Shaded bus stops for summer" in _card(html, matches[1])
    assert _card(html, added)


def test_city_staff_get_cards_without_forms_and_members_with_them(member, company, matches, staff_user):
    staff = Client()
    staff.force_login(staff_user)

    for_staff = staff.get(_url(company)).content.decode()
    for_member = member.get(_url(company)).content.decode()
    for_staff_again = staff.get(_url(company)).content.decode()

    assert 'value="dismissed"' not in _card(for_staff, matches[0])
    assert 'value="dismissed"' not in _card(for_staff_again, matches[0])
    assert 'value="dismissed"' in _card(for_member, matches[0])


def test_each_language_has_its_cards(member, company, matches):
    korean = member.get(_url(company), HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    english = member.get(_url(company), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "강한 매칭" in _card(korean, matches[0])
    assert "강한 매칭" not in _card(english, matches[0]) and "Strong" in _card(english, matches[0])


def test_filtered_cards_are_kept_apart(member, company, matches):
    everything = member.get(_url(company)).content.decode()
    answered = member.get(f"{_url(company)}?status=interested").content.decode()

    assert _card(everything, matches[0])
    assert not _card(answered, matches[0])


def test_the_cards_are_drawn_while_redis_is_down(carol, company, matches, unreachable_redis_cache):
    client = Client()
    client.force_login(carol)

    with override_settings(CACHES=unreachable_redis_cache):
        html = client.get(_url(company)).content.decode()

    assert _card(html, matches[0]) and "\x00" not in html


def test_an_idea_placed_only_among_weaker_possibilities_shows_on_the_kept_cards_at_once(catalogue, carol):
    from matching import services
    from tests.matching.conftest import make_idea

    care = catalogue["companies"]["care"]
    # Fits no company: placing it writes weak pairs only, through the matcher's bulk writes,
    # which the page cache does not see as statements.
    idea = make_idea("pills")
    idea.title = "주말에 공공 수영장을 저녁까지 열어 주세요"
    idea.problem = "주말에는 수영장이 오후 5시에 문을 닫아서 직장인은 이용하기 어렵습니다."
    idea.proposal = "주말에도 저녁 9시까지 운영해 주세요."
    idea.save()
    services.embedding_refresh_for_ideas(idea_ids=[idea.pk])
    client = Client()
    client.force_login(carol)
    url = f"{_url(care)}?include_weak=on"
    assert idea.title not in client.get(url).content.decode()  # the cards are kept

    services.match_refresh_for_idea(idea_id=idea.pk)
    assert not Match.objects.filter(idea=idea).confident().exists()
    assert Match.objects.filter(idea=idea, company=care, rank_for_company__isnull=False).exists()

    assert idea.title in client.get(url).content.decode()


def test_the_matchers_own_binary_writes_change_the_version_only_for_watched_tables(matches):
    from matching import vector_store
    from matching.models import MatchCandidate

    before = page_cache.current_version()
    vector_store.execute(f"UPDATE {MatchCandidate._meta.db_table} SET score = score WHERE false", [])
    assert page_cache.current_version() == before

    vector_store.execute(f"UPDATE {Match._meta.db_table} SET score = score WHERE id = %s", [matches[0].pk])
    assert page_cache.current_version() != before
