"""Factories for interest, pilots, volunteers and consents, and the pilot personas.

The pilot personas extend the shared ones (tests/conftest.py) with a volunteer: erin takes part
in the pilot made from alice's idea with carol's company; dave's company is not in it.
"""

import datetime

import factory
from django.utils import timezone

from donations import services as donation_services
from pilots.models import CLOSED_STAGES, Pilot, PilotMilestone, PilotStage, PilotVolunteer
from tests.accounts.factories import UserFactory
from tests.conftest import PERSONAS
from tests.ideas.factories import IdeaFactory

PILOT_PERSONAS = (*PERSONAS, "volunteer")


class PilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pilot
        skip_postgeneration_save = True

    idea = factory.SubFactory(IdeaFactory)
    title = factory.Sequence(lambda n: f"북구 복약 알림 실증 {n}")
    description = "독거 어르신 30가구에 복약 디스펜서를 설치해 8주 동안 복약률을 봅니다."
    district = factory.SelfAttribute("idea.district")
    venue = "북구 보건소"
    stage = PilotStage.RECRUITING
    went_public_at = factory.LazyAttribute(
        lambda pilot: None if pilot.stage == PilotStage.PLANNING else timezone.now()
    )
    closed_at = factory.LazyAttribute(lambda pilot: timezone.now() if pilot.stage in CLOSED_STAGES else None)

    @factory.post_generation
    def companies(self, create, extracted, **kwargs):
        if create and extracted:
            self.companies.set(extracted)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotMilestone

    pilot = factory.SubFactory(PilotFactory)
    title = factory.Sequence(lambda n: f"단계 {n}")
    due_date = datetime.date(2026, 6, 1)
    is_done = False


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotVolunteer

    pilot = factory.SubFactory(PilotFactory)
    user = factory.SubFactory(UserFactory)
    share_identity = False


def data_request(
    pilot: Pilot, *, code: str = "blood_pressure", label: str = "혈압", by=None, recipient_companies=None
):
    """Made through the service, so the consent text is the one the product writes; every company
    of the pilot receives the data unless `recipient_companies` are named."""
    return donation_services.data_request_add(
        pilot=pilot,
        by=by or UserFactory(username="data-steward", is_staff=True),
        category_code=code,
        category_label=label,
        purpose="복약 후 혈압 변화를 보기 위해",
        fields=[{"code": "systolic", "label": "수축기", "unit": "mmHg", "min": 50, "max": 250}],
        recipient="빛고을케어",
        recipient_companies=recipient_companies,
        retention_days=90,
    )


def pilot_personas(personas: dict, pilot: Pilot) -> dict:
    """The shared personas plus erin, who volunteers for `pilot`."""
    erin = UserFactory(username="erin")
    VolunteerFactory(pilot=pilot, user=erin)
    return {**personas, "volunteer": erin}
