"""A pilot's card says the same on the pilot list as on the home page: how far it has come and
how many take part, in words ("50% done · 2 volunteers"), and which companies run it; never a
bare bar with a number beside it and no label."""

import re

import pytest

from pilots.models import PilotStage
from tests.companies.factories import CompanyFactory
from tests.pilots.factories import MilestoneFactory, PilotFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(company):
    pilot = PilotFactory(companies=[company], stage=PilotStage.RUNNING, title="서구 복약 알림 실증")
    MilestoneFactory(pilot=pilot, is_done=True)
    MilestoneFactory(pilot=pilot, is_done=False)
    VolunteerFactory.create_batch(2, pilot=pilot)
    return pilot


def _card(client, path: str, pilot, language: str) -> str:
    client.cookies["django_language"] = language
    html = client.get(path).content.decode()
    start = html.index(pilot.title)
    return html[start : html.index("</li>", start)]


def _meta(card: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", line) for line in re.findall(r'<p class="meta[^"]*">(.*?)</p>', card)]


@pytest.mark.parametrize(
    ("language", "figures", "companies"),
    [("en", "50% done · 2 volunteers", "Company taking part"), ("ko", "50% 완료 · 참여자 2명", "참여 기업")],
)
def test_the_list_card_says_what_the_home_card_says(client, running, company, language, figures, companies):
    listed = _card(client, "/pilots/", running, language)
    home = _card(client, "/", running, language)

    assert "<progress" not in listed
    # The companies named as such: a lone name in grey says nothing of what it is.
    assert figures in _meta(listed) and f"{companies}: {company.name}" in _meta(listed)
    assert _meta(listed)[-2:] == _meta(home)[-2:]


def _progress(client, pilot, language: str) -> str:
    client.cookies["django_language"] = language
    html = client.get(f"/pilots/{pilot.pk}/").content.decode()
    found = re.search(r'<p class="(?:meta )?pilot-progress">.*?</p>', html)
    assert found, "the page says nothing of the pilot's progress"
    return found.group(0)


@pytest.mark.parametrize(
    ("language", "words"), [("en", "1 of 2 milestones done"), ("ko", "단계 목표 2개 중 1개 완료")]
)
def test_the_pilot_page_counts_its_progress_in_milestones(client, running, language, words):
    progress = _progress(client, running, language)

    assert f'<label for="pilot-progress">{words}</label> <progress id="pilot-progress"' in progress


@pytest.mark.parametrize(
    ("language", "words"), [("en", "0 of 1 milestone done"), ("ko", "단계 목표 1개 중 0개 완료")]
)
def test_a_recruiting_pilot_counts_the_milestones_ahead_not_0_percent(client, company, language, words):
    recruiting = PilotFactory(companies=[company], stage=PilotStage.RECRUITING)
    MilestoneFactory(pilot=recruiting, is_done=False)

    progress = _progress(client, recruiting, language)

    assert f'<label for="pilot-progress">{words}</label>' in progress
    assert "0%" not in re.sub(r"<progress.*?</progress>", "", progress)


@pytest.mark.parametrize(
    ("language", "stage", "words"),
    [
        ("en", PilotStage.RUNNING, "No milestones yet to measure progress by."),
        ("ko", PilotStage.RUNNING, "아직 진행률을 셀 단계 목표가 없습니다."),
        ("en", PilotStage.COMPLETED, "No milestones to measure progress by."),
        ("ko", PilotStage.COMPLETED, "진행률을 셀 단계 목표가 없습니다."),
    ],
)
def test_a_pilot_without_milestones_says_so_rather_than_0_percent(client, company, language, stage, words):
    pilot = PilotFactory(companies=[company], stage=stage)

    client.cookies["django_language"] = language
    html = client.get(f"/pilots/{pilot.pk}/").content.decode()

    # Said once, where the milestones would be, not again under the title.
    assert "pilot-progress" not in html and "<progress" not in html
    assert html.count(words) == 1
    assert re.search(rf'<h2>[^<]+</h2>\s*<p class="empty">{re.escape(words)}</p>', html)


@pytest.mark.parametrize(("language", "label"), [("en", "Companies taking part"), ("ko", "참여 기업")])
def test_a_card_names_several_companies_under_one_label(client, running, language, label):
    other = CompanyFactory(name="숨결링크")
    running.companies.add(other)

    listed = _card(client, "/pilots/", running, language)

    line = _meta(listed)[-1]
    assert line.startswith(f"{label}: ") and line.count(label) == 1
    assert sorted(line.removeprefix(f"{label}: ").split(", ")) == sorted(
        c.name for c in running.companies.all()
    )
