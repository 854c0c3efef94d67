"""After consenting on the pilot's page, the volunteer is led straight to donating: at a station if
there is one, and by file, whose form is on My donations."""

import re

import pytest

from pilots.models import Pilot, PilotConsent, PilotStage
from tests.accounts.factories import UserFactory
from tests.pilots.factories import PilotFactory, VolunteerFactory

from .factories import blood_pressure_request, donation_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilot(company):
    """A recruiting pilot with no station, asking for blood pressure."""
    pilot = PilotFactory(stage=PilotStage.RECRUITING, companies=[company])
    blood_pressure_request(pilot)
    return pilot


@pytest.fixture
def volunteer(pilot):
    return VolunteerFactory(pilot=pilot, user=UserFactory(username="frank"))


def _consent(client, pilot, volunteer):
    client.force_login(volunteer.user)
    data_request = pilot.data_requests.get()
    return client.post(
        f"/pilots/{pilot.pk}/participation/",
        {"action": "consent", "data_request": data_request.pk, "agree": "on", "consent_language": "ko"},
        follow=True,
    )


def _links(page: str, text: str) -> list[str]:
    return re.findall(rf'<a[^>]*href="([^"]+)"[^>]*>{re.escape(text)}</a>', page)


@pytest.mark.parametrize(
    ("language", "recorded", "by_file", "my_donations"),
    [
        (
            "ko",
            "동의가 기록되었습니다.",
            "파일로 기부하기",
            "내 데이터 기부: 파일로 기부, 기부한 데이터, 열람 기록, 받은 결과",
        ),
        (
            "en",
            "Your consent was recorded.",
            "Donate by file",
            "My donations: donating by file, what I gave, who read it, my results",
        ),
    ],
)
def test_consenting_leads_to_the_file_upload_of_that_data(
    client, pilot, volunteer, language, recorded, by_file, my_donations
):
    client.cookies["django_language"] = language
    data_request = pilot.data_requests.get()

    response = _consent(client, pilot, volunteer)

    assert PilotConsent.objects.filter(volunteer=volunteer, data_request=data_request).exists()
    page = response.content.decode()
    upload = f"/me/donations/#upload-{data_request.pk}"
    # In the success message, and again under the consent summary.
    [message] = re.findall(r'<ul class="messages">.*?</ul>', page, re.S)
    assert recorded in message and _links(message, by_file) == [upload]
    assert _links(page, by_file) == [upload, upload]
    assert page.index('class="consent-summary"') < page.rindex(upload)
    assert _links(page, my_donations) == [f"/me/donations/#pilot-{pilot.pk}"]
    # Where the link leads: the upload form of that data request.
    my_page = client.get("/me/donations/").content.decode()
    action = f"/me/donations/{pilot.pk}/{data_request.pk}/upload/"
    assert re.search(rf'<form class="upload" id="upload-{data_request.pk}"[^>]*action="{action}"', my_page)


def test_with_several_kinds_of_data_each_upload_is_named(client, pilot, volunteer):
    second = blood_pressure_request(pilot, code="blood_pressure_evening")
    second.category_label = "저녁 혈압"
    second.save(update_fields=["category_label"])
    first = pilot.data_requests.exclude(pk=second.pk).get()
    client.force_login(volunteer.user)
    for data_request in (first, second):
        client.post(
            f"/pilots/{pilot.pk}/participation/",
            {"action": "consent", "data_request": data_request.pk, "agree": "on"},
        )

    page = client.get(f"/pilots/{pilot.pk}/").content.decode()

    assert _links(page, "파일로 기부하기: 혈압과 맥박") == [f"/me/donations/#upload-{first.pk}"]
    assert _links(page, "파일로 기부하기: 저녁 혈압") == [f"/me/donations/#upload-{second.pk}"]


def test_before_consenting_no_upload_is_offered(client, pilot, volunteer):
    client.force_login(volunteer.user)

    page = client.get(f"/pilots/{pilot.pk}/").content.decode()

    assert "파일로 기부하기" not in page
    assert "내 데이터 기부: 기부한 데이터, 열람 기록, 받은 결과" in page


def test_a_pilot_no_longer_collecting_offers_no_upload(client, company):
    setup = donation_pilot(company=company)
    Pilot.objects.filter(pk=setup.pilot.pk).update(stage=PilotStage.COMPLETED)
    client.force_login(setup.volunteer.user)

    page = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()

    assert "파일로 기부하기" not in page and "#upload-" not in page
