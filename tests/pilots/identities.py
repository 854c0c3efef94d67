"""A pilot of three companies whose two data requests each go to one company, and a third company
that receives none: what the names endpoint and its read records are tested on. Imported by the
tests that use these fixtures."""

import pytest

from pilots.models import PilotStage
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, MembershipFactory
from tests.pilots.factories import PilotFactory, data_request


@pytest.fixture
def bystander_company():
    """A company of the pilot that receives none of its data."""
    company = CompanyFactory(name="서석데이터", slug="seoseok-data")
    MembershipFactory(company=company, user=UserFactory(username="fay"))
    return company


@pytest.fixture
def pilot(idea, company, other_company, bystander_company):
    return PilotFactory(
        idea=idea, companies=[company, other_company, bystander_company], stage=PilotStage.RECRUITING
    )


@pytest.fixture
def requests(pilot, company, other_company):
    return {
        "blood_pressure": data_request(pilot, recipient_companies=[company]),
        "heart_rate": data_request(
            pilot, code="heart_rate", label="심박수", recipient_companies=[other_company]
        ),
    }
