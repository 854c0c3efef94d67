"""English counts the people who support an idea, "8 supporters" ("1 supporter"), never "8
supports"; Korean keeps 공감 N개. The staff dashboard and the ideas export say the same."""

import csv
import io

import pytest
from django.test import Client

from tests.accounts.factories import UserFactory
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def _supported(title: str, count: int):
    idea = IdeaFactory(title=title)
    for _ in range(count):
        idea.supports.create(user=UserFactory())
    return idea


@pytest.mark.parametrize(
    ("language", "one", "two"),
    [("ko", "공감 1개", "공감 2개"), ("en", "1 supporter", "2 supporters")],
)
def test_the_idea_cards_count_supporters(client, language, one, two):
    _supported("버스 정류장 안내", 1)
    _supported("약 먹을 시간 알림", 2)
    client.cookies["django_language"] = language

    html = client.get("/ideas/").content.decode()

    assert f'<span class="meta-item">{one}</span>' in html
    assert f'<span class="meta-item">{two}</span>' in html
    assert " supports<" not in html and " support<" not in html


@pytest.mark.parametrize(
    ("language", "card", "column"),
    [("ko", "공감", "공감"), ("en", "times ideas were supported", "supporters")],
)
def test_the_dashboard_and_the_export_do_not_say_supports(api, staff_user, language, card, column):
    _supported("버스 정류장 안내", 2)
    client = Client()
    client.force_login(staff_user)
    client.cookies["django_language"] = language

    html = client.get("/staff/dashboard/").content.decode()
    exported = client.get("/api/v1/exports/ideas.csv").content.decode("utf-8-sig")

    assert f'<div class="figure">2</div>{card}</div>' in html
    header = next(csv.reader(io.StringIO(exported)))
    assert column in header and "supports" not in header
