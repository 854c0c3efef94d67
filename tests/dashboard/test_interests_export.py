"""The company interests export carries the pilot proposal as the company filled it in, each part
under its own header."""

import csv
import io

import pytest

from tests.matching.factories import InterestFactory

pytestmark = pytest.mark.django_db


def _rows(client, language):
    client.cookies["django_language"] = language
    response = client.get("/api/v1/exports/interests.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def test_the_plan_data_needed_and_duration_each_have_their_column(staff_client):
    InterestFactory(
        proposal_plan="복약 디스펜서 30대를 8주 동안 설치합니다.",
        proposal_data_needed="복약 시각 기록",
        proposal_duration_weeks=8,
        message="복약 디스펜서 30대를 8주 동안 설치합니다.",
    )

    header, row = _rows(staff_client, "ko")
    cells = dict(zip(header, row, strict=True))

    assert header[3:7] == ["실증 계획", "필요한 데이터", "예상 기간(주)", "시에 전하는 메시지"]
    assert cells["실증 계획"] == "복약 디스펜서 30대를 8주 동안 설치합니다."
    assert cells["필요한 데이터"] == "복약 시각 기록"
    assert cells["예상 기간(주)"] == "8"
    # Sent from the page, the message is the plan itself: not repeated as a second text.
    assert cells["시에 전하는 메시지"] == ""
    assert _rows(staff_client, "en")[0][3:7] == [
        "what you would pilot",
        "data you would need",
        "rough duration in weeks",
        "message to the city",
    ]


def test_a_message_of_its_own_and_a_proposal_without_data_or_duration(staff_client):
    InterestFactory(
        proposal_plan="북구 30가구 실증",
        proposal_data_needed="",
        proposal_duration_weeks=None,
        message="담당자 연락처: 062-000-0000",
    )

    header, row = _rows(staff_client, "ko")
    cells = dict(zip(header, row, strict=True))

    assert cells["실증 계획"] == "북구 30가구 실증"
    assert cells["필요한 데이터"] == ""
    assert cells["예상 기간(주)"] == ""
    assert cells["시에 전하는 메시지"] == "담당자 연락처: 062-000-0000"
