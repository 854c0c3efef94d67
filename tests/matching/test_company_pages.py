import pytest
from django.utils import translation

from matching.models import Match, MatchStatus
from matching.reasons import reason_text

pytestmark = pytest.mark.django_db


def test_members_see_their_strong_and_possible_matches_with_reasons_and_can_open_weaker_ones(
    client, catalogue, carol
):
    client.force_login(carol)

    html = client.get("/companies/gyeote-care/matches/").content.decode()

    assert html.index("My father forgets his medicine") < html.index("어머니가 약 드시는 걸 자꾸 잊으세요")
    assert "강한 매칭" in html and "가능성 있는 매칭" in html
    assert "“pill dispensing”" in html and "이(가)" not in html
    # Unrelated ideas are not shown by default, but one click away.
    assert "Stray dogs on hiking trails" not in html
    assert "약한 매칭도 보기" in html

    more = client.get("/companies/gyeote-care/matches/?include_weak=on").content.decode()
    assert "Stray dogs on hiking trails" in more
    assert "약한 매칭" in more


def test_other_people_cannot_open_a_company_matches_page(client, catalogue, bob, dave, staff_user):
    client.force_login(bob)
    assert client.get("/companies/gyeote-care/matches/").status_code == 403
    client.force_login(dave)
    assert client.get("/companies/gyeote-care/matches/").status_code == 403
    client.force_login(staff_user)
    assert client.get("/companies/gyeote-care/matches/").status_code == 200
    client.logout()
    assert client.get("/companies/gyeote-care/matches/").status_code == 302


def test_interest_and_not_a_fit_through_the_page(client, catalogue, carol):
    care = catalogue["companies"]["care"]
    pills = Match.objects.get(idea=catalogue["ideas"]["pills"], company=care)
    dogs = Match.objects.get(idea=catalogue["ideas"]["dogs"], company=care)
    client.force_login(carol)
    url = "/companies/gyeote-care/matches/"

    missing_plan = client.post(url, {"match": pills.pk, "answer": "interested", "proposal_plan": ""})
    assert missing_plan.status_code == 200
    assert "errorlist" in missing_plan.content.decode()

    client.post(
        url,
        {
            "match": pills.pk,
            "answer": "interested",
            "proposal_plan": "복약기 20대 설치",
            "proposal_duration_weeks": 8,
        },
    )
    client.post(url, {"match": dogs.pk, "answer": "dismissed"})

    pills.refresh_from_db()
    dogs.refresh_from_db()
    assert (pills.status, pills.proposal_plan, pills.proposal_duration_weeks) == (
        MatchStatus.INTERESTED,
        "복약기 20대 설치",
        8,
    )
    assert dogs.status == MatchStatus.DISMISSED
    # The card now says what the company proposed, and that it is its proposal.
    card = client.get(url).content.decode()
    card = card[card.index(f'id="match-{pills.pk}"') :]
    card = card[: card.index("</li>")]
    assert "<strong>실증 제안</strong>" in card
    assert "<dt>계획</dt><dd>복약기 20대 설치</dd>" in card and "<dd>약 8주</dd>" in card


def test_matches_page_filters_by_category(client, catalogue, carol):
    client.force_login(carol)

    html = client.get("/companies/gyeote-care/matches/?category=animals&include_weak=on").content.decode()

    assert "Stray dogs on hiking trails" in html
    assert "어머니가 약 드시는 걸 자꾸 잊으세요" not in html


def test_the_filter_form_drawn_once_speaks_each_readers_language(client, carol):
    from tests.companies.factories import CompanyFactory, MembershipFactory

    company = CompanyFactory()
    MembershipFactory(company=company, user=carol)
    client.force_login(carol)
    url = f"/companies/{company.slug}/matches/"

    korean = [client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode() for _ in range(2)]
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    filtered = client.get(f"{url}?category=health", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert korean[0] == korean[1] or _without_tokens(korean[0]) == _without_tokens(korean[1])
    assert 'for="id_category"' in korean[0] and "All categories" not in korean[0]
    assert "All categories" in english and 'id="id_category"' in english
    assert '<option value="health" selected>' in filtered


def _without_tokens(html: str) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_the_note_above_the_cards_says_weaker_ones_are_shown_once_they_are(client, catalogue, carol):
    client.force_login(carol)
    client.cookies["django_language"] = "en"
    shown_by_default = "Only strong and possible matches are shown"
    weaker_too = "then the weaker matches"

    default = client.get("/companies/gyeote-care/matches/").content.decode()
    more = client.get("/companies/gyeote-care/matches/?include_weak=on").content.decode()

    assert shown_by_default in default and weaker_too not in default
    assert weaker_too in more and shown_by_default not in more
    # An idea the company answered stays listed however weak: the note says so, not leaving a
    # "weak match" card to contradict "strong and possible matches are shown".
    assert "Ideas you answered (interested or not a fit) stay on the list whatever their strength." in default
    client.cookies["django_language"] = "ko"
    korean = client.get("/companies/gyeote-care/matches/").content.decode()
    assert "‘관심 있음’이나 ‘맞지 않음’으로 답한 아이디어는 강도와 상관없이 목록에 남습니다." in korean


def test_the_filters_name_their_empty_choice_as_the_idea_list_does(client, catalogue, carol):
    client.force_login(carol)

    for url in ("/companies/gyeote-care/matches/", "/companies/gyeote-care/matches/?category=animals"):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
        assert ">모든 분야</option>" in html
        assert "모든 자치구" in html and "모든 상태" in html
        assert ">—</option>" not in html


def test_a_reason_speaks_to_the_members_of_their_own_profile_and_of_the_company_to_staff(
    client, catalogue, carol, staff_user
):
    url = "/companies/gyeote-care/matches/"
    client.force_login(carol)
    member_en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    member_ko = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    client.force_login(staff_user)
    staff_en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    # The page escapes the apostrophe of "company's".
    assert " is close to your " in member_en and " is close to the company&#x27;s " not in member_en
    assert "귀사의 " in member_ko and "— 기업의 " not in member_ko
    assert " is close to the company&#x27;s " in staff_en and " is close to your " not in staff_en


def test_one_way_to_show_the_weaker_matches_and_one_back(client, catalogue, carol):
    client.force_login(carol)
    client.cookies["django_language"] = "en"

    default = client.get("/companies/gyeote-care/matches/?district=").content.decode()
    more = client.get("/companies/gyeote-care/matches/?district=&include_weak=on").content.decode()

    # The button under the cards, with its count; no box among the filters doing the same.
    assert 'name="include_weak"' not in default and "Show weaker possibilities too" not in default
    assert 'href="?district=&amp;include_weak=on">Show weaker matches too (' in default
    assert 'href="?district=">Show strong and possible matches only</a>' in more
    # Filtering again keeps the weaker matches shown.
    assert '<input type="hidden" name="include_weak" value="on">' in more


@pytest.mark.parametrize(
    ("language", "summary", "rank"),
    [("en", "I'm interested…", "rank 1 for you"), ("ko", "관심 표시하기…", "귀사 기준 1순위")],
)
def test_the_interest_form_opens_from_a_button_and_the_rank_is_named(
    client, catalogue, carol, language, summary, rank
):
    client.force_login(carol)
    client.cookies["django_language"] = language

    html = client.get("/companies/gyeote-care/matches/").content.decode()

    assert f'<summary class="button">{summary}</summary>' in html
    assert "<summary>Interested</summary>" not in html and "<summary>관심 있음</summary>" not in html
    assert rank in html and "#1 ·" not in html


def test_a_reason_found_in_the_title_does_not_quote_the_title_again():
    reason = {
        "idea_field": "title",
        "idea_text": "Stray dogs on hiking trails",
        "company_field": "reference",
        "company_text": "Animal tracking pilot",
    }
    other = {**reason, "idea_field": "problem"}

    with translation.override("en"):
        # Named as the profile editor names it ("Past projects").
        assert (
            reason_text(reason, to_company=True)
            == "The idea's title is close to your past project “Animal tracking pilot”."
        )
        assert (
            reason_text(reason)
            == "The idea's title is close to the company's past project “Animal tracking pilot”."
        )
        assert reason_text(other, to_company=True).startswith(
            "The idea's “Stray dogs on hiking trails” is close to your past project"
        )


@pytest.mark.parametrize("idea_field", ["title", "problem"])
@pytest.mark.parametrize("to_company", [True, False])
def test_a_reason_reads_as_a_whole_sentence_with_its_subject_and_full_stop(idea_field, to_company):
    reason = {
        "idea_field": idea_field,
        "idea_text": "Stray dogs on hiking trails",
        "company_field": "technology",
        "company_text": "Animal tracking with GPS collars",
    }

    with translation.override("en"):
        english = reason_text(reason, to_company=to_company)
    with translation.override("ko"):
        korean = reason_text(reason, to_company=to_company)

    assert english.startswith("The idea's ") and english.endswith("”.")
    assert " is close to " in english and " meets " not in english
    assert korean.startswith("아이디어") and korean.endswith("에 가깝습니다.")


def test_an_unverified_company_is_told_matching_starts_once_the_city_verifies_it(client, company, carol):
    from companies.models import Company

    Company.objects.filter(pk=company.pk).update(is_verified=False)
    client.force_login(carol)

    korean = client.get(f"/companies/{company.slug}/matches/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(f"/companies/{company.slug}/matches/").content.decode()

    assert "시에서 새 기업을 먼저 인증합니다" in korean
    assert "The city verifies new companies first" in english
    assert "a fuller profile" not in english and "자세히 적을수록" not in korean

    Company.objects.filter(pk=company.pk).update(is_verified=True)
    verified = client.get(f"/companies/{company.slug}/matches/").content.decode()
    assert "a fuller profile (technologies, past projects) helps the matcher" in verified
    assert "The city verifies new companies first" not in verified


@pytest.mark.parametrize(("language", "label"), [("ko", "아직 답하지 않음"), ("en", "Not answered yet")])
def test_a_match_the_company_has_not_answered_says_so_on_its_card_and_in_the_filter(
    client, catalogue, carol, language, label
):
    client.force_login(carol)
    client.cookies["django_language"] = language

    html = client.get("/companies/gyeote-care/matches/").content.decode()

    # "Suggested" beside "Possible match" read as a second verdict of the matcher's.
    assert f'<span class="status">{label}</span>' in html
    assert f'<option value="suggested">{label}</option>' in html


@pytest.mark.parametrize(("language", "label"), [("ko", "맞지 않음으로 표시"), ("en", "Mark as not a fit")])
def test_the_not_a_fit_button_says_what_it_does_not_a_status(client, catalogue, carol, language, label):
    client.force_login(carol)
    client.cookies["django_language"] = language

    html = client.get("/companies/gyeote-care/matches/").content.decode()

    # Beside status pills such as "Not answered yet", a bare "Not a fit" read as one more status.
    assert f'value="dismissed">{label}</button>' in html
    assert '<div class="answer-actions">' in html


@pytest.mark.parametrize(
    ("language", "note"),
    [
        (
            "ko",
            "강한 매칭과 가능성 있는 매칭만 보여 줍니다. 다른 기업보다 귀사가 특히 잘 맞고, "
            "다른 아이디어보다 귀사의 프로필에 특히 가까운 아이디어입니다.",
        ),
        (
            "en",
            "Only strong and possible matches are shown: ideas your company fits better than most other "
            "companies do, and that are closer to your profile than most other ideas.",
        ),
    ],
)
def test_the_note_says_plainly_how_the_matches_shown_are_chosen(client, catalogue, carol, language, note):
    client.force_login(carol)
    client.cookies["django_language"] = language

    html = client.get("/companies/gyeote-care/matches/").content.decode()

    # Both ways, as the matcher decides: the company stands out among companies for the idea, and
    # the idea among ideas for the company.
    assert note in html
