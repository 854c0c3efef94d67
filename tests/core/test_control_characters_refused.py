"""Fields of one line refuse line breaks and control characters, texts of several lines refuse
control characters but keep their line breaks: through the API, the pages and the admin alike."""

import pytest
from django.forms import modelform_factory

from accounts.models import User
from companies.models import Company
from ideas.models import Idea
from pilots.models import Pilot, PilotDataRequest
from tests.ideas.test_idea_submit import VALID as IDEA
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

ONE_LINE_KO = "줄바꿈, 탭, 그 밖의 제어 문자 없이 한 줄로 입력해 주세요."
TEXT_KO = "보이지 않는 제어 문자를 지워 주세요. 줄바꿈과 탭은 쓸 수 있습니다."


@pytest.mark.parametrize(
    "title", ["버스 정류장\n알림 서비스", "버스 정류장 \x1b[31m알림", "버스 정류장 알림\x07"]
)
def test_an_idea_title_with_a_line_break_or_control_character_is_refused(api, alice, title):
    response = api(alice).post("/api/v1/ideas/", {**IDEA, "title": title})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["title"] == [ONE_LINE_KO]
    assert not Idea.objects.exists()


def test_an_idea_text_keeps_its_line_breaks_but_not_control_characters(api, alice):
    refused = api(alice).post("/api/v1/ideas/", {**IDEA, "problem": IDEA["problem"] + "\x1b[2J"})
    accepted = api(alice).post("/api/v1/ideas/", {**IDEA, "problem": "첫째,\n\t" + IDEA["problem"]})

    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["problem"] == [TEXT_KO]
    assert accepted.status_code == 201
    assert Idea.objects.get().problem == "첫째,\n\t" + IDEA["problem"]


def test_the_idea_page_shows_the_refusal_next_to_the_title(client, alice):
    client.force_login(alice)

    response = client.post("/ideas/new/", {**IDEA, "title": "버스 정류장\x1b 알림"})

    assert response.status_code == 200
    assert ONE_LINE_KO in response.content.decode()
    assert response.context["form"].errors["title"] == [ONE_LINE_KO]
    assert not Idea.objects.exists()


def test_the_admin_refuses_a_title_with_a_line_break(idea):
    # The admin's change form is a ModelForm, which runs the model field's validators.
    form = modelform_factory(Idea, fields=["title"])({"title": "관리자가\n고친 제목"}, instance=idea)

    assert not form.is_valid()
    assert form.errors["title"] == [ONE_LINE_KO]


def test_a_company_name_and_technology_refuse_control_characters(api, bob):
    # Line breaks inside a technology tag are folded into spaces; other controls are refused.
    profile = {"name": "무등\x1b케어", "summary": "돌봄 로봇", "technologies": ["speech\x1brecognition"]}

    response = api(bob).post("/api/v1/companies/", profile)

    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert fields["name"] == [ONE_LINE_KO]
    assert any(ONE_LINE_KO in message for message in fields["technologies"])
    assert not Company.objects.filter(summary="돌봄 로봇").exists()


def test_a_pilot_venue_refuses_a_bell_character(api, staff_user, company):
    pilot = PilotFactory(companies=[company])

    response = api(staff_user).patch(f"/api/v1/pilots/{pilot.pk}/", {"venue": "북구 보건소\x07"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["venue"] == [ONE_LINE_KO]
    assert Pilot.objects.get(pk=pilot.pk).venue == "북구 보건소"


def test_a_data_request_label_refuses_a_line_break(api, staff_user, company):
    pilot = PilotFactory(companies=[company])

    response = api(staff_user).post(
        f"/api/v1/pilots/{pilot.pk}/data-requests/",
        {
            "category_code": "heart_rate",
            "category_label": "심박수\n(분당)",
            "purpose": "운동 전후 심박 변화를 보기 위해",
            "recipient": "광주헬스랩",
            "retention_days": 30,
        },
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["category_label"] == [ONE_LINE_KO]
    assert not PilotDataRequest.objects.exists()


def test_a_display_name_refuses_control_characters_on_the_api_and_the_page(api, client):
    account = {"username": "minji", "password": "빛고을-산책-2026", "display_name": "민지\x1b[2J"}

    response = api().post("/api/v1/auth/signup/", account)
    page = client.post("/accounts/signup/", account)

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["display_name"] == [ONE_LINE_KO]
    assert page.status_code == 200
    assert page.context["form"].errors["display_name"] == [ONE_LINE_KO]
    assert not User.objects.filter(username="minji").exists()
