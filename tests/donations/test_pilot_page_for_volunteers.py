"""The pilot page's "Take part" section for a volunteer: worded for what they consented to, and
offering a station code only while a consent takes new data and a station of the pilot takes it."""

import pytest

from donations import services
from pilots.models import PilotStage
from tests.accounts.factories import UserFactory

from .factories import blood_pressure_request, donation_pilot
from .stations import register_station

pytestmark = pytest.mark.django_db

ASK = "Consent to the data this pilot asks for, below."
ALL = "You consent to all the data this pilot asks for"
PART = "You consent to part of the data this pilot asks for"


@pytest.fixture
def setup(company):
    setup = donation_pilot(company=company)
    register_station(setup.pilot)
    return setup


def _take_part(client, setup, language="en") -> str:
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = language
    page = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()
    return page[page.index('id="take-part"') : page.index('id="data-requests"')]


def _code_link(setup) -> str:
    return f'href="/me/donations/code/{setup.pilot.pk}/"'


def test_a_volunteer_who_consented_to_everything_is_not_asked_to_consent(client, setup):
    section = _take_part(client, setup)

    assert ALL in section and ASK not in section and PART not in section
    assert _code_link(setup) in section


def test_the_korean_page_says_the_same(client, setup):
    section = _take_part(client, setup, language="ko")

    assert "요청하는 데이터에 모두 동의했습니다" in section
    assert "아래에서 이 실증 사업이 요청하는 데이터에 동의할 수 있습니다." not in section


def test_a_volunteer_who_consented_to_part_is_told_so(client, setup):
    blood_pressure_request(setup.pilot, code="blood_pressure_evening")

    section = _take_part(client, setup)

    assert PART in section and ASK not in section and ALL not in section
    assert _code_link(setup) in section


def test_a_volunteer_without_a_consent_is_asked_and_given_no_code(client, setup):
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)

    section = _take_part(client, setup)

    assert ASK in section and _code_link(setup) not in section


def test_no_code_is_offered_while_a_replaced_request_waits_for_consent_again(client, setup):
    steward = UserFactory(username="steward", is_staff=True)
    new = services.data_request_change(data_request=setup.data_request, by=steward, retention_days=60)

    section = _take_part(client, setup)

    # "Until then nothing new is collected": a code would open a station visit that takes nothing.
    assert f'href="#data-request-{new.pk}"' in section
    assert _code_link(setup) not in section
    # The notice's link to the new request is the way on: no second link leads to the same place.
    assert section.count('href="#data-request') == 1 and 'href="#data-requests"' not in section
    assert ASK not in section

    services.consent_give(volunteer=setup.volunteer, data_request=new)
    assert _code_link(setup) in _take_part(client, setup)


def test_no_code_is_offered_by_a_pilot_without_a_station(client, company):
    # A medication record, say: what is asked for is consented to, but no station takes anything.
    setup = donation_pilot(company=company, volunteer_user=UserFactory(username="frank"))

    section = _take_part(client, setup)

    assert ALL in section
    assert _code_link(setup) not in section and "station" not in section.lower()


def test_no_code_is_offered_once_the_pilots_only_station_is_revoked(client, setup):
    station = setup.pilot.stations.get()
    services.station_revoke(station=station, by=UserFactory(username="steward", is_staff=True))

    section = _take_part(client, setup, language="ko")

    assert "측정소에서 기부하기" not in section and _code_link(setup) not in section


def test_another_pilots_station_offers_no_code(client, company):
    setup = donation_pilot(company=company, volunteer_user=UserFactory(username="frank"))
    other = donation_pilot(company=company, volunteer_user=UserFactory(username="grace"))
    register_station(other.pilot, name="서구 치매안심센터 1층")

    assert _code_link(setup) not in _take_part(client, setup)


def test_the_section_speaks_plainly(client, setup):
    section = _take_part(client, setup)

    assert "You are a volunteer in this pilot." in section
    # The whole account's download is My page's, not one pilot's.
    assert "/api/v1/me/data/" not in section and "everything held about me" not in section


@pytest.mark.parametrize(
    ("language", "state", "link"),
    [
        ("en", "You consent to all the data this pilot asks for.", "See what you agreed to"),
        ("ko", "이 실증 사업이 요청하는 데이터에 모두 동의했습니다.", "동의 내용 보기"),
    ],
)
def test_the_consent_state_is_said_in_words_with_a_short_link(client, setup, language, state, link):
    section = _take_part(client, setup, language=language)

    assert f'<p class="consent-summary">{state} <a href="#data-requests">{link}</a></p>' in section


def test_part_consent_is_said_in_words_too(client, setup):
    blood_pressure_request(setup.pilot, code="blood_pressure_evening")

    section = _take_part(client, setup)

    assert (
        '<p class="consent-summary">You consent to part of the data this pilot asks for. '
        '<a href="#data-requests">Consent to the rest, or withdraw</a></p>'
    ) in section


def test_the_volunteering_choice_says_what_the_companies_would_see(client, company):
    setup = donation_pilot(company=company, stage=PilotStage.RECRUITING)
    newcomer = UserFactory(username="frank")
    client.force_login(newcomer)

    for language, label in (
        ("en", "Let the pilot's companies see my display name and email with the data I donate"),
        ("ko", "실증 기업이 내가 기부한 데이터와 함께 내 표시 이름과 이메일을 볼 수 있게 합니다"),
    ):
        client.cookies["django_language"] = language
        page = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()
        shown = page.replace("&#x27;", "'")
        assert f'name="share_identity" aria-describedby="share-identity-hint"> {label}</label>' in shown
