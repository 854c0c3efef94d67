"""A company member finds their company's pilots on My page, under the company, and is not told
they take part in none: the section above it is about volunteering, which is another thing."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pilots.models import PilotStage
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, MembershipFactory
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db


def _my_companies(user, language: str) -> str:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    html = client.get("/me/").content.decode()
    section = html[html.index('id="my-companies"') :]
    return section[: section.index("</ul>")]


@pytest.mark.parametrize(
    ("language", "label", "empty"),
    [
        ("en", "Pilots we take part in", "You are not a volunteer in any pilot."),
        ("ko", "참여 중인 실증", "참여자로 등록한 실증 사업이 없습니다."),
    ],
)
def test_a_member_sees_the_pilots_of_their_company_under_it(language, label, empty):
    company = CompanyFactory(name="빛결메디칼AI")
    member = UserFactory()
    MembershipFactory(company=company, user=member)
    running = PilotFactory(title="남구 낙상 감지 실증", stage=PilotStage.RUNNING, companies=[company])
    PilotFactory(title="준비 중인 실증", stage=PilotStage.PLANNING, companies=[company])
    PilotFactory(title="다른 기업의 실증", stage=PilotStage.RUNNING, companies=[CompanyFactory()])

    section = _my_companies(member, language)

    assert label in section
    assert f'href="/pilots/{running.pk}/"' in section and "남구 낙상 감지 실증" in section
    # Only pilots the member may open: one in planning is the city's until it goes public.
    assert "준비 중인 실증" not in section and "다른 기업의 실증" not in section
    client = Client()
    client.force_login(member)
    client.cookies["django_language"] = language
    assert empty in client.get("/me/").content.decode()


def test_a_company_with_no_pilot_names_none():
    company = CompanyFactory()
    member = UserFactory()
    MembershipFactory(company=company, user=member)

    assert "Pilots we take part in" not in _my_companies(member, "en")


def test_each_company_lists_its_own_pilots_in_one_query_however_many_companies():
    member = UserFactory()
    companies = [CompanyFactory(name=f"기업 {n}") for n in range(3)]
    for n, company in enumerate(companies):
        MembershipFactory(company=company, user=member)
        PilotFactory(title=f"기업 {n}의 실증", stage=PilotStage.RUNNING, companies=[company])
    shared = PilotFactory(title="함께하는 실증", stage=PilotStage.RUNNING, companies=companies[:2])
    client = Client()
    client.force_login(member)
    client.cookies["django_language"] = "en"

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/me/").content.decode()
    section = html[html.index('id="my-companies"') :]
    items = section[: section.index("</ul>")].split("<li>")[1:]

    assert len(items) == 3
    for n, item in enumerate(items):
        assert f"기업 {n}의 실증" in item
        assert all(f"기업 {other}의 실증" not in item for other in range(3) if other != n)
        assert (f'href="/pilots/{shared.pk}/"' in item) == (n < 2)
    pilot_reads = [q["sql"] for q in queries.captured_queries if "pilot_companies" in q["sql"]]
    assert len(pilot_reads) == 1, pilot_reads
