import datetime
import hashlib

import pytest
from django.utils import timezone, translation
from django.utils.formats import time_format

from core.errors import ApplicationError, ErrorKind
from core.exception_handler import exception_handler
from donations import services
from donations.models import DonorCode, StationVisit
from pilots.models import Pilot, PilotStage
from tests.accounts.factories import UserFactory

from .factories import donation_pilot
from .stations import register_station


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


@pytest.fixture
def station(setup):
    return register_station(setup.pilot).station


def test_a_code_is_short_unambiguous_and_only_its_hash_is_kept(setup, station):
    donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)

    assert len(code) == 6 and set(code) <= set(services.DONOR_CODE_ALPHABET)
    assert not set(code) & set("01OIL")
    assert donor_code.code_hash == hashlib.sha256(f"{setup.pilot.pk}:{code}".encode()).hexdigest()
    assert code not in donor_code.code_hash
    expected = timezone.now() + datetime.timedelta(minutes=5)
    assert abs((donor_code.expires_at - expected).total_seconds()) < 5


def test_a_code_opens_a_visit_once(setup, station):
    _donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)

    visit = services.station_visit_open(station=station, code=f"{code[:3].lower()} {code[3:]}")
    with pytest.raises(ApplicationError) as again:
        services.station_visit_open(station=station, code=code)

    assert visit.volunteer == setup.volunteer and visit.is_open
    assert again.value.code == "code_used"
    assert StationVisit.objects.count() == 1
    assert DonorCode.objects.get().used_at is not None


def test_a_new_code_stops_the_older_unused_one(setup, station):
    _first, old_code = services.donor_code_issue(volunteer=setup.volunteer)
    _second, new_code = services.donor_code_issue(volunteer=setup.volunteer)

    with pytest.raises(ApplicationError) as refused:
        services.station_visit_open(station=station, code=old_code)
    visit = services.station_visit_open(station=station, code=new_code)

    assert refused.value.code == "code_expired"
    assert StationVisit.objects.get() == visit


def test_an_expired_code_opens_nothing(setup, station):
    donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)
    DonorCode.objects.filter(pk=donor_code.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    with pytest.raises(ApplicationError) as refused:
        services.station_visit_open(station=station, code=code)

    assert refused.value.code == "code_expired"
    assert not StationVisit.objects.exists()
    assert DonorCode.objects.get().used_at is None


def test_another_pilots_station_does_not_know_the_code(setup, station, company):
    other = donation_pilot(company=company, volunteer_user=UserFactory(username="frank"))
    other_station = register_station(other.pilot, name="광주천 산책로").station
    _donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)

    with pytest.raises(ApplicationError) as refused:
        services.station_visit_open(station=other_station, code=code)

    assert refused.value.code == "unknown_code"
    assert not StationVisit.objects.exists()


def test_opening_a_visit_closes_the_stations_previous_one(setup, station):
    first = services.station_visit_open(
        station=station, code=services.donor_code_issue(volunteer=setup.volunteer)[1]
    )
    second = services.station_visit_open(
        station=station, code=services.donor_code_issue(volunteer=setup.volunteer)[1]
    )

    first.refresh_from_db()
    assert not first.is_open and second.is_open


@pytest.mark.parametrize("code", ["", "ABC", "ABCDEFG", "0OIL1A", "가나다라마바"])
def test_a_malformed_code_is_refused_naming_the_field(setup, station, code):
    with pytest.raises(ApplicationError) as refused:
        services.station_visit_open(station=station, code=code)

    assert "code" in refused.value.fields
    assert not StationVisit.objects.exists()


def test_only_an_active_volunteer_with_a_consent_gets_a_code(setup, station):
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    with pytest.raises(ApplicationError):
        services.donor_code_issue(volunteer=setup.volunteer)

    services.volunteer_leave(volunteer=setup.volunteer)
    with pytest.raises(ApplicationError):
        services.donor_code_issue(volunteer=setup.volunteer)
    assert not DonorCode.objects.exists()


def test_a_code_of_a_donor_who_left_since_opens_nothing(setup, station):
    _donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)
    services.volunteer_leave(volunteer=setup.volunteer)

    with pytest.raises(ApplicationError):
        services.station_visit_open(station=station, code=code)

    assert not StationVisit.objects.exists()


def test_a_closed_pilot_issues_no_code(setup, station):
    Pilot.objects.filter(pk=setup.pilot.pk).update(stage=PilotStage.COMPLETED)
    setup.volunteer.pilot.refresh_from_db()

    with pytest.raises(ApplicationError):
        services.donor_code_issue(volunteer=setup.volunteer)


def test_consent_to_a_replaced_request_is_not_enough_for_a_code(setup, station, staff_user):
    services.data_request_change(data_request=setup.data_request, by=staff_user, purpose="새 목적")

    with pytest.raises(ApplicationError):
        services.donor_code_issue(volunteer=setup.volunteer)
    assert not DonorCode.objects.exists()


# --- No station to take the code -----------------------------------------------------------


def _refused_for_want_of_a_station(volunteer) -> ApplicationError:
    with pytest.raises(ApplicationError) as refused:
        services.donor_code_issue(volunteer=volunteer)
    assert refused.value.kind == ErrorKind.CONFLICT and refused.value.code == "no_station"
    assert not DonorCode.objects.exists()
    return refused.value


def test_a_pilot_without_a_station_issues_no_code(setup):
    with translation.override("en"):
        refused = _refused_for_want_of_a_station(setup.volunteer)

    assert refused.message.startswith("No donation station of this pilot takes the data you consented to")


def test_a_revoked_station_takes_no_code(setup, station, staff_user):
    services.station_revoke(station=station, by=staff_user)

    _refused_for_want_of_a_station(setup.volunteer)


def test_another_pilots_station_does_not_make_a_code_usable(setup, company):
    other = donation_pilot(company=company, volunteer_user=UserFactory(username="frank"))
    register_station(other.pilot, name="서구 치매안심센터 1층")

    _refused_for_want_of_a_station(setup.volunteer)


def test_a_code_is_issued_while_one_of_the_stations_still_works(setup, station, staff_user):
    register_station(setup.pilot, name="서구 치매안심센터 1층")
    services.station_revoke(station=station, by=staff_user)

    _donor_code, code = services.donor_code_issue(volunteer=setup.volunteer)

    assert len(code) == services.DONOR_CODE_LENGTH


def test_the_api_answers_the_refusal_with_409_and_its_message(setup):
    # No API issues codes yet; any that calls the service answers as every API does, from its kind.
    with translation.override("en"):
        refused = _refused_for_want_of_a_station(setup.volunteer)
        response = exception_handler(refused, {})

    assert response.status_code == 409
    assert response.data["error"]["code"] == "no_station"
    assert response.data["error"]["message"] == refused.message


# --- The donor's page -----------------------------------------------------------------------


def test_the_code_page_shows_a_code_grouped_with_its_qr_and_expiry(client, setup, station):
    client.force_login(setup.volunteer.user)

    page = client.get(f"/me/donations/code/{setup.pilot.pk}/")
    shown = client.post(f"/me/donations/code/{setup.pilot.pk}/")

    assert page.status_code == 200 and "혈압과 맥박" in page.content.decode()
    html = shown.content.decode()
    assert shown.status_code == 200
    assert "<svg" in html and 'class="qr-code"' in html and "style=" not in html.split("<svg", 1)[1][:2000]
    assert "donor-code-value" in html and "data-expires-at" in html
    # Its time as every page writes one ("오전 3:09"), not a 24-hour "03:09" of its own.
    with translation.override("ko"):
        expires_at = time_format(timezone.localtime(DonorCode.objects.get().expires_at), "TIME_FORMAT")
    assert f"{expires_at}까지 한 번만 쓸 수 있습니다" in html
    assert DonorCode.objects.count() == 1


def test_the_code_page_refuses_who_does_not_volunteer(client, bob, setup):
    client.force_login(bob)

    response = client.post(f"/me/donations/code/{setup.pilot.pk}/")

    assert response.status_code == 302 and response.url == f"/pilots/{setup.pilot.pk}/"
    assert not DonorCode.objects.exists()


def test_the_code_page_asks_an_anonymous_visitor_to_log_in(client, setup):
    response = client.post(f"/me/donations/code/{setup.pilot.pk}/")

    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not DonorCode.objects.exists()


def test_the_code_page_says_why_without_consent(client, setup):
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    client.force_login(setup.volunteer.user)

    response = client.post(f"/me/donations/code/{setup.pilot.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert "Give your consent to at least one kind of data first" in response.content.decode()
    assert not DonorCode.objects.exists()


def test_the_code_page_says_where_the_station_is(client, setup, station):
    register_station(setup.pilot, name="서구 치매안심센터 1층", name_en="Seo-gu Dementia Centre, 1st floor")
    client.force_login(setup.volunteer.user)

    korean = client.get(f"/me/donations/code/{setup.pilot.pk}/").content.decode()
    client.cookies["django_language"] = "en"
    english = client.post(f"/me/donations/code/{setup.pilot.pk}/").content.decode()

    assert "측정소: <strong>서구 치매안심센터 1층</strong>, <strong>운천저수지 공원 2번 출입구" in korean
    assert "Stations: <strong>Seo-gu Dementia Centre, 1st floor</strong>, <strong>" in english
    # The place is said before the code, which is asked for there.
    assert english.index("Seo-gu Dementia Centre") < english.index("donor-code-value")
    assert DonorCode.objects.count() == 1


def test_the_code_page_names_one_station_in_the_singular_and_not_a_revoked_one(
    client, setup, station, staff_user
):
    revoked = register_station(setup.pilot, name="광주천 산책로").station
    services.station_revoke(station=revoked, by=staff_user)
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = "en"

    html = client.get(f"/me/donations/code/{setup.pilot.pk}/").content.decode()

    assert "Station: <strong>" in html and "운천저수지 공원 2번 출입구" in html
    assert "광주천 산책로" not in html


@pytest.mark.parametrize(
    ("language", "said", "back"),
    [
        (
            "ko",
            "동의하신 데이터를 받는 기부 측정소가 없어 코드를 드릴 수 없습니다.",
            "실증 사업 페이지로 돌아가기",
        ),
        ("en", "No donation station of this pilot takes the data you consented to", "Back to the pilot"),
    ],
)
def test_the_code_page_offers_no_code_without_a_station_and_says_why(client, setup, language, said, back):
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = language

    page = client.get(f"/me/donations/code/{setup.pilot.pk}/")
    posted = client.post(f"/me/donations/code/{setup.pilot.pk}/")

    html = page.content.decode()
    assert page.status_code == 200 and said in html
    assert f'<a href="/pilots/{setup.pilot.pk}/">{back}</a>' in html
    assert f'href="/me/donations/#pilot-{setup.pilot.pk}"' in html
    # Nothing that would make a code: no button, no form.
    assert '<form method="post">' not in html and "donor-code-value" not in html
    refused = posted.content.decode()
    assert posted.status_code == 409 and refused.count(said) == 1 and 'role="alert"' in refused
    assert "donor-code-value" not in refused
    assert not DonorCode.objects.exists()


def _no_code_offered(html: str) -> None:
    # Nothing that would make a code: no button, no form, no code.
    assert '<form method="post">' not in html and "Show my donation code" not in html
    assert "내 기부 코드 보기" not in html and "donor-code-value" not in html


def test_the_code_page_offers_no_button_without_a_consent_and_leads_to_consenting(client, setup, station):
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = "en"

    html = client.get(f"/me/donations/code/{setup.pilot.pk}/").content.decode()

    assert "Give your consent to at least one kind of data first; then a station can take it." in html
    consent_here = f"/pilots/{setup.pilot.pk}/#data-requests"
    assert f'<a href="{consent_here}">Give your consent on the pilot\'s page</a>' in html
    assert "No donation station" not in html
    _no_code_offered(html)


@pytest.mark.parametrize(
    ("language", "said", "heading", "back"),
    [
        (
            "ko",
            "이 실증 사업은 데이터를 수집하고 있지 않습니다.",
            "기부 코드를 드릴 수 없습니다",
            "실증 사업 페이지로 돌아가기",
        ),
        ("en", "This pilot is not collecting data.", "No code can be given", "Back to the pilot"),
    ],
)
def test_the_code_page_of_a_pilot_no_longer_collecting_says_so_and_offers_no_button(
    client, setup, station, language, said, heading, back
):
    # It still has its station and the volunteer's consent: only the stage stands in the way.
    Pilot.objects.filter(pk=setup.pilot.pk).update(stage=PilotStage.COMPLETED)
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = language

    page = client.get(f"/me/donations/code/{setup.pilot.pk}/")
    posted = client.post(f"/me/donations/code/{setup.pilot.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert f'<h2 id="no-code-heading">{heading}</h2>' in html and said in html and 'role="alert"' not in html
    assert f'<a href="/pilots/{setup.pilot.pk}/">{back}</a>' in html
    assert f'href="/me/donations/#pilot-{setup.pilot.pk}"' in html
    _no_code_offered(html)
    refused = posted.content.decode()
    assert posted.status_code == 409 and refused.count(said) == 1 and 'role="alert"' in refused
    _no_code_offered(refused)
    assert not DonorCode.objects.exists()


def test_the_code_page_of_a_volunteer_who_left_says_so_and_refuses_as_the_api_does(client, setup, station):
    services.volunteer_leave(volunteer=setup.volunteer)
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = "en"

    page = client.get(f"/me/donations/code/{setup.pilot.pk}/")
    # From a tab opened before leaving.
    posted = client.post(f"/me/donations/code/{setup.pilot.pk}/")

    html = page.content.decode()
    assert page.status_code == 200 and "Only the pilot&#x27;s volunteers can donate to it." in html
    _no_code_offered(html)
    assert posted.status_code == 403 and 'role="alert"' in posted.content.decode()
    assert not DonorCode.objects.exists()


def _leave(setup, station, staff_user):
    services.volunteer_leave(volunteer=setup.volunteer)


def _close(setup, station, staff_user):
    Pilot.objects.filter(pk=setup.pilot.pk).update(stage=PilotStage.EVALUATING)


def _withdraw(setup, station, staff_user):
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)


def _revoke(setup, station, staff_user):
    services.station_revoke(station=station, by=staff_user)


@pytest.mark.parametrize("refuse", [_leave, _close, _withdraw, _revoke])
def test_the_code_page_answers_each_refusal_with_the_apis_status(client, setup, station, staff_user, refuse):
    refuse(setup, station, staff_user)
    setup.volunteer.refresh_from_db()
    setup.volunteer.pilot.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        services.donor_code_issue(volunteer=setup.volunteer)
    client.force_login(setup.volunteer.user)

    posted = client.post(f"/me/donations/code/{setup.pilot.pk}/")

    assert posted.status_code == exception_handler(refused.value, {}).status_code
    assert refused.value.message in posted.content.decode().replace("&#x27;", "'")
