"""A completed or cancelled pilot is spoken of in the past: it has ended or was cancelled, its
volunteers took part from one day to another, and nothing offers to follow it, to join it or to
start sharing one's name with its companies, which the services refuse as well. What was donated
and the results stay readable, and one who shares their name may still stop."""

import datetime
import html

import pytest

from core.errors import ApplicationError
from donations import services as donation_services
from pilots import services as pilot_services
from pilots.models import Pilot, PilotFollow, PilotStage, PilotVolunteer
from tests.conftest import client_for
from tests.donations.factories import donate, donation_pilot
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

SHARE = "Share my name and email with the pilot's companies"
STOP = "Stop sharing my name and email"
JOINED = datetime.datetime(2026, 7, 6, 10, 0, tzinfo=datetime.UTC)
CLOSED = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
ENDED = {PilotStage.COMPLETED: "This pilot has ended.", PilotStage.CANCELLED: "This pilot was cancelled."}
ENDED_KO = {
    PilotStage.COMPLETED: "이 실증 사업은 끝났습니다.",
    PilotStage.CANCELLED: "이 실증 사업은 취소되었습니다.",
}
CLOSED_STAGES = [PilotStage.COMPLETED, PilotStage.CANCELLED]


def _close(pilot: Pilot, stage: PilotStage) -> Pilot:
    reason = "주민 동의를 얻지 못했습니다." if stage == PilotStage.CANCELLED else ""
    Pilot.objects.filter(pk=pilot.pk).update(stage=stage, cancellation_reason=reason, closed_at=CLOSED)
    pilot.refresh_from_db()
    return pilot


@pytest.fixture
def setup(company):
    """A volunteer who joined on 6 July, consented and donated, in a pilot still running."""
    setup = donation_pilot(company=company)
    PilotVolunteer.objects.filter(pk=setup.volunteer.pk).update(joined_at=JOINED)
    setup.volunteer.refresh_from_db()
    donate(setup)
    return setup


def _page(client, path: str, language: str = "en") -> str:
    client.cookies["django_language"] = language
    # Dates are joined by no-break spaces, so that none is split over two lines.
    return html.unescape(client.get(path).content.decode()).replace("\xa0", " ")


def _take_part(page: str) -> str:
    start = page.index('id="take-part"')
    return page[start : page.index("</section>", start)]


def _my_section(page: str, pilot: Pilot) -> str:
    start = page.index(f'id="pilot-{pilot.pk}"')
    return page[start : page.index("</section>", start)]


# --- The pilot's page ---------------------------------------------------------------------------


@pytest.mark.parametrize("stage", CLOSED_STAGES)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_visitor_reads_that_the_pilot_ended_and_is_offered_nothing_to_follow(client, idea, stage, language):
    pilot = _close(PilotFactory(idea=idea, stage=PilotStage.RUNNING), stage)

    page = _page(client, f"/pilots/{pilot.pk}/", language)

    said = ENDED if language == "en" else ENDED_KO
    heading = {"en": "Participation", "ko": "참여"}[language]
    assert f'<h2 id="take-part">{heading}</h2>' in page
    assert said[stage] in _take_part(page)
    assert "This pilot is not recruiting volunteers now." not in page and "지금은 참여자를" not in page
    assert "Log in to follow" not in page and "로그인하고 소식" not in page
    assert 'class="follow"' not in page


@pytest.mark.parametrize("stage", CLOSED_STAGES)
def test_a_citizen_is_offered_no_following_nor_volunteering(client, bob, idea, stage):
    pilot = _close(PilotFactory(idea=idea, stage=PilotStage.RUNNING), stage)
    client.force_login(bob)

    page = _page(client, f"/pilots/{pilot.pk}/")

    assert ENDED[stage] in _take_part(page)
    assert 'value="follow"' not in page and 'value="join"' not in page


def test_a_follower_of_a_completed_pilot_may_still_stop_and_read_its_news(client, bob, idea, staff_user):
    pilot = _close(PilotFactory(idea=idea, stage=PilotStage.RUNNING), PilotStage.COMPLETED)
    PilotFollow.objects.create(pilot=pilot, user=bob)
    pilot_services.pilot_update_post(pilot=pilot, by=staff_user, body="석 달 동안 2,300명이 들었습니다.")
    client.force_login(bob)

    page = _page(client, f"/pilots/{pilot.pk}/", "ko")

    assert 'value="unfollow"' in page and "석 달 동안 2,300명이 들었습니다." in page


@pytest.mark.parametrize("stage", CLOSED_STAGES)
def test_a_volunteer_took_part_from_joining_to_the_end_and_is_offered_no_sharing(client, setup, stage):
    _close(setup.pilot, stage)
    client.force_login(setup.volunteer.user)

    page = _page(client, f"/pilots/{setup.pilot.pk}/")
    en = _take_part(page)
    ko = _take_part(_page(client, f"/pilots/{setup.pilot.pk}/", "ko"))

    assert "You took part in this pilot (July 6, 2026 – Nov. 22, 2026)." in en
    assert "You are a volunteer" not in en
    assert "이 실증 사업에 참여했습니다 (2026년 7월 6일 – 2026년 11월 22일)." in ko
    assert SHARE not in en and 'name="share_identity"' not in en
    # Past donations stay the volunteer's to see and to withdraw.
    assert "My donations: what I gave, who read it, my results" in en and 'value="leave"' in page


def test_a_volunteer_who_shares_their_name_may_still_stop(client, setup):
    PilotVolunteer.objects.filter(pk=setup.volunteer.pk).update(share_identity=True)
    _close(setup.pilot, PilotStage.COMPLETED)
    client.force_login(setup.volunteer.user)

    page = _take_part(_page(client, f"/pilots/{setup.pilot.pk}/"))
    client.post(f"/me/donations/{setup.pilot.pk}/identity/", {"share_identity": "off", "return_to": "pilot"})

    assert STOP in page
    assert not PilotVolunteer.objects.get(pk=setup.volunteer.pk).share_identity


def test_a_volunteer_of_a_closed_pilot_whose_end_is_unknown_is_given_no_end(client, setup):
    _close(setup.pilot, PilotStage.COMPLETED)
    Pilot.objects.filter(pk=setup.pilot.pk).update(closed_at=None)
    client.force_login(setup.volunteer.user)

    page = _take_part(_page(client, f"/pilots/{setup.pilot.pk}/"))

    assert "You took part in this pilot from July 6, 2026." in page


# --- My donations -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", CLOSED_STAGES)
def test_my_donations_says_when_the_volunteer_took_part_and_keeps_what_was_given(client, setup, stage):
    _close(setup.pilot, stage)
    donation_services.consent_withdraw(
        volunteer=setup.volunteer, data_request=setup.data_request, keep_donations=True
    )
    client.force_login(setup.volunteer.user)

    en = _my_section(_page(client, "/me/donations/"), setup.pilot)
    ko = _my_section(_page(client, "/me/donations/", "ko"), setup.pilot)

    assert "Took part (July 6, 2026 – Nov. 22, 2026)" in en and "Volunteering since" not in en
    assert "참여했음 (2026년 7월 6일 – 2026년 11월 22일)" in ko and "참여 중" not in ko
    assert SHARE not in en and "실증 기업에 내 이름과 이메일 공개하기" not in ko
    consent_state = en[en.index('class="consent-state"') :].split("</p>")[0]
    assert ENDED[stage] in consent_state and "not collecting" not in consent_state
    assert "What you donated" in en and 'class="donation"' in en


def test_my_donations_points_to_what_a_closed_pilot_asked_for(client, company):
    setup = donation_pilot(company=company)
    PilotVolunteer.objects.filter(pk=setup.volunteer.pk).update(joined_at=JOINED)
    setup.consent.delete()
    _close(setup.pilot, PilotStage.CANCELLED)
    client.force_login(setup.volunteer.user)

    en = _my_section(_page(client, "/me/donations/"), setup.pilot)
    ko = _my_section(_page(client, "/me/donations/", "ko"), setup.pilot)

    assert "You did not consent to donate any data to this pilot." in en
    assert "See what the pilot asked for" in en and "asks for" not in en
    assert "실증 사업이 요청했던 데이터 보기" in ko and "실증 사업이 요청하는 데이터 보기" not in ko


def test_one_who_left_before_the_end_left_on_their_day(client, setup):
    left = CLOSED - datetime.timedelta(days=30)
    PilotVolunteer.objects.filter(pk=setup.volunteer.pk).update(left_at=left)
    _close(setup.pilot, PilotStage.COMPLETED)
    client.force_login(setup.volunteer.user)

    section = _my_section(_page(client, "/me/donations/"), setup.pilot)

    assert "You left on Oct. 23, 2026" in section and "Took part" not in section


# --- The services refuse -----------------------------------------------------------------------


@pytest.mark.parametrize("stage", CLOSED_STAGES)
def test_a_closed_pilot_cannot_be_followed(client, bob, idea, stage):
    pilot = _close(PilotFactory(idea=idea, stage=PilotStage.RUNNING), stage)

    with pytest.raises(ApplicationError) as refused:
        pilot_services.pilot_follow(pilot=pilot, user=bob)
    response = client_for(bob).post(f"/api/v1/pilots/{pilot.pk}/follow/", HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(bob)
    client.cookies["django_language"] = "en"
    page = html.unescape(
        client.post(f"/pilots/{pilot.pk}/follow/", {"action": "follow"}, follow=True).content.decode()
    )

    message = {
        PilotStage.COMPLETED: "This pilot has ended: it can no longer be followed.",
        PilotStage.CANCELLED: "This pilot was cancelled: it has no news to follow.",
    }[stage]
    assert response.status_code == 409
    assert message in page
    assert not PilotFollow.objects.exists()
    assert refused.value.kind.name == "CONFLICT"


@pytest.mark.parametrize("stage", CLOSED_STAGES)
def test_a_closed_pilot_takes_no_new_sharing_of_names_but_lets_it_stop(setup, stage):
    _close(setup.pilot, stage)
    volunteer = PilotVolunteer.objects.select_related("pilot").get(pk=setup.volunteer.pk)

    with pytest.raises(ApplicationError):
        pilot_services.pilot_volunteer_change(volunteer=volunteer, share_identity=True)
    assert not PilotVolunteer.objects.get(pk=volunteer.pk).share_identity

    PilotVolunteer.objects.filter(pk=volunteer.pk).update(share_identity=True)
    volunteer.refresh_from_db()
    pilot_services.pilot_volunteer_change(volunteer=volunteer, share_identity=False)
    assert not PilotVolunteer.objects.get(pk=volunteer.pk).share_identity


@pytest.mark.parametrize(("stage", "language"), [(PilotStage.COMPLETED, "ko"), (PilotStage.CANCELLED, "en")])
def test_the_sharing_form_and_the_api_answer_a_closed_pilot_with_a_refusal(client, setup, stage, language):
    _close(setup.pilot, stage)
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = language

    response = client.post(f"/me/donations/{setup.pilot.pk}/identity/", {"share_identity": "on"})
    api = client_for(setup.volunteer.user).patch(
        f"/api/v1/pilots/{setup.pilot.pk}/volunteer/", {"share_identity": True}, format="json"
    )

    message = {
        PilotStage.COMPLETED: "이 실증 사업은 끝나서 더 이상 실증 기업에 내 이름과 이메일을 공개할 수 "
        "없습니다.",
        PilotStage.CANCELLED: "This pilot was cancelled: its companies are no longer given your name "
        "and email.",
    }[stage]
    assert response.status_code == 409 and message in html.unescape(response.content.decode())
    assert api.status_code == 409
    assert not PilotVolunteer.objects.get(pk=setup.volunteer.pk).share_identity


def test_an_open_pilot_still_takes_sharing(setup):
    volunteer = PilotVolunteer.objects.select_related("pilot").get(pk=setup.volunteer.pk)

    pilot_services.pilot_volunteer_change(volunteer=volunteer, share_identity=True)

    assert PilotVolunteer.objects.get(pk=volunteer.pk).share_identity


def test_a_closed_pilots_card_names_the_companies_that_took_part(client, idea, company):
    closed = _close(
        PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING), PilotStage.COMPLETED
    )
    running = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RUNNING)

    page = _page(client, "/pilots/")

    closed_card = page[page.index(closed.title) :]
    assert f"Company that took part: {company.name}" in closed_card
    assert (
        f"Company taking part: {company.name}" in page[page.index(running.title) : page.index(closed.title)]
    )
