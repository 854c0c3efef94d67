"""A reader of English on the page of a pilot whose staff wrote some of its texts in Korean only:
the page says so once, near its top, and each such text is in Korean (marked `lang="ko"` for
screen readers) with no note after it, nor inside the consent text people agree to."""

import re

import pytest

from donations import services as donation_services
from pilots.models import PilotConsent
from tests.donations.factories import donation_pilot
from tests.pages import KOREAN_ONLY_ON_PAGE, page_html, signed_in_client
from tests.pilots.factories import MilestoneFactory, PilotFactory

pytestmark = pytest.mark.django_db

NOTE = "(written in Korean only)"


@pytest.fixture
def setup(company):
    """A pilot written in Korean only, asking for blood pressure, with a volunteer who consented
    in English; a milestone and news, also in Korean only."""
    setup = donation_pilot(company=company)
    MilestoneFactory(pilot=setup.pilot, title="센서 설치")
    return setup


def test_the_page_says_once_near_its_top_what_is_in_korean_only(setup):
    page = signed_in_client(setup.volunteer.user, "en").get(f"/pilots/{setup.pilot.pk}/").content.decode()

    assert page.count(KOREAN_ONLY_ON_PAGE) == 1
    # Under the title and its stage and place, before anything else the page says.
    assert page.index("</h1>") < page.index(KOREAN_ONLY_ON_PAGE) < page.index(setup.pilot.description)
    assert NOTE not in page
    for korean in (setup.pilot.title, "북구 보건소", setup.pilot.description, "혈압과 맥박", "센서 설치"):
        assert f'<span lang="ko">{korean}</span>' in page


def test_the_consent_text_shown_and_agreed_to_carries_no_note(setup):
    donation_services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    client = signed_in_client(setup.volunteer.user, "en")

    page = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()
    shown = re.search(r'<p class="consent-text">(.*?)</p>', page).group(1)
    client.post(
        f"/pilots/{setup.pilot.pk}/participation/",
        {"action": "consent", "data_request": setup.data_request.pk, "agree": "on", "consent_language": "en"},
    )

    assert shown.startswith("I agree to donate the following data") and "Korean only" not in shown
    consent = PilotConsent.objects.filter(volunteer=setup.volunteer).latest("given_at")
    assert consent.language == "en" and "Korean only" not in consent.consent_text
    assert consent.consent_text == setup.data_request.consent_text_en


def test_a_pilot_written_in_english_too_says_nothing_of_the_kind(company):
    pilot = PilotFactory(
        companies=[company],
        title="공원 혈압 실증",
        title_en="Blood pressure in the park",
        description="공원 측정소에서 혈압을 잽니다.",
        description_en="Blood pressure is measured at the park's station.",
        venue_en="Buk-gu public health centre",
    )

    page = page_html(f"/pilots/{pilot.pk}/", "en")

    assert KOREAN_ONLY_ON_PAGE not in page and NOTE not in page and 'lang="ko"' not in page.split("<main")[1]


def test_one_text_in_korean_only_low_on_the_page_is_enough_to_say_it(company):
    pilot = PilotFactory(
        companies=[company],
        title_en="Blood pressure in the park",
        description_en="Blood pressure is measured at the park's station.",
        venue_en="Buk-gu public health centre",
    )
    MilestoneFactory(pilot=pilot, title="센서 설치", title_en="")

    page = page_html(f"/pilots/{pilot.pk}/", "en")

    assert page.count(KOREAN_ONLY_ON_PAGE) == 1 and '<span lang="ko">센서 설치</span>' in page


def test_read_in_korean_the_page_says_nothing_of_the_kind(setup):
    page = signed_in_client(setup.volunteer.user, "ko").get(f"/pilots/{setup.pilot.pk}/").content.decode()

    assert KOREAN_ONLY_ON_PAGE not in page and "한국어로만" not in page
