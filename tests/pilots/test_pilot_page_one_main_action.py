"""The pilot page offers one main (filled) action for where the reader stands: volunteering for
someone who may join, donating at a station for a volunteer who consented to what a station of the
pilot takes. Following the pilot's news is offered beside it, drawn in outline, never as a second
main action."""

import re

import pytest

from pilots.models import PilotStage
from tests.accounts.factories import UserFactory
from tests.donations.factories import donation_pilot
from tests.donations.stations import register_station
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

FILLED = re.compile(
    r'<button (?![^>]*class="secondary")[^>]*>.*?</button>|<a class="button"[^>]*>.*?</a>', re.S
)


def _filled_above_the_data_requests(client, user, pilot) -> list[str]:
    client.force_login(user)
    client.cookies["django_language"] = "en"
    html = client.get(f"/pilots/{pilot.pk}/").content.decode()
    top = html[html.index("</h1>") : html.index('id="data-requests"')]
    return [re.sub(r"<[^>]+>", "", found).strip() for found in FILLED.findall(top)]


def test_someone_who_may_join_has_volunteering_as_the_one_main_action(client, company):
    pilot = PilotFactory(companies=[company], stage=PilotStage.RECRUITING)

    filled = _filled_above_the_data_requests(client, UserFactory(username="frank"), pilot)

    assert filled == ["Volunteer"]


def test_a_volunteer_who_consented_has_donating_as_the_one_main_action(client, company):
    setup = donation_pilot(company=company)
    register_station(setup.pilot)

    filled = _filled_above_the_data_requests(client, setup.volunteer.user, setup.pilot)

    assert filled == ["Donate at a station: show my code"]


def test_without_a_station_no_donating_button_stands_in_for_one(client, company):
    setup = donation_pilot(company=company)

    filled = _filled_above_the_data_requests(client, setup.volunteer.user, setup.pilot)

    assert filled == []


def test_a_volunteers_donate_button_comes_before_the_setting_of_sharing_their_name(client, company):
    setup = donation_pilot(company=company)
    register_station(setup.pilot)
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = "en"

    html = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()

    take_part = html[html.index('id="take-part"') : html.index('id="data-requests"')]
    assert take_part.index("Donate at a station: show my code") < take_part.index(
        "Share my name and email with the pilot's companies"
    )


def test_following_is_offered_in_outline(client, company):
    pilot = PilotFactory(companies=[company], stage=PilotStage.RUNNING)
    client.force_login(UserFactory(username="frank"))

    html = client.get(f"/pilots/{pilot.pk}/").content.decode()

    assert re.search(r'<button class="secondary" type="submit" name="action" value="follow">', html)
