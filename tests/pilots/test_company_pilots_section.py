"""A company's page and its matches page list the pilots it takes part in that the reader may
open, each linked with its stage: public pilots for everyone, those still in planning for city
staff only (nobody else may open them yet), cancelled ones for no one. Its members read the list
in the company's own voice; a company in no pilot shows no section."""

import re

import pytest
from django.test import Client

from core import page_cache
from matching.models import MatchStrength
from pilots import services
from pilots.models import PilotStage
from tests.matching.factories import MatchFactory

from .factories import PilotFactory

pytestmark = pytest.mark.django_db

SECTION = 'class="company-pilots"'


@pytest.fixture(autouse=True)
def _redis_answers(monkeypatch):
    # Another test may have left this process thinking Redis is down.
    monkeypatch.setattr(page_cache, "_down_until", 0.0)


@pytest.fixture
def pilots(company, other_company):
    return {
        "running": PilotFactory(stage=PilotStage.RUNNING, title="남구 낙상 감지 실증", companies=[company]),
        "recruiting": PilotFactory(
            stage=PilotStage.RECRUITING, title="북구 복약 알림 실증", companies=[company]
        ),
        "planning": PilotFactory(stage=PilotStage.PLANNING, title="서구 협의 중 실증", companies=[company]),
        "cancelled": PilotFactory(
            stage=PilotStage.CANCELLED,
            title="동구 취소된 실증",
            cancellation_reason="예산",
            companies=[company],
        ),
        "other": PilotFactory(
            stage=PilotStage.RUNNING, title="광산구 다른 기업 실증", companies=[other_company]
        ),
    }


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _section(html: str) -> str:
    start = html.find(SECTION)
    return "" if start < 0 else html[start : html.index("</section>", start)]


def _listed(section: str) -> list[str]:
    # A title written in Korean only is marked as such for a reader of English.
    return re.findall(r'<a href="/pilots/\d+/">(?:<span lang="ko">)?([^<]+)<', section)


@pytest.mark.parametrize("persona", ["anonymous", "alice", "dave"])
def test_anyone_sees_the_companys_public_pilots_on_its_page(persona, alice, dave, company, pilots):
    reader = {"anonymous": None, "alice": alice, "dave": dave}[persona]

    section = _section(_client(reader).get(f"/companies/{company.slug}/").content.decode())

    # Those a citizen can still join first, then those under way.
    assert _listed(section) == ["북구 복약 알림 실증", "남구 낙상 감지 실증"]
    assert f'href="/pilots/{pilots["running"].pk}/"' in section and "(Running)" in section
    assert "Pilots this company takes part in" in section
    # What the company reads on each pilot's page is its members' business.
    assert "how to read the data" not in section


def test_a_member_reads_the_list_as_their_companys_with_a_word_on_the_pilot_pages(carol, company, pilots):
    section = _section(_client(carol).get(f"/companies/{company.slug}/").content.decode())

    assert "Pilots we take part in" in section
    assert _listed(section) == ["북구 복약 알림 실증", "남구 낙상 감지 실증"]
    assert "how to read the data its volunteers donate" in section


def test_a_member_is_not_shown_a_pilot_in_planning_they_cannot_open(carol, company, pilots):
    client = _client(carol)

    section = _section(client.get(f"/companies/{company.slug}/").content.decode())

    assert "서구 협의 중 실증" not in section
    assert client.get(f"/pilots/{pilots['planning'].pk}/").status_code == 404


def test_city_staff_see_the_pilots_in_planning_too(staff_user, company, pilots):
    section = _section(_client(staff_user).get(f"/companies/{company.slug}/").content.decode())

    assert _listed(section) == ["북구 복약 알림 실증", "남구 낙상 감지 실증", "서구 협의 중 실증"]
    assert "(Planning)" in section


def test_a_company_in_no_pilot_shows_no_section(other_company, company):
    PilotFactory(stage=PilotStage.CANCELLED, cancellation_reason="예산", companies=[company])

    html = _client().get(f"/companies/{company.slug}/").content.decode()

    assert SECTION not in html


def test_the_korean_heading(company, pilots):
    client = _client()
    client.cookies["django_language"] = "ko"

    section = _section(client.get(f"/companies/{company.slug}/").content.decode())

    assert "참여 중인 실증" in section and "남구 낙상 감지 실증" in section


def test_the_matches_page_lists_them_for_members_and_staff(carol, staff_user, company, pilots):
    MatchFactory(company=company, rank_for_company=1, strength=MatchStrength.STRONG)

    for_member = _section(_client(carol).get(f"/companies/{company.slug}/matches/").content.decode())
    for_staff = _section(_client(staff_user).get(f"/companies/{company.slug}/matches/").content.decode())

    assert "Pilots we take part in" in for_member
    assert _listed(for_member) == ["북구 복약 알림 실증", "남구 낙상 감지 실증"]
    assert "Pilots this company takes part in" in for_staff
    assert _listed(for_staff) == ["북구 복약 알림 실증", "남구 낙상 감지 실증", "서구 협의 중 실증"]


def test_the_matches_page_keeps_staffs_list_from_members(carol, staff_user, company, pilots):
    # The list is kept with the cards: staff drawing it first must not show members a pilot in
    # planning.
    _client(staff_user).get(f"/companies/{company.slug}/matches/")

    section = _section(_client(carol).get(f"/companies/{company.slug}/matches/").content.decode())

    assert "서구 협의 중 실증" not in section


def test_a_pilot_going_public_shows_on_the_members_next_visit(carol, staff_user, company, pilots):
    client = _client(carol)
    client.get(f"/companies/{company.slug}/matches/")

    services.pilot_change_stage(pilot=pilots["planning"], by=staff_user, stage=PilotStage.RECRUITING)
    section = _section(client.get(f"/companies/{company.slug}/matches/").content.decode())

    assert "서구 협의 중 실증" in section
