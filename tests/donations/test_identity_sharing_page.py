"""A volunteer turns sharing their name and email with the pilot's companies on and off, on My
donations and on the pilot page, and the companies' reads follow the choice."""

import html

import pytest

from donations import services
from pilots.models import PilotStage, PilotVolunteer
from tests.conftest import client_for

from .factories import blood_pressure_request, donate, donation_pilot

pytestmark = pytest.mark.django_db

STOP = "Stop sharing my name and email"
SHARE = "Share my name and email with the pilot's companies"


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


def _client(client, setup, language="en"):
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = language
    return client


def _url(setup) -> str:
    return f"/me/donations/{setup.pilot.pk}/identity/"


def _sharing(setup) -> bool:
    return PilotVolunteer.objects.get(pk=setup.volunteer.pk).share_identity


def _section(page: str, setup) -> str:
    start = page.index(f'id="pilot-{setup.pilot.pk}"')
    return page[start : page.index("</section>", start)]


def test_my_donations_offers_to_share_and_sharing_is_turned_on(client, setup):
    client = _client(client, setup)
    page = client.get("/me/donations/").content.decode()
    assert SHARE in _section(page, setup) and STOP not in page

    response = client.post(_url(setup), {"share_identity": "on"}, follow=True)

    assert _sharing(setup)
    assert response.redirect_chain == [(f"/me/donations/#pilot-{setup.pilot.pk}", 302)]
    page = html.unescape(response.content.decode())  # the message is escaped, the template's text not
    assert "The pilot's companies now see your name and email with what you donate." in page
    assert "(you chose to share your name and email)" in page and STOP in _section(page, setup)


def test_my_donations_turns_sharing_off(client, setup):
    PilotVolunteer.objects.filter(pk=setup.volunteer.pk).update(share_identity=True)
    client = _client(client, setup)
    assert STOP in _section(client.get("/me/donations/").content.decode(), setup)

    response = client.post(_url(setup), {"share_identity": "off"}, follow=True)

    assert not _sharing(setup)
    page = response.content.decode()
    assert "no longer see your name and email: they know you by your donor ID." in page
    assert "(you chose to share your name and email)" not in page and SHARE in _section(page, setup)


def test_the_companies_next_read_follows_the_choice(client, setup, carol):
    donate(setup)
    client = _client(client, setup)

    def donor_read() -> dict:
        response = client_for(carol).get(f"/api/v1/pilots/{setup.pilot.pk}/donations/readings/")
        assert response.status_code == 200, response.content
        return response.json()["results"][0]["donor"]

    client.post(_url(setup), {"share_identity": "on"})
    assert donor_read()["email"] == setup.volunteer.user.email

    client.post(_url(setup), {"share_identity": "off"})
    assert (donor_read()["name"], donor_read()["email"]) == (None, None)


def test_the_pilot_page_says_what_is_shared_and_changes_it_there(client, setup):
    client = _client(client, setup)
    page = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()
    take_part = page[page.index('id="take-part"') : page.index('id="data-requests"')]
    assert "they know you by your donor ID" in take_part and SHARE in take_part

    response = client.post(_url(setup), {"share_identity": "on", "return_to": "pilot"})

    assert _sharing(setup)
    assert response["Location"] == f"/pilots/{setup.pilot.pk}/#take-part"
    page = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()
    assert "The pilot's companies see your name and email with what you donate." in page and STOP in page


def _take_part(client, setup) -> str:
    page = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()
    return html.unescape(page[page.index('id="take-part"') : page.index('id="data-requests"')])


@pytest.mark.parametrize(
    ("language", "nothing", "once", "shown"),
    [
        (
            "en",
            "You donate nothing now, so the pilot's companies see nothing of you.",
            "Once you consent, they see your name and email with what you donate.",
            "The pilot's companies see your name and email with what you donate.",
        ),
        (
            "ko",
            "지금은 기부하는 데이터가 없어 실증 기업에 공유되는 것이 없습니다.",
            "동의하면 실증 기업이 기부 데이터와 함께 내 이름과 이메일을 봅니다.",
            "실증 기업이 기부 데이터와 함께 내 이름과 이메일을 봅니다.",
        ),
    ],
)
def test_the_pilot_page_says_nothing_is_shared_once_every_consent_is_withdrawn(
    client, setup, language, nothing, once, shown
):
    client = _client(client, setup, language)
    client.post(_url(setup), {"share_identity": "on", "return_to": "pilot"})
    second = blood_pressure_request(setup.pilot, code="blood_pressure_evening")
    services.consent_give(volunteer=setup.volunteer, data_request=second)
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    # One consent is still given: the companies see the name with what is donated under it.
    assert f'<p class="meta">{shown}</p>' in _take_part(client, setup)

    services.consent_withdraw(volunteer=setup.volunteer, data_request=second)

    take_part = _take_part(client, setup)
    assert f'<p class="meta">{nothing} {once}</p>' in take_part
    assert f'<p class="meta">{shown}</p>' not in take_part
    # The choice stays the volunteer's to change, for when they consent again.
    assert _sharing(setup) and 'name="share_identity" value="off"' in take_part


def test_the_pilot_page_says_nothing_is_shared_without_a_consent_when_not_sharing_either(client, setup):
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)

    take_part = _take_part(_client(client, setup), setup)

    assert (
        "You donate nothing now, so the pilot's companies see nothing of you. Once you consent, they know "
        "you by your donor ID, not by your name."
    ) in take_part
    assert "The pilot's companies do not see your name or email" not in take_part
    assert SHARE in take_part


def test_a_consent_to_a_replaced_request_still_shares_the_name(client, setup, staff_user):
    # What was donated under it is still read, with the name: the page must not say otherwise.
    client = _client(client, setup)
    client.post(_url(setup), {"share_identity": "on", "return_to": "pilot"})
    services.data_request_change(data_request=setup.data_request, by=staff_user, purpose="새 목적")

    take_part = _take_part(client, setup)

    assert "The pilot's companies see your name and email with what you donate." in take_part
    assert "You donate nothing now" not in take_part


@pytest.mark.parametrize("value", [None, "", "yes"])
@pytest.mark.parametrize("return_to", [None, "pilot"])
def test_a_choice_that_is_neither_on_nor_off_changes_nothing(client, setup, value, return_to):
    client = _client(client, setup)
    data = {key: v for key, v in (("share_identity", value), ("return_to", return_to)) if v is not None}

    response = client.post(_url(setup), data)

    assert response.status_code == 400
    assert "Choose whether to share your name and email." in response.content.decode()
    assert not _sharing(setup)


def test_someone_who_left_is_offered_nothing_and_changes_nothing(client, setup):
    services.volunteer_leave(volunteer=setup.volunteer)
    client = _client(client, setup)

    page = client.get("/me/donations/").content.decode()
    response = client.post(_url(setup), {"share_identity": "on"})

    assert SHARE not in page and STOP not in page
    assert response.status_code == 404 and not _sharing(setup)


def test_the_change_is_said_in_korean_to_a_korean_reader(client, setup):
    client = _client(client, setup, language="ko")

    page = client.get("/me/donations/").content.decode()
    response = client.post(_url(setup), {"share_identity": "on"}, follow=True)

    assert "실증 기업에 내 이름과 이메일 공개하기" in page
    assert "이제 실증 기업이 기부 데이터와 함께 내 이름과 이메일을 봅니다." in response.content.decode()


# The identifier the companies know a volunteer by is called by one name in each language, on
# the pilot page, My donations and the messages: never "pseudonym", "number" or "code" (the
# code is what a donor types at a station, another thing).
DONOR_ID = {"en": "donor ID", "ko": "기부자 ID"}


@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_donor_id_is_called_by_one_name_wherever_the_volunteer_reads_it(client, bob, company, language):
    recruiting = donation_pilot(company=company, stage=PilotStage.RECRUITING)
    volunteer = recruiting.volunteer
    client.force_login(bob)
    client.cookies["django_language"] = language
    joining = client.get(f"/pilots/{recruiting.pilot.pk}/").content.decode()
    hint = joining[joining.index('id="share-identity-hint"') :].split("</p>", 1)[0]
    client.force_login(volunteer.user)
    mine = client.get("/me/donations/").content.decode()
    stopped = client.post(_url(recruiting), {"share_identity": "off"}, follow=True).content.decode()

    name = DONOR_ID[language]
    assert name in hint
    separator = ":" if language == "ko" else ","
    assert f'{name}{separator} <span class="donor-id">{volunteer.donor_id}</span>' in mine
    assert f"{name}로만" in stopped if language == "ko" else f"by your {name}." in stopped
    for other in ("가명", "기부자 번호", "같은 코드로만", "by a code such as"):
        assert other not in hint + mine + stopped
