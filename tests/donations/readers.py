"""Who reads a donation pilot's data, for the company-facing endpoints' permission matrix.

On top of the shared personas (tests/conftest.py): erin volunteers and donates; frank is a member
of a company that joined the pilot after its blood-pressure request was made, so it is in the
pilot but does not receive that data; dave's company runs another pilot.
"""

from pilots.models import PilotStage
from tests.accounts.factories import UserFactory
from tests.companies.factories import CompanyFactory, MembershipFactory
from tests.pilots.factories import PilotFactory

from .factories import DonationPilot

READER_PERSONAS = (
    "anonymous",
    "citizen",
    "volunteer",
    "company_member",
    "non_recipient_member",
    "other_company_member",
    "staff",
)
# Only the members of a company that receives the data read it or answer its donors; staff see
# counts on their own pages, never values.
ONLY_THE_RECIPIENT = {persona: 403 for persona in READER_PERSONAS}


def add_non_recipient_company(setup: DonationPilot):
    frank = UserFactory(username="frank")
    bystander = CompanyFactory(name="서창데이터", slug="seochang-data")
    MembershipFactory(company=bystander, user=frank)
    setup.pilot.companies.add(bystander)
    return bystander


def reader_personas(personas: dict, setup: DonationPilot) -> dict:
    add_non_recipient_company(setup)
    dave = personas["other_company_member"]
    # dave's company runs a pilot of its own: that gives it nothing in this one.
    PilotFactory(stage=PilotStage.RUNNING, companies=[dave.memberships.get().company])
    return {
        "anonymous": None,
        "citizen": personas["other_citizen"],
        "volunteer": setup.volunteer.user,
        "company_member": personas["company_member"],
        "non_recipient_member": UserFactory(username="frank"),
        "other_company_member": personas["other_company_member"],
        "staff": personas["staff"],
    }
