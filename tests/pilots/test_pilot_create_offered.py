"""Staff are offered "Create a pilot" only for an idea a pilot can be made from: published,
matched or in pilot, and not hidden. The create page of any other idea says why at once, instead
of refusing the form once staff have filled it in."""

import pytest

from ideas.models import IdeaStatus
from pilots.models import Pilot
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db

CREATE_LINK = "Create a pilot</a>"


def _idea(kind: str):
    if kind == "hidden":
        return IdeaFactory(status=IdeaStatus.PUBLISHED, is_hidden=True)
    if kind == "merged":
        return IdeaFactory(status=IdeaStatus.MERGED, merged_into=IdeaFactory())
    return IdeaFactory(status=kind)


@pytest.fixture
def staff(client, staff_user):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("status", [IdeaStatus.PUBLISHED, IdeaStatus.MATCHED, IdeaStatus.IN_PILOT])
def test_a_pilotable_idea_offers_the_button_and_its_form(staff, status):
    idea = _idea(status)

    idea_page = staff.get(f"/ideas/{idea.pk}/").content.decode()
    create_page = staff.get(f"/staff/ideas/{idea.pk}/pilot/")

    assert f'href="/staff/ideas/{idea.pk}/pilot/"' in idea_page and CREATE_LINK in idea_page
    assert create_page.status_code == 200
    assert "Create the pilot</button>" in create_page.content.decode()


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        (IdeaStatus.COMPLETED, "This idea's pilot is completed: no new pilot can be made from it."),
        ("hidden", "This idea is hidden: restore it before making a pilot from it."),
        ("merged", "This idea was merged into another: make the pilot from that idea."),
        (IdeaStatus.SUBMITTED, "Only a published idea can become a pilot."),
        (IdeaStatus.REJECTED, "Only a published idea can become a pilot."),
    ],
)
def test_any_other_idea_offers_no_button_and_its_create_page_says_why(staff, kind, reason):
    idea = _idea(kind)

    idea_page = staff.get(f"/ideas/{idea.pk}/").content.decode()
    create_page = staff.get(f"/staff/ideas/{idea.pk}/pilot/")

    assert f'href="/staff/ideas/{idea.pk}/pilot/"' not in idea_page and CREATE_LINK not in idea_page
    html = create_page.content.decode()
    assert create_page.status_code == 200
    assert f'<p class="errorlist" role="alert">{reason}</p>'.replace("'", "&#x27;") in html
    assert "Create the pilot</button>" not in html and 'name="title"' not in html
    assert f'href="/ideas/{idea.pk}/"' in html


def test_a_form_sent_for_a_completed_idea_is_refused_with_the_reason_and_makes_nothing(staff, company):
    idea = _idea(IdeaStatus.COMPLETED)

    response = staff.post(
        f"/staff/ideas/{idea.pk}/pilot/",
        {"title": "다시 하는 실증", "description": "8주", "district": "buk_gu", "companies": [company.pk]},
    )

    assert response.status_code == 409
    assert "no new pilot can be made from it" in response.content.decode()
    assert not Pilot.objects.exists()


def test_the_reason_is_in_korean_by_default(client, staff_user):
    idea = _idea(IdeaStatus.COMPLETED)
    client.force_login(staff_user)

    html = client.get(f"/staff/ideas/{idea.pk}/pilot/").content.decode()

    assert "실증이 완료된 아이디어" in html


def test_citizens_are_offered_no_button(client, bob):
    idea = _idea(IdeaStatus.PUBLISHED)
    client.force_login(bob)

    assert CREATE_LINK not in client.get(f"/ideas/{idea.pk}/").content.decode()
    assert client.get(f"/staff/ideas/{idea.pk}/pilot/").status_code == 403


def test_the_create_page_of_an_idea_that_does_not_exist_is_not_found(staff):
    assert staff.get("/staff/ideas/999999/pilot/").status_code == 404
