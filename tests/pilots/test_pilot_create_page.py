"""The staff form that makes a pilot from an idea: the companies matched with the idea come first,
each with its strength and whether it said it is interested; every other company stays below."""

import pytest

from matching.models import MatchStatus, MatchStrength
from pilots.models import Pilot
from tests.companies.factories import CompanyFactory
from tests.matching.factories import MatchFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def matched(idea):
    strong = MatchFactory(
        idea=idea,
        company=CompanyFactory(name="하하 돌봄"),
        strength=MatchStrength.STRONG,
        status=MatchStatus.INTERESTED,
        rank_for_idea=1,
    )
    possible = MatchFactory(
        idea=idea, company=CompanyFactory(name="호호 센서"), strength=MatchStrength.POSSIBLE, rank_for_idea=2
    )
    weak = MatchFactory(
        idea=idea, company=CompanyFactory(name="가가 비전"), strength=MatchStrength.WEAK, rank_for_idea=3
    )
    return strong, possible, weak


def test_matched_companies_come_first_marked_and_the_others_stay_below(client, staff_user, idea, matched):
    strong, possible, weak = matched
    CompanyFactory(name="가나 로봇")
    client.force_login(staff_user)

    html = client.get(f"/staff/ideas/{idea.pk}/pilot/").content.decode()

    # Matched first by rank, although the others come before them by name.
    assert html.index("하하 돌봄") < html.index("호호 센서") < html.index("가가 비전")
    assert html.index("호호 센서") < html.index("가나 로봇")
    strong_row = html[html.index("하하 돌봄") : html.index("호호 센서")]
    assert '<span class="strength strength-strong">강한 매칭</span>' in strong_row
    assert "관심 있음" in strong_row
    possible_row = html[html.index("호호 센서") : html.index("가가 비전")]
    assert '<span class="strength strength-possible">가능성 있는 매칭</span>' in possible_row
    # A weak pair is no match the pages show: its company is among the others, unmarked.
    assert "약한 매칭" not in html
    # The interested company is chosen already; the others are not.
    assert f'value="{strong.company_id}"' in html
    checked = [chunk for chunk in html.split("<input") if "checked" in chunk.split(">")[0]]
    assert [f'value="{strong.company_id}"' in chunk for chunk in checked] == [True]


def test_staff_may_still_choose_a_company_that_was_not_matched(client, staff_user, idea, matched):
    other = CompanyFactory(name="가나 로봇")
    client.force_login(staff_user)

    client.post(
        f"/staff/ideas/{idea.pk}/pilot/",
        {
            "title": "서구 복약 실증",
            "description": "8주 실증",
            "district": "seo_gu",
            "companies": [matched[0].company_id, other.pk],
        },
    )

    assert set(Pilot.objects.get().companies.values_list("name", flat=True)) == {"하하 돌봄", "가나 로봇"}


@pytest.mark.parametrize(
    ("language", "named"),
    [("ko", "기업: 기업을 한 곳 이상 선택해 주세요."), ("en", "Companies: Choose at least one company.")],
)
def test_no_company_ticked_is_named_at_the_group_and_in_the_summary(
    client, staff_user, idea, matched, language, named
):
    CompanyFactory(name="숨결링크")
    client.force_login(staff_user)
    client.cookies["django_language"] = language

    response = client.post(
        f"/staff/ideas/{idea.pk}/pilot/",
        {"title": "서구 복약 실증", "description": "8주 실증", "district": "seo_gu"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert not Pilot.objects.exists()
    # The summary at the top names the field and leads to the group of boxes.
    start = html.index('<div class="error-summary"')
    summary = html[start : html.index("</div>", start)]
    assert start < html.index('id="id_title"')
    assert f'<li><a href="#id_companies_group">{named}</a></li>' in summary
    # The error is the group's: under its legend, above the first box, not under the last company.
    group = html[html.index('<fieldset id="id_companies_group"') : html.index("</fieldset>")]
    message = named.split(": ", 1)[1]
    assert group.index("<legend>") < group.index(message) < group.index('type="checkbox"')
    assert group.index("숨결링크") > group.index(message)
    assert 'aria-describedby="id_companies_error"' in group
    assert "필수 항목입니다." not in html and "This field is required." not in html
