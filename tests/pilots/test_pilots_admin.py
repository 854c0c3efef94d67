"""The Django admin shows pilots to staff and keeps consents read only."""

import pytest

from pilots.models import PilotConsent
from tests.accounts.factories import UserFactory
from tests.pilots.factories import MilestoneFactory, PilotFactory, VolunteerFactory, data_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_staff_browse_pilots_and_consents_in_the_admin(admin_client, company):
    pilot = PilotFactory(companies=[company])
    MilestoneFactory(pilot=pilot)
    consent = PilotConsent.objects.create(
        volunteer=VolunteerFactory(pilot=pilot), data_request=data_request(pilot), consent_text="동의합니다."
    )

    pages = [
        admin_client.get("/admin/pilots/pilot/"),
        admin_client.get(f"/admin/pilots/pilot/{pilot.pk}/change/"),
        admin_client.get("/admin/pilots/pilotconsent/"),
        admin_client.get(f"/admin/pilots/pilotconsent/{consent.pk}/change/"),
    ]
    delete = admin_client.post(f"/admin/pilots/pilotconsent/{consent.pk}/delete/", {"post": "yes"})

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert pilot.title in pages[0].content.decode()
    assert delete.status_code == 403
    assert PilotConsent.objects.filter(pk=consent.pk).exists()
