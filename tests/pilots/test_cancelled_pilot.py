"""A cancelled pilot reads as cancelled: after the live ones in the list, without a progress bar,
and its page offers no following, volunteering or consent, nor promises data "yet"."""

import pytest

from core.errors import ApplicationError
from pilots import services as pilot_services
from pilots.models import PilotFollow, PilotStage
from tests.pilots.factories import MilestoneFactory, PilotFactory, VolunteerFactory, data_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def cancelled(idea, company):
    pilot = PilotFactory(
        idea=idea,
        companies=[company],
        stage=PilotStage.RECRUITING,
        title="취소된 실증",
    )
    MilestoneFactory(pilot=pilot, is_done=True)
    MilestoneFactory(pilot=pilot, is_done=False)
    pilot.stage, pilot.cancellation_reason = PilotStage.CANCELLED, "예산 부족"
    pilot.save()
    return pilot


def _page(client, path: str) -> str:
    client.cookies["django_language"] = "en"
    return client.get(path).content.decode()


def test_the_list_puts_a_cancelled_pilot_after_the_live_ones_without_a_progress_bar(client, cancelled, idea):
    # Made later, so by date alone it would lead the list.
    cancelled.created_at = cancelled.created_at.replace(year=cancelled.created_at.year + 1)
    cancelled.save(update_fields=["created_at"])
    live = PilotFactory(idea=idea, title="진행 중인 실증", stage=PilotStage.RUNNING)

    html = _page(client, "/pilots/")

    assert html.index(live.title) < html.index(cancelled.title)
    cancelled_card = html[html.index(cancelled.title) :]
    assert "<progress" not in cancelled_card
    assert "This pilot was cancelled: it will not go ahead." in cancelled_card
    assert 'class="status cancelled"' in cancelled_card


def test_the_page_of_a_cancelled_pilot_says_so_and_offers_no_follow_nor_volunteering(client, bob, cancelled):
    client.force_login(bob)

    html = _page(client, f"/pilots/{cancelled.pk}/")

    assert "This pilot was cancelled: it will not go ahead." in html and "예산 부족" in html
    assert "<progress" not in html
    assert 'value="follow"' not in html and 'value="join"' not in html
    assert "This pilot was cancelled." in html[html.index('id="take-part"') :]
    assert "yet" not in html[html.index('id="data-requests"') :]
    assert "This pilot asked for no data." in html


def test_a_follower_of_a_cancelled_pilot_may_only_stop_following(client, bob, cancelled):
    PilotFollow.objects.create(pilot=cancelled, user=bob)
    client.force_login(bob)

    html = _page(client, f"/pilots/{cancelled.pk}/")
    client.post(f"/pilots/{cancelled.pk}/follow/", {"action": "unfollow"})

    assert 'value="unfollow"' in html and 'value="follow"' not in html
    assert not PilotFollow.objects.exists()


def test_a_cancelled_pilot_cannot_be_followed(client, bob, cancelled):
    client.force_login(bob)

    response = client.post(f"/pilots/{cancelled.pk}/follow/", {"action": "follow"}, follow=True)

    assert response.status_code == 200
    assert not PilotFollow.objects.exists()
    with pytest.raises(ApplicationError):
        pilot_services.pilot_follow(pilot=cancelled, user=bob)


def test_a_volunteer_of_a_cancelled_pilot_may_withdraw_but_not_consent_or_donate(client, bob, idea, company):
    pilot = PilotFactory(idea=idea, companies=[company], stage=PilotStage.RECRUITING)
    request = data_request(pilot)
    VolunteerFactory(pilot=pilot, user=bob)
    pilot.stage, pilot.cancellation_reason = PilotStage.CANCELLED, "예산 부족"
    pilot.save()
    client.force_login(bob)

    html = _page(client, f"/pilots/{pilot.pk}/")

    assert request.category_label in html
    assert 'value="consent"' not in html
    assert "Donate at a station" not in html
    assert "Data this pilot asked for" in html
    assert 'value="leave"' in html


def test_staff_are_offered_only_what_a_closed_pilot_still_takes(client, staff_user, cancelled, idea, company):
    client.force_login(staff_user)

    closed = _page(client, f"/pilots/{cancelled.pk}/")
    live = _page(client, f"/pilots/{PilotFactory(idea=idea, companies=[company]).pk}/")

    assert "can no longer be changed" in closed and 'value="update"' in closed
    assert 'value="stage"' not in closed and 'value="milestone"' not in closed
    assert f"/pilots/{cancelled.pk}/data-requests/new/" not in closed
    assert 'value="stage"' in live and 'value="milestone"' in live and "can no longer be changed" not in live


def test_the_list_leads_with_what_a_citizen_can_still_join_and_ends_with_what_is_over(client, idea):
    recruiting = PilotFactory(idea=idea, title="모집 중인 실증", stage=PilotStage.RECRUITING)
    running = PilotFactory(idea=idea, title="진행 중인 실증", stage=PilotStage.RUNNING)
    completed = PilotFactory(idea=idea, title="끝난 실증", stage=PilotStage.COMPLETED)

    html = _page(client, "/pilots/")

    assert html.index(recruiting.title) < html.index(running.title) < html.index(completed.title)


def test_an_unfinished_milestone_of_a_cancelled_pilot_is_read_out_as_not_done_not_as_not_yet(
    client, bob, cancelled
):
    from tests.pilots.factories import MilestoneFactory

    MilestoneFactory(pilot=cancelled, title="센서 설치", title_en="Install the sensors")
    client.force_login(bob)

    html = _page(client, f"/pilots/{cancelled.pk}/")

    assert '<span class="visually-hidden">Not done:</span> Install the sensors' in html
    assert "Not yet:" not in html
