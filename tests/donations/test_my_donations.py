"""/me/donations/: a donor sees what they gave, who read it, their results and deletions, and
withdraws or leaves choosing to delete or keep what was donated. No one else sees any of it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations import services
from donations.models import (
    DataRead,
    DataReadDonor,
    DeletionReason,
    Donation,
    DonationDeletion,
    DonationResult,
    Reading,
    ResultLevel,
)
from pilots.models import Pilot, PilotConsent, PilotStage
from tests.accounts.factories import UserFactory

from .factories import HIGH_READING, NORMAL_READING, blood_pressure_request, donate, donation_pilot
from .stations import register_station

pytestmark = pytest.mark.django_db

PAGE = "/me/donations/"


@pytest.fixture
def setup(company):
    setup = donation_pilot(company=company)
    register_station(setup.pilot)
    return setup


@pytest.fixture
def erin(setup):
    return setup.volunteer.user


def company_reads(setup, company, reader, rows=2):
    read = DataRead.objects.create(pilot=setup.pilot, company=company, user=reader, rows=rows)
    DataReadDonor.objects.create(
        read=read, volunteer=setup.volunteer, data_request=setup.data_request, rows=rows
    )
    return read


def company_answers(setup, company, donation=None, **fields):
    return DonationResult.objects.create(
        pilot=setup.pilot,
        company=company,
        volunteer=setup.volunteer,
        donation=donation,
        **{"text": "혈압이 높은 편입니다. 다시 재 보세요.", "level": ResultLevel.WATCH, **fields},
    )


def test_anonymous_is_sent_to_log_in(client, setup):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/me/donations/")


def test_the_donor_sees_consent_donations_with_values_reads_results_and_deletions(
    client, setup, erin, company, carol
):
    donation = donate(setup, NORMAL_READING, HIGH_READING)
    company_reads(setup, company, carol, rows=2)
    company_answers(setup, company, donation, value=162, unit="mmHg")
    DonationDeletion.objects.create(
        volunteer=setup.volunteer,
        data_request=setup.data_request,
        reason=DeletionReason.RETENTION,
        donations=1,
        readings=3,
    )
    client.force_login(erin)

    html = client.get(PAGE).content.decode()

    assert setup.pilot.title in html and "혈압과 맥박" in html
    assert "동의함" in html  # consent given
    assert setup.consent.consent_text in html
    # the donor's own values, in the request's fields
    assert "수축기 혈압 (mmHg)" in html
    for value in ("118", "76", "68", "162", "101", "88"):
        assert f">{value}</td>" in html
    assert "파일 업로드" in html  # where it came from
    assert "빛고을케어" in html and "내 기록 2건을 열람했습니다" in html  # who read how many readings
    assert "기부 1건, 측정값 2건을 보관하고 있습니다." in html
    assert "혈압이 높은 편입니다." in html and "지켜보세요" in html and "162 mmHg" in html
    assert "보관 기간이 끝나 측정값 3건 삭제." in html  # deletion, counts only
    assert setup.volunteer.donor_id in html
    assert f"/api/v1/me/donations/{setup.pilot.pk}/receipt/" in html
    assert f"/me/donations/code/{setup.pilot.pk}/" in html  # donating at a station starts here


def test_in_english_the_page_speaks_to_the_donor_as_you_throughout(client, setup, erin, company):
    donation = donate(setup, HIGH_READING)
    company_answers(setup, company, donation)
    company_answers(setup, company, None, text="Thank you for taking part.")
    for reason, readings in ((DeletionReason.WITHDRAWAL, 3), (DeletionReason.RETENTION, 1)):
        DonationDeletion.objects.create(
            volunteer=setup.volunteer,
            data_request=setup.data_request,
            reason=reason,
            donations=1,
            readings=readings,
        )
    client.force_login(erin)
    client.cookies["django_language"] = "en"

    html = client.get(PAGE).content.decode()

    for heading in (
        "<summary>What you agreed to, and when</summary>",
        "<h4>What you donated</h4>",
        "<h4>Results you received</h4>",
        "<h3>Other results for you</h3>",
    ):
        assert heading in html
    assert not any(
        words in html for words in ("What I agreed", "What I donated", "Results I received", "for me<")
    )
    # Each deletion told in a sentence of its own, not with a label in brackets.
    assert "readings deleted when you withdrew your consent.</li>" in html
    assert ": 1 reading deleted at the end of its retention period.</li>" in html
    assert "(Consent withdrawn)" not in html and "(Retention period ended)" not in html


def test_a_result_whose_text_gives_its_number_does_not_repeat_it(client, setup, erin, company):
    donation = donate(setup, HIGH_READING)
    company_answers(setup, company, donation, text="혈압이 높습니다(162/101 mmHg).", value=162, unit="mmHg")
    company_answers(setup, company, donation, text="맥박을 다시 재 보세요.", value=88, unit="bpm")
    client.force_login(erin)

    html = client.get(PAGE).content.decode()

    assert "혈압이 높습니다(162/101 mmHg)." in html and "162 mmHg</strong>" not in html
    assert '<strong class="result-value">88 bpm</strong>' in html


def test_no_station_code_is_offered_once_consent_is_withdrawn(client, setup, erin):
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    client.force_login(erin)

    html = client.get(PAGE).content.decode()

    assert setup.pilot.title in html
    assert f"/me/donations/code/{setup.pilot.pk}/" not in html


def test_no_station_code_is_offered_for_a_pilot_without_a_usable_station(client, setup, erin, company):
    # Erin also volunteers for a pilot whose only station was revoked, and for one with none at all.
    revoked = donation_pilot(company=company, volunteer_user=erin)
    services.station_revoke(
        station=register_station(revoked.pilot, name="광주천 산책로").station,
        by=UserFactory(username="steward", is_staff=True),
    )
    stationless = donation_pilot(company=company, volunteer_user=erin)
    client.force_login(erin)

    html = client.get(PAGE).content.decode()

    assert f"/me/donations/code/{setup.pilot.pk}/" in html
    for pilot in (revoked.pilot, stationless.pilot):
        assert pilot.title in html and f"/me/donations/code/{pilot.pk}/" not in html
    assert html.count("측정소에서 기부하기") == 1


def test_the_page_is_in_english_when_the_donor_reads_english(client, setup, erin):
    donate(setup)
    client.force_login(erin)
    client.post("/i18n/setlang/", {"language": "en", "next": PAGE})

    html = client.get(PAGE).content.decode()

    assert "My donations" in html and "Who read it" in html and "Withdraw my consent" in html


def test_the_english_page_counts_each_thing_in_its_own_plural_and_plain_words(
    client, setup, erin, company, carol
):
    donate(setup)
    company_reads(setup, company, carol, rows=1)
    client.force_login(erin)
    client.cookies["django_language"] = "en"

    html = client.get(PAGE).content.decode()

    assert "1 donation with 1 reading held." in html
    assert "빛고을케어 read 1 of your readings on " in html and "1 row" not in html

    donate(setup, NORMAL_READING, HIGH_READING)
    assert "2 donations with 3 readings held." in client.get(PAGE).content.decode()


def test_another_citizen_sees_nothing_of_the_donor(client, setup, bob):
    donate(setup, HIGH_READING)
    client.force_login(bob)

    html = client.get(PAGE).content.decode()

    assert setup.pilot.title not in html and ">162</td>" not in html
    assert "참여자로 등록한 실증 사업이 없습니다" in html


def test_a_company_member_of_the_pilot_sees_nothing_of_the_donor_here(client, setup, carol, company):
    donate(setup, HIGH_READING)
    company_reads(setup, company, carol)
    client.force_login(carol)

    html = client.get(PAGE).content.decode()

    assert setup.volunteer.donor_id not in html and ">162</td>" not in html


def test_another_citizen_cannot_withdraw_the_donors_consent(client, setup, bob):
    donate(setup)
    client.force_login(bob)

    response = client.post(
        f"/me/donations/{setup.pilot.pk}/withdraw/",
        {"action": "withdraw", "data_request": setup.data_request.pk, "keep_donations": "off"},
    )

    assert response.status_code == 404
    setup.consent.refresh_from_db()
    assert setup.consent.withdrawn_at is None and Reading.objects.count() == 1


def test_the_query_count_does_not_grow_with_donations_reads_or_results(
    client, setup, erin, company, carol, django_assert_num_queries
):
    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PAGE).status_code == 200
        return len(queries)

    client.force_login(erin)
    donation = donate(setup)
    company_reads(setup, company, carol)
    company_answers(setup, company, donation)
    few = page_queries()
    for _ in range(4):
        donation = donate(setup, NORMAL_READING, HIGH_READING)
        company_reads(setup, company, carol)
        company_answers(setup, company, donation)
        company_answers(setup, company)
    second = blood_pressure_request(setup.pilot, code="blood_pressure_evening")
    services.consent_give(volunteer=setup.volunteer, data_request=second)

    assert page_queries() == few
    # session, user, then: volunteers, consents, totals, donations, readings, reads, results,
    # deletions, the stations that take the donor's data, and the base template's memberships
    with django_assert_num_queries(12):
        client.get(PAGE)


def test_only_the_latest_readings_of_a_donation_are_shown(client, setup, erin):
    from donations.selectors import READINGS_SHOWN

    donate(setup, *[{**NORMAL_READING, "pulse": 40 + n} for n in range(READINGS_SHOWN + 3)])
    client.force_login(erin)

    html = client.get(PAGE).content.decode()

    assert "3건 더" in html  # the rest are in the download


def test_withdrawing_from_my_donations_with_the_forms_first_choice_deletes(client, setup, erin):
    donate(setup, NORMAL_READING, HIGH_READING)
    client.force_login(erin)

    response = client.post(
        f"/me/donations/{setup.pilot.pk}/withdraw/",
        {"action": "withdraw", "data_request": setup.data_request.pk, "keep_donations": "off"},
        follow=True,
    )

    setup.consent.refresh_from_db()
    assert setup.consent.withdrawn_at is not None and not setup.consent.keeps_donations
    assert not Donation.objects.exists() and not Reading.objects.exists()
    deletion = DonationDeletion.objects.get()
    assert (deletion.reason, deletion.donations, deletion.readings) == (DeletionReason.WITHDRAWAL, 1, 2)
    html = response.content.decode()
    assert "동의를 철회했습니다." in html
    assert "기부한 데이터를 삭제했습니다" in html
    assert "동의 철회" in html and "삭제되었습니다" in html


def test_after_withdrawing_with_deletion_the_page_does_not_contradict_itself(client, setup, erin, company):
    donation = donate(setup, HIGH_READING)
    company_answers(setup, company, donation, text="혈압이 높습니다.")
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    client.force_login(erin)

    html = client.get(PAGE).content.decode()

    # The result is listed under "Other results for you"; the category points there.
    assert "그 밖에 받은 결과" in html and "혈압이 높습니다." in html
    assert "아직 받은 결과가 없습니다." not in html
    assert "삭제된 데이터에 대한 결과는 아래 ‘그 밖에 받은 결과’에 있습니다." in html
    # Leaving has nothing left to delete or keep: it does not ask.
    assert 'name="keep_donations"' not in html
    assert "보관 중인 기부 데이터가 없어 삭제하거나 남길 것이 없습니다." in html
    assert "어느 쪽을 고르든" not in html


def test_withdrawing_asks_about_past_donations_only_where_some_are_held(client, setup, erin):
    client.force_login(erin)

    html = client.get(PAGE).content.decode()
    page = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()

    assert 'name="keep_donations"' not in html and 'name="keep_donations"' not in page
    assert "어느 쪽을 고르든" not in html and "어느 쪽을 고르든" not in page

    donate(setup)

    html = client.get(PAGE).content.decode()
    page = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()
    # The category's withdrawal and leaving, on both pages.
    assert html.count('name="keep_donations" value="off" checked') == 2
    assert page.count('name="keep_donations" value="off" checked') == 2


def test_withdrawing_and_keeping_past_donations(client, setup, erin):
    donation = donate(setup)
    client.force_login(erin)

    client.post(
        f"/me/donations/{setup.pilot.pk}/withdraw/",
        {"action": "withdraw", "data_request": setup.data_request.pk, "keep_donations": "on"},
    )

    setup.consent.refresh_from_db()
    assert setup.consent.withdrawn_at is not None and setup.consent.keeps_donations
    assert Donation.objects.get() == donation and Reading.objects.count() == 1
    assert not DonationDeletion.objects.exists()
    html = client.get(PAGE).content.decode()
    assert "보관 기간이 끝날 때까지 보관" in html
    # no upload and no second withdrawal without a consent
    assert "/upload/" not in html


def test_leaving_from_my_donations_withdraws_every_consent_and_deletes(client, setup, erin):
    second = blood_pressure_request(setup.pilot, code="blood_pressure_evening")
    services.consent_give(volunteer=setup.volunteer, data_request=second)
    donate(setup)
    client.force_login(erin)

    client.post(f"/me/donations/{setup.pilot.pk}/withdraw/", {"action": "leave", "keep_donations": "off"})

    setup.volunteer.refresh_from_db()
    assert setup.volunteer.left_at is not None
    assert not PilotConsent.objects.filter(withdrawn_at__isnull=True).exists()
    assert not Reading.objects.exists()
    assert DonationDeletion.objects.get().reason == DeletionReason.WITHDRAWAL


def test_the_pilot_pages_withdrawal_offers_the_same_choice(client, setup, erin):
    donate(setup)
    client.force_login(erin)
    page = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()
    assert 'name="keep_donations" value="off" checked' in page and 'value="on"' in page
    assert "기업의 접근은 곧바로 멈춥니다" in page

    client.post(
        f"/pilots/{setup.pilot.pk}/participation/",
        {"action": "withdraw", "data_request": setup.data_request.pk, "keep_donations": "on"},
    )

    setup.consent.refresh_from_db()
    assert setup.consent.keeps_donations and Reading.objects.count() == 1


def test_the_pilot_pages_withdrawal_deletes_by_default(client, setup, erin):
    donate(setup)
    client.force_login(erin)

    client.post(
        f"/pilots/{setup.pilot.pk}/participation/",
        {"action": "withdraw", "data_request": setup.data_request.pk, "keep_donations": "off"},
    )

    assert not Reading.objects.exists() and DonationDeletion.objects.count() == 1


def test_my_page_links_to_my_donations(client, setup, erin):
    client.force_login(erin)

    html = client.get("/me/").content.decode()

    assert 'href="/me/donations/"' in html


def test_a_citizen_without_volunteering_gets_no_link_and_an_empty_page(client):
    citizen = UserFactory(username="frank")
    client.force_login(citizen)

    assert 'href="/me/donations/"' not in client.get("/me/").content.decode()
    assert client.get(PAGE).status_code == 200


@pytest.mark.parametrize(
    ("stage", "collecting"),
    [
        (PilotStage.RECRUITING, True),
        (PilotStage.RUNNING, True),
        (PilotStage.EVALUATING, False),
        (PilotStage.COMPLETED, False),
        (PilotStage.CANCELLED, False),
    ],
)
def test_consenting_again_is_offered_only_while_the_pilot_collects(client, setup, erin, stage, collecting):
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    reason = "업체 사정으로 취소되었습니다." if stage == PilotStage.CANCELLED else ""
    Pilot.objects.filter(pk=setup.pilot.pk).update(stage=stage, cancellation_reason=reason)
    client.force_login(erin)
    client.cookies["django_language"] = "en"

    html = client.get(PAGE).content.decode()

    start = html.index('class="consent-state"')
    state = html[start : html.index("</p>", start)]
    assert ("Consent again on the pilot's page" in state) is collecting
    # Why not, in the pilot's own tense: it is not collecting, has ended, or was cancelled.
    said = {
        PilotStage.EVALUATING: "This pilot is not collecting data.",
        PilotStage.COMPLETED: "This pilot has ended.",
        PilotStage.CANCELLED: "This pilot was cancelled.",
    }
    assert [text for text in said.values() if text in state] == ([] if collecting else [said[stage]])
    # The pilot page's consent form is there exactly when this page sends the donor to it.
    pilot_page = client.get(f"/pilots/{setup.pilot.pk}/").content.decode()
    assert ('value="consent"' in pilot_page) is collecting


# --- Folded withdrawal and leaving ------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "withdraw", "leave", "code", "share"),
    [
        ("ko", "동의 철회", "참여 그만두기", "측정소에서 기부하기", "내 이름과 이메일 공개하기"),
        (
            "en",
            "Withdraw my consent",
            "Leave the pilot",
            "Donate at a station: show my code",
            "Share my name and email",
        ),
    ],
)
def test_withdrawing_and_leaving_are_folded_under_their_action_and_donating_comes_first(
    client, setup, erin, language, withdraw, leave, code, share
):
    donate(setup)
    client.force_login(erin)
    client.cookies["django_language"] = language

    html = client.get(PAGE).content.decode()

    # Nothing is chosen on the donor's behalf in plain view: each choice opens from its action.
    assert f'<details class="fold withdraw-consent"><summary>{withdraw}</summary>' in html
    assert f'<details class="fold leave-pilot"><summary>{leave}</summary>' in html
    assert html.index("withdraw-consent") < html.index('name="keep_donations"')
    # The main button before the choice about sharing a name.
    assert html.index(code) < html.index(share)


@pytest.mark.parametrize(
    ("action", "opened", "closed"),
    [("withdraw", "withdraw-consent", "leave-pilot"), ("leave", "leave-pilot", "withdraw-consent")],
)
def test_a_refused_withdrawal_comes_back_with_its_form_open(client, setup, erin, action, opened, closed):
    donate(setup)
    client.force_login(erin)

    # No answer to what becomes of the donations: refused, and the form is open to answer it.
    response = client.post(
        f"/me/donations/{setup.pilot.pk}/withdraw/", {"action": action, "data_request": setup.data_request.pk}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert f'<details class="fold {opened}" open>' in html
    assert f'<details class="fold {closed}"><summary>' in html
