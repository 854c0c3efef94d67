"""The "Create the pilot" form sent twice (a double click, the back button) makes one pilot: the
second send lands on the pilot the first one made. The same pilot made again on purpose later,
by someone else or with other text, is made."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from core.errors import ApplicationError
from ideas.models import Idea
from pilots import services
from pilots.models import Pilot
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory
from tests.concurrency import second_while_first_is_open
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db

FORM = {"title": "서구 복약 실증", "description": "8주 동안 복약률을 봅니다.", "district": "seo_gu"}


@pytest.fixture
def company():
    return CompanyFactory(name="하하 돌봄")


def _create(client, idea, company, **changes):
    return client.post(f"/staff/ideas/{idea.pk}/pilot/", {**FORM, "companies": [company.pk], **changes})


def test_the_create_form_sent_twice_makes_one_pilot_and_lands_on_it(client, staff_user, idea, company):
    client.force_login(staff_user)
    client.cookies["django_language"] = "ko"

    first = _create(client, idea, company)
    second = _create(client, idea, company)

    pilot = Pilot.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/pilots/{pilot.pk}/"
    assert AuditEntry.objects.filter(action="pilot_create").count() == 1
    page = client.get(second["Location"]).content.decode()
    assert page.count("실증 사업을 만들었습니다. 지금은 기획 단계입니다.") == 1


def test_the_service_refuses_the_same_pilot_made_again_a_moment_later(staff_user, idea, company):
    args = {"by": staff_user, "companies": [company], **FORM}
    services.pilot_create(idea=Idea.objects.get(pk=idea.pk), **args)

    with pytest.raises(ApplicationError) as refused:
        services.pilot_create(idea=Idea.objects.get(pk=idea.pk), **args)

    assert refused.value.code == "repeated_submission"
    assert Pilot.objects.count() == 1


def test_the_api_answers_a_repeat_with_409(api, staff_user, idea, company):
    payload = {"idea": idea.pk, "companies": [company.slug], **FORM}

    first = api(staff_user).post("/api/v1/pilots/", payload, format="json")
    again = api(staff_user).post("/api/v1/pilots/", payload, format="json")

    assert (first.status_code, again.status_code) == (201, 409)
    assert again.json()["error"]["code"] == "repeated_submission"
    assert Pilot.objects.count() == 1


@pytest.mark.parametrize(
    "change",
    [{"title": "서구 복약 실증 2기"}, {"description": "12주 동안 봅니다."}, {"venue": "서구 보건소"}],
)
def test_another_text_is_another_pilot(client, staff_user, idea, company, change):
    client.force_login(staff_user)

    _create(client, idea, company)
    _create(client, idea, company, **change)

    assert Pilot.objects.count() == 2


def test_other_companies_another_idea_another_person_or_a_later_time_are_other_pilots(
    client, staff_user, idea, company
):
    client.force_login(staff_user)
    _create(client, idea, company)

    _create(client, idea, CompanyFactory())
    _create(client, IdeaFactory(), company)
    colleague = UserFactory(is_staff=True)
    client.force_login(colleague)
    _create(client, idea, company)
    Pilot.objects.update(created_at=timezone.now() - timedelta(minutes=3))
    client.force_login(staff_user)
    _create(client, idea, company)

    assert Pilot.objects.count() == 5
    assert Pilot.objects.filter(idea=idea, created_by=staff_user, companies=company).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_sends_at_once_make_one_pilot():
    """The second send waits for the first on the idea's row, then finds its pilot."""
    staff = UserFactory(is_staff=True)
    idea, company = IdeaFactory(), CompanyFactory()

    def create():
        services.pilot_create(by=staff, idea=Idea.objects.get(pk=idea.pk), companies=[company], **FORM)

    outcome = second_while_first_is_open(create, create)

    assert not outcome.errors, outcome.errors
    assert [refusal.code for refusal in outcome.refusals] == ["repeated_submission"]
    assert Pilot.objects.count() == 1
