"""The CSV exports as staff read them: Korea time with its offset, every header in the staff
member's language, and the idea's own words."""

import csv
import datetime
import io

import pytest

from ideas.models import Idea
from pilots.models import Pilot
from tests.conftest import PERSONAS, client_for
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import InterestFactory
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

EXPORTS = ["ideas", "matches", "interests", "pilots"]
# 08:00 UTC is 17:00 in Gwangju.
MOMENT = datetime.datetime(2026, 11, 29, 8, 0, tzinfo=datetime.UTC)
KOREA_TIME = "2026-11-29T17:00:00+09:00"


def _rows(client, name, language="ko"):
    client.cookies["django_language"] = language
    response = client.get(f"/api/v1/exports/{name}.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_pilots_export_is_for_staff_only(personas, persona):
    response = client_for(personas[persona]).get("/api/v1/exports/pilots.csv")

    assert response.status_code == (200 if persona == "staff" else 403)
    assert response["Content-Type"].startswith("text/csv" if persona == "staff" else "application/json")


def test_times_are_korea_time_with_the_offset(staff_client):
    idea = IdeaFactory()
    Idea.objects.filter(pk=idea.pk).update(created_at=MOMENT, published_at=MOMENT)
    pilot = PilotFactory()
    Pilot.objects.filter(pk=pilot.pk).update(created_at=MOMENT)
    InterestFactory(feedback_at=MOMENT)

    ideas = _rows(staff_client, "ideas")
    pilots = _rows(staff_client, "pilots")
    interests = _rows(staff_client, "interests")

    row = next(r for r in ideas if r[0] == str(idea.pk))
    assert row[-2:] == [KOREA_TIME, KOREA_TIME]
    assert next(r for r in pilots if r[0] == str(pilot.pk))[-1] == KOREA_TIME
    assert interests[1][-1] == KOREA_TIME


def test_the_ideas_export_has_the_problem_and_the_proposal(staff_client):
    IdeaFactory(
        title="공원 혈압 측정",
        problem="산책하면서 혈압을 재고 싶어요.\n보건소는 평일에만 열어요.",
        proposal="공원에 있는 측정기가 결과를 알려 주면 좋겠어요.",
    )

    header, row = _rows(staff_client, "ideas")

    assert header[:4] == ["ID", "제목", "문제", "AI가 할 수 있는 일"]
    assert row[2] == "산책하면서 혈압을 재고 싶어요.\n보건소는 평일에만 열어요."
    assert row[3] == "공원에 있는 측정기가 결과를 알려 주면 좋겠어요."


@pytest.mark.parametrize("name", EXPORTS)
def test_headers_are_all_in_the_staff_members_language(staff_client, name):
    InterestFactory(idea=IdeaFactory(), company__name="빛고을케어")
    PilotFactory()

    korean = _rows(staff_client, name, "ko")[0]
    english = _rows(staff_client, name, "en")[0]

    # Every header but the "ID" that both languages share is translated, none left in code.
    assert all(any("가" <= ch <= "힣" for ch in cell) for cell in korean if cell != "ID")
    assert not any("_" in cell for cell in korean + english)
    assert not any(any("가" <= ch <= "힣" for ch in cell) for cell in english)
    assert len(korean) == len(english)


def test_the_pilots_export_has_the_title_in_korean_and_in_english(staff_client):
    english = PilotFactory(title="공원 혈압 실증", title_en="Blood pressure in the park")
    korean_only = PilotFactory(title="복약 알림 실증")

    for language in ("ko", "en"):
        header, *rows = _rows(staff_client, "pilots", language)
        titles = {row[0]: row[1:3] for row in rows}

        assert header[1:3] == (["제목", "제목 (영어)"] if language == "ko" else ["title", "title in English"])
        assert titles[str(english.pk)] == ["공원 혈압 실증", "Blood pressure in the park"]
        assert titles[str(korean_only.pk)] == ["복약 알림 실증", ""]


def test_the_pilots_export_has_the_venue_in_korean_and_in_english(staff_client):
    english = PilotFactory(venue="중외공원 건강측정소", venue_en="Jungoe Park health station")
    korean_only = PilotFactory(venue="북구 보건소")

    for language in ("ko", "en"):
        header, *rows = _rows(staff_client, "pilots", language)
        venues = {row[0]: row[8:10] for row in rows}

        expected = ["장소", "장소 (영어)"] if language == "ko" else ["venue", "venue in English"]
        assert header[8:10] == expected
        assert venues[str(english.pk)] == ["중외공원 건강측정소", "Jungoe Park health station"]
        assert venues[str(korean_only.pk)] == ["북구 보건소", ""]
