"""A registered station for the donation pilot, the clients a station holds, and the pilots the
stations' staff tests run on."""

import pytest
from rest_framework.test import APIClient

from donations import services as donation_services
from pilots.models import Pilot, PilotStage
from tests.accounts.factories import UserFactory
from tests.pilots.factories import PilotFactory, pilot_personas


@pytest.fixture
def pilot(idea, company):
    return PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)


@pytest.fixture
def other_pilot(other_company):
    return PilotFactory(companies=[other_company], stage=PilotStage.RUNNING)


@pytest.fixture
def everyone(personas, pilot, other_pilot):
    return pilot_personas(personas, pilot)


def register_station(pilot: Pilot, *, name: str = "운천저수지 공원 2번 출입구", name_en: str = ""):
    staff = UserFactory(username=f"station-staff-{pilot.pk}-{name[:6]}", is_staff=True)
    return donation_services.station_register(pilot=pilot, by=staff, name=name, name_en=name_en)


def station_client(key: str, language: str = "ko") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Station {key}")
    # A default, not a credential: credentials override what a single call passes.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client
