"""Withdrawing or leaving on the pilot page asks what to do with past donations only where the
volunteer holds some, and the page learns which in one query however many requests it shows."""

import re

import pytest
from django.contrib.messages import get_messages

from donations import services
from donations.models import DonationDeletion, DonationSource, Reading
from donations.services import ReadingInput

from .factories import NORMAL_READING, blood_pressure_request, donation_pilot

pytestmark = pytest.mark.django_db

HELD = "Companies lose access at once, whichever you choose."
NONE_HELD = "Nothing you donated is held, so there is nothing to delete or keep."


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


def _donate(setup, data_request) -> None:
    services.donation_store(
        volunteer=setup.volunteer,
        data_request=data_request,
        readings=[ReadingInput(values=NORMAL_READING)],
        source=DonationSource.UPLOAD,
    )


def _requests(setup, count: int) -> list:
    """`count` requests the volunteer consented to, the first the setup's own."""
    requests = [setup.data_request]
    for number in range(1, count):
        data_request = blood_pressure_request(setup.pilot, code=f"blood_pressure_{number}")
        services.consent_give(volunteer=setup.volunteer, data_request=data_request)
        requests.append(data_request)
    return requests


def _page(client, setup) -> str:
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = "en"
    return client.get(f"/pilots/{setup.pilot.pk}/").content.decode()


def _card(page: str, data_request) -> str:
    start = page.index(f'id="data-request-{data_request.pk}"')
    return page[start : page.index("</article>", start)]


def _leaving(page: str) -> str:
    return page[page.index('class="fold leave-pilot"') :]


def test_the_keep_choice_is_asked_only_where_donations_are_held(client, setup):
    with_donations, without = _requests(setup, 2)
    _donate(setup, with_donations)

    page = _page(client, setup)

    assert HELD in _card(page, with_donations) and 'name="keep_donations"' in _card(page, with_donations)
    assert NONE_HELD in _card(page, without) and 'name="keep_donations"' not in _card(page, without)
    assert 'name="keep_donations"' in _leaving(page)


def test_leaving_asks_nothing_when_only_donations_kept_after_a_withdrawal_remain(client, setup):
    kept, still_given = _requests(setup, 2)
    _donate(setup, kept)
    services.consent_withdraw(volunteer=setup.volunteer, data_request=kept, keep_donations=True)

    page = _page(client, setup)

    # Leaving withdraws the consents still given; what was kept stays under its own choice.
    assert NONE_HELD in _leaving(page) and 'name="keep_donations"' not in _leaving(page)
    assert NONE_HELD in _card(page, still_given)


@pytest.mark.parametrize("count", [1, 4])
def test_the_page_asks_about_held_donations_in_one_query(client, setup, count, django_assert_num_queries):
    for data_request in _requests(setup, count):
        _donate(setup, data_request)
    client.force_login(setup.volunteer.user)

    # Session and user; the pilot with its companies, milestones, updates, requests and their
    # recipients; the volunteer, their consents and those to renew; the requests they hold
    # donations under, one query for all; whether a station takes their data; the reader's
    # memberships (the menu).
    with django_assert_num_queries(14):
        response = client.get(f"/pilots/{setup.pilot.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert len(re.findall(r'<input type="radio" name="keep_donations" value="on">', page)) == count + 1


# --- Withdrawing a consent to a request staff since changed -----------------------------------


def _renewal_notice(page: str) -> str:
    start = page.index('class="notice renewal"')
    return page[start : page.index("</form>", start)]


def test_the_notice_of_a_changed_request_asks_before_withdrawing_the_earlier_consent(
    client, setup, staff_user
):
    _donate(setup, setup.data_request)
    services.data_request_change(data_request=setup.data_request, by=staff_user, retention_days=60)

    notice = _renewal_notice(_page(client, setup))

    # The earlier request's own retention, not the new one's; deleting is the default, as elsewhere.
    # The choice is folded under its own summary, closed: the way on is the new request.
    folded = notice[notice.index('<details class="fold withdraw-earlier">') :]
    assert folded.startswith(
        '<details class="fold withdraw-earlier"><summary>Withdraw my earlier consent</summary>\n'
        '        <fieldset class="withdraw">'
    )
    assert HELD in notice
    assert '<input type="radio" name="keep_donations" value="off" checked>' in notice
    assert "until each is 30 days old" in notice


def test_the_folded_withdrawal_reads_in_korean(client, setup, staff_user):
    _donate(setup, setup.data_request)
    services.data_request_change(data_request=setup.data_request, by=staff_user, retention_days=60)
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = "ko"

    notice = _renewal_notice(client.get(f"/pilots/{setup.pilot.pk}/").content.decode())

    assert '<details class="fold withdraw-earlier"><summary>이전 동의 철회</summary>' in notice
    assert notice.count("<a ") == 1 and "새 요청 읽기" in notice


def test_the_notice_names_the_changed_request_in_each_language(client, setup, staff_user):
    services.data_request_change(data_request=setup.data_request, by=staff_user, retention_days=60)

    english = _renewal_notice(_page(client, setup))
    client.cookies["django_language"] = "ko"
    korean = _renewal_notice(client.get(f"/pilots/{setup.pilot.pk}/").content.decode())

    assert '<strong>The “<span lang="ko">혈압과 맥박</span>” data request has changed.</strong>' in english
    assert "<strong>“혈압과 맥박” 데이터 요청 내용이 바뀌었습니다.</strong>" in korean


def test_with_donations_held_the_notice_says_they_stay_unless_the_consent_is_withdrawn(
    client, setup, staff_user
):
    _donate(setup, setup.data_request)
    services.data_request_change(data_request=setup.data_request, by=staff_user, retention_days=60)

    notice = _renewal_notice(_page(client, setup))

    assert "What you donated stays under the consent you gave, unless you withdraw it." in notice
    assert "<legend>Withdraw my earlier consent</legend>" in notice
    assert 'value="decline"' not in notice


def test_with_nothing_donated_the_notice_offers_to_decline_the_new_request(client, setup, staff_user):
    services.data_request_change(data_request=setup.data_request, by=staff_user, retention_days=60)

    notice = _renewal_notice(_page(client, setup))

    # Nothing is said to stay when nothing was given; ending the earlier consent is offered as
    # what it amounts to: saying no to the new request.
    assert "stays under the consent you gave" not in notice and NONE_HELD not in notice
    assert "You donated nothing under the earlier consent." in notice
    assert 'name="action" value="decline">Decline the new request</button>' in notice
    assert "Withdraw my earlier consent" not in notice and 'name="keep_donations"' not in notice


def test_declining_the_new_request_ends_the_earlier_consent_and_the_notice(client, setup, staff_user):
    services.data_request_change(data_request=setup.data_request, by=staff_user, retention_days=60)
    _page(client, setup)

    response = client.post(
        f"/pilots/{setup.pilot.pk}/participation/",
        {"action": "decline", "data_request": setup.data_request.pk},
        follow=True,
    )

    page = response.content.decode()
    setup.consent.refresh_from_db()
    assert setup.consent.withdrawn_at is not None and not setup.consent.keeps_donations
    assert "You declined the new “혈압과 맥박” data request; your earlier consent has ended." in page
    # Nothing was held: nothing is said to have been deleted.
    assert "What you donated was deleted" not in page
    assert 'class="notice renewal"' not in page
    # The new request can still be consented to.
    new = setup.pilot.data_requests.current().get()
    assert 'name="agree"' in _card(page, new)


def test_withdrawing_the_earlier_consent_keeps_what_was_donated_when_asked_to(client, setup, staff_user):
    _donate(setup, setup.data_request)
    services.data_request_change(data_request=setup.data_request, by=staff_user, retention_days=60)
    client.force_login(setup.volunteer.user)

    response = client.post(
        f"/pilots/{setup.pilot.pk}/participation/",
        {"action": "withdraw", "data_request": setup.data_request.pk, "keep_donations": "on"},
    )

    assert response.status_code == 302
    setup.consent.refresh_from_db()
    assert setup.consent.withdrawn_at is not None and setup.consent.keeps_donations
    assert Reading.objects.count() == 1 and not DonationDeletion.objects.exists()


@pytest.mark.parametrize(
    ("action", "opened", "closed"),
    [("withdraw", "withdraw-earlier", "leave-pilot"), ("leave", "leave-pilot", "withdraw-earlier")],
)
def test_a_refused_withdrawal_comes_back_with_its_fold_open(
    client, setup, staff_user, action, opened, closed
):
    _donate(setup, setup.data_request)
    services.data_request_change(data_request=setup.data_request, by=staff_user, retention_days=60)
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = "en"

    # No answer to what becomes of the donations: refused, and the folded form is open to answer it,
    # as on My donations.
    response = client.post(
        f"/pilots/{setup.pilot.pk}/participation/", {"action": action, "data_request": setup.data_request.pk}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert f'<details class="fold {opened}" open>' in html
    assert f'<details class="fold {closed}">' in html


# --- A withdrawal that does not say what becomes of past donations deletes nothing -----------

CHOOSE = (
    "Choose what becomes of what you donated: delete it now, "
    "or keep it until the pilot's storage period ends."
)


@pytest.mark.parametrize("choice", [None, "", "yes"])
@pytest.mark.parametrize("where", ["pilot page", "my donations"])
@pytest.mark.parametrize("action", ["withdraw", "leave"])
def test_without_a_delete_or_keep_choice_nothing_is_withdrawn_or_deleted(
    client, setup, where, action, choice
):
    _donate(setup, setup.data_request)
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = "en"
    url = (
        f"/pilots/{setup.pilot.pk}/participation/"
        if where == "pilot page"
        else f"/me/donations/{setup.pilot.pk}/withdraw/"
    )
    data = {"action": action, "data_request": setup.data_request.pk}
    if choice is not None:
        data["keep_donations"] = choice

    response = client.post(url, data)

    assert response.status_code == 400
    assert CHOOSE in response.content.decode().replace("&#x27;", "'")
    setup.consent.refresh_from_db()
    setup.volunteer.refresh_from_db()
    assert setup.consent.withdrawn_at is None and setup.volunteer.left_at is None
    assert Reading.objects.count() == 1 and not DonationDeletion.objects.exists()


def test_the_refusal_is_in_korean_for_a_korean_reader(client, setup):
    _donate(setup, setup.data_request)
    client.force_login(setup.volunteer.user)

    response = client.post(
        f"/pilots/{setup.pilot.pk}/participation/",
        {"action": "withdraw", "data_request": setup.data_request.pk},
    )

    assert response.status_code == 400
    assert "기부한 데이터를 어떻게 할지 고르세요" in response.content.decode()


@pytest.mark.parametrize("action", ["withdraw", "leave"])
def test_with_nothing_held_there_is_nothing_to_choose(client, setup, action):
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = "en"

    response = client.post(
        f"/pilots/{setup.pilot.pk}/participation/",
        {"action": action, "data_request": setup.data_request.pk},
    )

    assert response.status_code == 302
    setup.consent.refresh_from_db()
    assert setup.consent.withdrawn_at is not None
    # Nothing was held, so nothing is said to have been deleted or kept.
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Your consent was withdrawn."
        if action == "withdraw"
        else "You left the pilot; your consents were withdrawn."
    ]
