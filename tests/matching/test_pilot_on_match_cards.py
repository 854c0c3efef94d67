"""A company's match card says when its idea is already in a pilot the reader may see, naming every
such pilot with a link to it: the company's own pilots first ("Your company takes part in its
pilot"), which ask no answer any more, then those other companies run ("In a pilot with other
companies"), which leave the buttons. A pilot the city still prepares with the company is not
public: its members are told of it without a link, and are asked no answer either. The API's
matches name the same pilots."""

import re

import pytest

from core import page_cache
from matching.models import Match, MatchStatus, MatchStrength
from pilots import services as pilot_services
from pilots.models import PilotStage
from tests.matching.factories import MatchFactory
from tests.pages import signed_in_client
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _redis_answers(monkeypatch):
    # Another test may have left this process thinking Redis is down.
    monkeypatch.setattr(page_cache, "_down_until", 0.0)


def _url(company, *, weak: bool = False) -> str:
    return f"/companies/{company.slug}/matches/" + ("?include_weak=on" if weak else "")


def _card(html: str, match: Match) -> str:
    found = re.search(rf'<li class="card" id="match-{match.pk}">.*?</li>', html, re.DOTALL)
    assert found, f"no card for match {match.pk}"
    return found.group(0)


def _weak_match(company, **kwargs) -> Match:
    return MatchFactory(company=company, rank_for_company=10, strength=MatchStrength.WEAK, **kwargs)


def test_the_companys_own_pilot_is_named_and_no_answer_is_asked(carol, company):
    match = _weak_match(company)
    pilot = PilotFactory(idea=match.idea, title="남구 낙상 감지 실증", companies=[company])

    card = _card(signed_in_client(carol, "ko").get(_url(company, weak=True)).content.decode(), match)

    assert (
        f'귀사가 참여하는 실증: <a href="/pilots/{pilot.pk}/">남구 낙상 감지 실증</a> (참여자 모집)' in card
    )
    assert 'name="answer"' not in card
    assert "아직 답하지 않음" not in card


def test_the_companys_own_pilot_in_english(carol, company):
    match = _weak_match(company)
    pilot = PilotFactory(
        idea=match.idea, title="남구 실증", title_en="Nam-gu fall detection", companies=[company]
    )

    card = _card(signed_in_client(carol, "en").get(_url(company, weak=True)).content.decode(), match)

    assert (
        f'Your company takes part in its pilot: <a href="/pilots/{pilot.pk}/">Nam-gu fall detection</a> '
        "(Recruiting participants)"
    ) in card


def test_a_pilot_of_other_companies_is_named_and_the_buttons_stay(carol, company, other_company):
    match = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    pilot = PilotFactory(idea=match.idea, title="북구 복약 실증", companies=[other_company])

    ko = _card(signed_in_client(carol, "ko").get(_url(company)).content.decode(), match)
    en = _card(signed_in_client(carol, "en").get(_url(company)).content.decode(), match)

    assert f'다른 기업과 실증 중: <a href="/pilots/{pilot.pk}/">북구 복약 실증</a>' in ko
    assert "귀사가 참여하는" not in ko
    assert 'value="interested"' in ko and 'value="dismissed"' in ko
    assert "In a pilot with other companies:" in en


def test_every_pilot_of_the_idea_is_named_the_companys_own_first(carol, company, other_company):
    match = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    theirs = PilotFactory(idea=match.idea, title="북구 복약 실증", companies=[other_company])
    older = PilotFactory(
        idea=match.idea, title="서구 복약 실증", stage=PilotStage.COMPLETED, companies=[company]
    )
    newer = PilotFactory(
        idea=match.idea, title="남구 복약 실증", stage=PilotStage.RUNNING, companies=[company, other_company]
    )
    also_theirs = PilotFactory(idea=match.idea, title="동구 복약 실증", companies=[other_company])

    ko = _card(signed_in_client(carol, "ko").get(_url(company)).content.decode(), match)
    en = _card(signed_in_client(carol, "en").get(_url(company)).content.decode(), match)

    own_ko = (
        f'<p class="card-pilot">귀사가 참여하는 실증: <a href="/pilots/{newer.pk}/">남구 복약 실증</a> '
        f'(진행 중), <a href="/pilots/{older.pk}/">서구 복약 실증</a> (완료됨)</p>'
    )
    others_ko = (
        f'<p class="card-pilot">다른 기업과 실증 중: <a href="/pilots/{also_theirs.pk}/">동구 복약 실증</a> '
        f'(참여자 모집), <a href="/pilots/{theirs.pk}/">북구 복약 실증</a> (참여자 모집)</p>'
    )
    assert own_ko in ko and others_ko in ko
    assert ko.index(own_ko) < ko.index(others_ko)
    assert "Your company takes part in its pilots: <a" in en
    assert f'(Running), <a href="/pilots/{older.pk}/">' in en
    assert "In pilots with other companies: <a" in en
    assert 'name="answer"' not in ko


def test_a_single_pilot_of_other_companies_is_named_in_the_singular(carol, company, other_company):
    match = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    PilotFactory(idea=match.idea, companies=[other_company])

    en = _card(signed_in_client(carol, "en").get(_url(company)).content.decode(), match)

    assert "In a pilot with other companies: <a" in en and "In pilots" not in en


def test_a_pilot_the_city_prepares_with_the_company_is_told_its_members_without_a_link(
    carol, company, staff_user
):
    match = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    pilot = PilotFactory(idea=match.idea, stage=PilotStage.PLANNING, companies=[company])

    for_member = _card(signed_in_client(carol, "ko").get(_url(company)).content.decode(), match)
    for_staff = _card(signed_in_client(staff_user).get(_url(company)).content.decode(), match)
    # Kept apart in the cache: the member's cards again, after staff's were drawn.
    for_member_again = _card(signed_in_client(carol, "ko").get(_url(company)).content.decode(), match)
    in_english = _card(signed_in_client(carol, "en").get(_url(company)).content.decode(), match)

    said = "시가 귀사와 함께 이 아이디어의 실증을 준비하고 있습니다. 아직 공개되지 않았습니다."
    assert said in for_member and said in for_member_again
    # Its page is not open to the company before the pilot is public: no link to it.
    assert f"/pilots/{pilot.pk}/" not in for_member and pilot.title not in for_member
    assert 'name="answer"' not in for_member and "아직 답하지 않음" not in for_member
    assert "The city is preparing a pilot of this idea with your company." in in_english
    assert signed_in_client(carol).get(f"/pilots/{pilot.pk}/").status_code == 404
    assert f'This company takes part in its pilot: <a href="/pilots/{pilot.pk}/">' in for_staff
    assert "(Planning)" in for_staff and "preparing" not in for_staff


def test_a_pilot_prepared_with_other_companies_is_not_named_to_members(carol, company, other_company):
    match = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    PilotFactory(idea=match.idea, stage=PilotStage.PLANNING, companies=[other_company])

    card = _card(signed_in_client(carol).get(_url(company)).content.decode(), match)

    assert 'class="card-pilot"' not in card
    assert 'value="interested"' in card


def test_a_prepared_pilot_beside_a_public_one_of_other_companies(carol, company, other_company):
    match = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    PilotFactory(idea=match.idea, stage=PilotStage.PLANNING, companies=[company])
    running = PilotFactory(idea=match.idea, stage=PilotStage.RUNNING, companies=[other_company])

    card = _card(signed_in_client(carol).get(_url(company)).content.decode(), match)

    assert card.index("The city is preparing") < card.index("In a pilot with other companies: ")
    assert f'href="/pilots/{running.pk}/"' in card
    assert 'name="answer"' not in card


def test_a_cancelled_pilot_is_not_named(carol, company):
    match = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    PilotFactory(
        idea=match.idea, stage=PilotStage.CANCELLED, cancellation_reason="예산 부족", companies=[company]
    )

    card = _card(signed_in_client(carol).get(_url(company)).content.decode(), match)

    assert "takes part in its pilot" not in card and 'value="interested"' in card


def test_a_dismissed_idea_in_the_companys_pilot_offers_no_way_back(carol, company):
    match = MatchFactory(
        company=company, rank_for_company=None, strength=MatchStrength.STRONG, status=MatchStatus.DISMISSED
    )
    PilotFactory(idea=match.idea, companies=[company])

    card = _card(signed_in_client(carol).get(_url(company)).content.decode(), match)

    assert "Your company takes part in its pilot" in card
    assert 'value="suggested"' not in card
    assert "Not a fit" in card  # what the company answered stays said


def test_a_pilot_made_after_the_cards_were_kept_shows_on_the_next_visit(carol, company, staff_user):
    match = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    client = signed_in_client(carol)
    assert "takes part in its pilot" not in _card(client.get(_url(company)).content.decode(), match)

    pilot = pilot_services.pilot_create(
        by=staff_user, idea=match.idea, companies=[company], title="서구 실증", description="8주 실증"
    )
    card = _card(client.get(_url(company)).content.decode(), match)
    assert "The city is preparing a pilot" in card and "takes part in its pilot" not in card
    pilot_services.pilot_change_stage(pilot=pilot, by=staff_user, stage=PilotStage.RECRUITING)

    card = _card(client.get(_url(company)).content.decode(), match)
    assert f'Your company takes part in its pilot: <a href="/pilots/{pilot.pk}/">' in card
    assert "The city is preparing" not in card


def test_the_api_names_the_pilots_of_each_matched_idea(api, carol, company, other_company):
    own = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    others = MatchFactory(company=company, rank_for_company=2, strength=MatchStrength.STRONG)
    plain = MatchFactory(company=company, rank_for_company=3, strength=MatchStrength.STRONG)
    own_pilot = PilotFactory(idea=own.idea, title="서구 실증", companies=[company, other_company])
    PilotFactory(idea=others.idea, stage=PilotStage.PLANNING, companies=[other_company])
    running = PilotFactory(idea=others.idea, stage=PilotStage.RUNNING, companies=[other_company])

    rows = {
        row["id"]: row
        for row in api(carol).get(f"/api/v1/companies/{company.slug}/matches/").json()["results"]
    }

    assert rows[own.pk]["pilots"] == [
        {
            "id": own_pilot.pk,
            "title": "서구 실증",
            "title_language": "ko",
            "stage": "recruiting",
            "stage_display": "참여자 모집",
            "company_takes_part": True,
        }
    ]
    # The pilot still in planning is not public.
    assert [(p["id"], p["company_takes_part"]) for p in rows[others.pk]["pilots"]] == [(running.pk, False)]
    assert rows[plain.pk]["pilots"] == []
    assert not any(row["pilot_in_preparation"] for row in rows.values())


def test_the_api_lists_every_pilot_of_an_idea(api, carol, company, other_company):
    match = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    first = PilotFactory(idea=match.idea, stage=PilotStage.COMPLETED, companies=[company])
    second = PilotFactory(idea=match.idea, stage=PilotStage.RUNNING, companies=[other_company])

    (row,) = api(carol).get(f"/api/v1/companies/{company.slug}/matches/").json()["results"]

    assert [(p["id"], p["company_takes_part"]) for p in row["pilots"]] == [
        (second.pk, False),
        (first.pk, True),
    ]


def test_the_api_says_when_the_city_prepares_a_pilot_with_the_company(
    api, carol, company, other_company, staff_user
):
    match = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    prepared = PilotFactory(idea=match.idea, stage=PilotStage.PLANNING, companies=[company])
    running = PilotFactory(idea=match.idea, stage=PilotStage.RUNNING, companies=[other_company])
    url = f"/api/v1/companies/{company.slug}/matches/"

    (for_member,) = api(carol).get(url).json()["results"]
    (for_staff,) = api(staff_user).get(url).json()["results"]

    # The member may not open the pilot yet (/api/v1/pilots/<id>/ does not find it): it is not listed.
    assert for_member["pilot_in_preparation"] is True
    assert [p["id"] for p in for_member["pilots"]] == [running.pk]
    assert api(carol).get(f"/api/v1/pilots/{prepared.pk}/").status_code == 404
    assert for_staff["pilot_in_preparation"] is True
    assert [(p["id"], p["stage"], p["company_takes_part"]) for p in for_staff["pilots"]] == [
        (running.pk, "running", False),
        (prepared.pk, "planning", True),
    ]


def test_the_api_answer_to_a_match_names_its_pilots(api, carol, company, other_company):
    match = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    pilot = PilotFactory(idea=match.idea, companies=[other_company])

    body = api(carol).post(f"/api/v1/matches/{match.pk}/feedback/", {"status": "dismissed"}).json()

    assert [(p["id"], p["company_takes_part"]) for p in body["pilots"]] == [(pilot.pk, False)]


def test_each_company_of_a_shared_pilot_reads_it_as_its_own(dave, company, other_company):
    ours = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    theirs = MatchFactory(
        company=other_company, idea=ours.idea, rank_for_company=1, strength=MatchStrength.STRONG
    )
    PilotFactory(idea=ours.idea, companies=[company, other_company])

    card = _card(signed_in_client(dave).get(_url(other_company)).content.decode(), theirs)

    assert "Your company takes part in its pilot" in card and "other companies" not in card


@pytest.mark.parametrize("status", ["interested", "dismissed", "suggested"])
def test_an_answer_to_a_match_the_company_already_pilots_is_refused(
    api, carol, company, other_company, status
):
    piloted = _weak_match(company)
    PilotFactory(idea=piloted.idea, companies=[company], stage=PilotStage.RUNNING)
    elsewhere = _weak_match(company)
    PilotFactory(idea=elsewhere.idea, companies=[other_company], stage=PilotStage.RUNNING)
    body = {"status": status, "message": "30가구 실증 가능"}

    refused = api(carol).post(f"/api/v1/matches/{piloted.pk}/feedback/", body, HTTP_ACCEPT_LANGUAGE="en")
    answered = api(carol).post(f"/api/v1/matches/{elsewhere.pk}/feedback/", dict(body, status="dismissed"))

    assert refused.status_code == 409
    assert "already takes part in this idea's pilot" in refused.json()["error"]["message"]
    piloted.refresh_from_db()
    assert piloted.status == MatchStatus.SUGGESTED
    # Another company's pilot leaves the answer open: the city may still add a company.
    assert answered.status_code == 200


@pytest.mark.parametrize("status", ["interested", "dismissed"])
def test_an_answer_to_a_match_whose_pilot_the_city_prepares_with_the_company_is_refused(
    api, carol, company, other_company, status
):
    prepared = _weak_match(company)
    PilotFactory(idea=prepared.idea, companies=[company], stage=PilotStage.PLANNING)
    elsewhere = _weak_match(company)
    PilotFactory(idea=elsewhere.idea, companies=[other_company], stage=PilotStage.PLANNING)
    body = {"status": status, "message": "30가구 실증 가능"}

    refused = api(carol).post(f"/api/v1/matches/{prepared.pk}/feedback/", body, HTTP_ACCEPT_LANGUAGE="ko")
    answered = api(carol).post(f"/api/v1/matches/{elsewhere.pk}/feedback/", body)

    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["code"] == "invalid_status"
    assert error["message"].startswith("시가 귀사와 함께 이 아이디어의 실증을 준비하고 있어")
    prepared.refresh_from_db()
    assert prepared.status == MatchStatus.SUGGESTED and prepared.feedback_at is None
    # Another company's pilot in planning is not the company's to know of.
    assert answered.status_code == 200 and answered.json()["pilot_in_preparation"] is False


def test_an_answer_sent_from_the_page_once_the_city_prepares_a_pilot_is_refused(carol, company, staff_user):
    match = MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)
    client = signed_in_client(carol, "en")
    assert 'value="dismissed"' in _card(client.get(_url(company)).content.decode(), match)
    pilot_services.pilot_create(
        by=staff_user, idea=match.idea, companies=[company], title="서구 실증", description="8주 실증"
    )

    response = client.post(_url(company), {"match": match.pk, "answer": "dismissed"})

    assert response.status_code == 400
    said = "The city is preparing a pilot of this idea with your company: answering its match changes"
    assert said in response.content.decode()
    match.refresh_from_db()
    assert match.status == MatchStatus.SUGGESTED


@pytest.mark.parametrize("piloted", [1, 6])
def test_the_apis_pilots_are_read_in_one_query(
    api, carol, company, other_company, piloted, django_assert_num_queries
):
    for rank in range(1, piloted + 1):
        match = MatchFactory(company=company, rank_for_company=rank, strength=MatchStrength.STRONG)
        PilotFactory(idea=match.idea, companies=[company], stage=PilotStage.PLANNING)
        PilotFactory(idea=match.idea, companies=[other_company], stage=PilotStage.RUNNING)
    client = api(carol)

    # The company and its references, the membership check, the count, the page, and its pilots.
    with django_assert_num_queries(6):
        rows = client.get(f"/api/v1/companies/{company.slug}/matches/").json()["results"]

    assert [(row["pilot_in_preparation"], len(row["pilots"])) for row in rows] == [(True, 1)] * piloted
