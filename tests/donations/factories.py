"""A blood-pressure pilot ready to collect: carol's company runs it, erin volunteers and consents.

dave's company (other_company) is not in the pilot; bob is a citizen who never volunteered.
"""

from dataclasses import dataclass

from companies.models import Company
from donations import services as donation_services
from donations.models import DonationSource
from pilots.models import Pilot, PilotConsent, PilotDataRequest, PilotStage, PilotVolunteer
from tests.accounts.factories import UserFactory
from tests.pilots.factories import PilotFactory, VolunteerFactory

BLOOD_PRESSURE_FIELDS = [
    {"code": "systolic", "label": "수축기 혈압", "unit": "mmHg", "min": 50, "max": 250},
    {"code": "diastolic", "label": "이완기 혈압", "unit": "mmHg", "min": 30, "max": 150},
    {"code": "pulse", "label": "맥박", "unit": "bpm", "min": 30, "max": 220},
]
NORMAL_READING = {"systolic": 118, "diastolic": 76, "pulse": 68}
HIGH_READING = {"systolic": 162, "diastolic": 101, "pulse": 88}


@dataclass
class DonationPilot:
    pilot: Pilot
    data_request: PilotDataRequest
    volunteer: PilotVolunteer
    consent: PilotConsent


def blood_pressure_request(pilot: Pilot, *, by=None, code: str = "blood_pressure") -> PilotDataRequest:
    return donation_services.data_request_add(
        pilot=pilot,
        by=by or UserFactory(username=f"data-steward-{pilot.pk}", is_staff=True),
        category_code=code,
        category_label="혈압과 맥박",
        fields=BLOOD_PRESSURE_FIELDS,
        purpose="공원 건강측정소에서 혈압 변화를 실시간으로 분석해 알려 드리기 위해",
        retention_days=30,
    )


def donation_pilot(*, company: Company, volunteer_user=None, stage=PilotStage.RUNNING) -> DonationPilot:
    """A running pilot of `company` asking for blood pressure, with a volunteer who consented."""
    pilot = PilotFactory(stage=PilotStage.RECRUITING, companies=[company])
    data_request = blood_pressure_request(pilot)
    volunteer = VolunteerFactory(pilot=pilot, user=volunteer_user or UserFactory(username="erin"))
    consent = donation_services.consent_give(volunteer=volunteer, data_request=data_request)
    if stage != PilotStage.RECRUITING:
        Pilot.objects.filter(pk=pilot.pk).update(stage=stage)
        pilot.refresh_from_db()
    return DonationPilot(pilot=pilot, data_request=data_request, volunteer=volunteer, consent=consent)


def donate(setup: DonationPilot, *values: dict, source=DonationSource.UPLOAD):
    return donation_services.donation_store(
        volunteer=setup.volunteer,
        data_request=setup.data_request,
        readings=[donation_services.ReadingInput(values=v) for v in (values or [NORMAL_READING])],
        source=source,
    )
