"""The staff form that makes a pilot from an idea: the companies matched with the idea come first,
each with its strength and whether it said it is interested; every other company stays below. Each
group is a fieldset its legend names, so a screen reader reads its name with its boxes."""

from html.parser import HTMLParser

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
    group = html[html.index('<fieldset id="id_companies_group"') : html.rindex("</fieldset>")]
    message = named.split(": ", 1)[1]
    assert group.index("<legend>") < group.index(message) < group.index('type="checkbox"')
    assert group.index("숨결링크") > group.index(message)
    assert 'aria-describedby="id_companies_error"' in group
    assert "필수 항목입니다." not in html and "This field is required." not in html


class _Outline(HTMLParser):
    """What a screen reader names a page's fields by: each label, with the id it is `for` and
    whether a field is inside it; the ids of the fields; and each box to tick, by its value, with
    the fieldsets around it, outermost first, each as its id and its legend."""

    def __init__(self, html: str):
        super().__init__()
        self.labels: list[dict] = []
        self.field_ids: set[str] = set()
        self.boxes: dict[str, tuple[tuple[str, str], ...]] = {}
        self._fieldsets: list[list[str]] = []
        self._in_legend = False
        self._in_label = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset":
            self._fieldsets.append([attrs.get("id") or "", ""])
        elif tag == "legend":
            self._in_legend = True
        elif tag == "label":
            self._in_label = True
            self.labels.append({"for": attrs.get("for"), "holds_a_field": False})
        elif tag in ("input", "select", "textarea"):
            if self._in_label:
                self.labels[-1]["holds_a_field"] = True
            if attrs.get("id"):
                self.field_ids.add(attrs["id"])
            if attrs.get("type") == "checkbox":
                self.boxes[attrs["value"]] = tuple((id_, legend.strip()) for id_, legend in self._fieldsets)

    def handle_endtag(self, tag):
        if tag == "fieldset":
            self._fieldsets.pop()
        elif tag == "legend":
            self._in_legend = False
        elif tag == "label":
            self._in_label = False

    def handle_data(self, data):
        if self._in_legend:
            self._fieldsets[-1][1] += data


GROUP_LEGENDS = {
    "ko": ("기업", "이 아이디어와 매칭된 기업", "그 밖의 기업"),
    "en": ("companies", "Matched with this idea", "Other companies"),
}


@pytest.mark.parametrize("language", ["ko", "en"])
@pytest.mark.parametrize("refused", [False, True], ids=["opened", "refused"])
def test_each_group_of_companies_is_a_fieldset_its_legend_names_and_every_label_names_a_field(
    client, staff_user, idea, matched, language, refused
):
    strong, possible, weak = matched
    other = CompanyFactory(name="가나 로봇")
    client.force_login(staff_user)
    client.cookies["django_language"] = language
    url = f"/staff/ideas/{idea.pk}/pilot/"

    if refused:
        response = client.post(
            url, {"title": "서구 복약 실증", "description": "8주 실증", "district": "seo_gu"}
        )
        assert response.status_code == 400
    else:
        response = client.get(url)
    outline = _Outline(response.content.decode())

    # A group's name drawn as a label of no field is read out alone, as a label missing its field.
    assert [
        label
        for label in outline.labels
        if not label["holds_a_field"] and label["for"] not in outline.field_ids
    ] == []
    # Each box is read with its group's name, inside the field's own fieldset, which the error
    # summary's link leads to (its first box focused by site.js).
    field, matched_group, others_group = GROUP_LEGENDS[language]
    assert outline.boxes == {
        str(strong.company_id): (("id_companies_group", field), ("", matched_group)),
        str(possible.company_id): (("id_companies_group", field), ("", matched_group)),
        str(weak.company_id): (("id_companies_group", field), ("", others_group)),
        str(other.pk): (("id_companies_group", field), ("", others_group)),
    }
