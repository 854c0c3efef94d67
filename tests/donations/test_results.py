"""A pilot's company sends a donor a result about their data; the donor is notified."""

from decimal import Decimal

import pytest

from accounts.models import Notification, NotificationKind
from donations import services
from donations.models import DonationResult, ResultLevel
from pilots.models import PilotStage
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.pilots.factories import VolunteerFactory

from .factories import HIGH_READING, DonationPilot, donate, donation_pilot
from .readers import ONLY_THE_RECIPIENT, READER_PERSONAS, reader_personas

pytestmark = pytest.mark.django_db

RESULT_TEXT = "혈압이 높습니다. 병원 진료를 권합니다."


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


def _url(setup: DonationPilot) -> str:
    return f"/api/v1/pilots/{setup.pilot.pk}/donations/results/"


def _result(setup: DonationPilot, **changes) -> dict:
    return {"donor": setup.volunteer.donor_id, "text": RESULT_TEXT, **changes}


def _post(user, setup, body, **headers):
    return client_for(user).post(_url(setup), body, format="json", **headers)


def _nothing_sent() -> bool:
    return not DonationResult.objects.exists() and not Notification.objects.exists()


# --- Who may send and list results ----------------------------------------------------------


@pytest.mark.parametrize("persona", READER_PERSONAS)
def test_only_members_of_a_recipient_company_send_results(personas, setup, persona):
    everyone = reader_personas(personas, setup)

    response = _post(everyone[persona], setup, _result(setup))

    expected = {**ONLY_THE_RECIPIENT, "company_member": 201}[persona]
    assert response.status_code == expected
    assert DonationResult.objects.count() == (1 if expected == 201 else 0)
    assert Notification.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize("persona", READER_PERSONAS)
def test_only_members_of_a_recipient_company_list_its_results(personas, setup, persona, carol):
    everyone = reader_personas(personas, setup)
    _post(carol, setup, _result(setup))

    response = client_for(everyone[persona]).get(_url(setup))

    expected = {**ONLY_THE_RECIPIENT, "company_member": 200}[persona]
    assert response.status_code == expected
    if expected == 200:
        assert [row["text"] for row in response.json()["results"]] == [RESULT_TEXT]


# --- A result and its notification ----------------------------------------------------------


def test_a_result_about_a_donation_is_stored_and_the_donor_notified_in_their_language(carol, company, setup):
    donation = donate(setup, HIGH_READING)

    response = _post(
        carol,
        setup,
        _result(setup, donation=donation.pk, value="162.5", unit="mmHg", level="see_doctor"),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 201
    result = DonationResult.objects.get()
    assert response.json() == {
        "id": result.pk,
        "donor": setup.volunteer.donor_id,
        "donation": donation.pk,
        "text": RESULT_TEXT,
        "value": "162.500",
        "unit": "mmHg",
        "level": "see_doctor",
        "created_at": response.json()["created_at"],
    }
    assert (result.pilot, result.company, result.author, result.volunteer, result.donation) == (
        setup.pilot,
        company,
        carol,
        setup.volunteer,
        donation,
    )
    assert (result.value, result.level) == (Decimal("162.5"), ResultLevel.SEE_DOCTOR)
    notification = Notification.objects.get()
    assert notification.user == setup.volunteer.user
    assert notification.kind == NotificationKind.DONATION_RESULT
    # Results are shown on My donations, at the pilot's section.
    assert notification.link == f"/me/donations/#pilot-{setup.pilot.pk}"
    # erin reads the site in Korean, whatever language the company writes in.
    assert (
        notification.title
        == f"{company.name}에서 “{setup.pilot.title}” 실증 사업에 기부하신 데이터에 대한 결과를 보냈습니다."
    )
    # The result may be health advice; the notification, which can go out by email, does not hold it.
    assert RESULT_TEXT not in notification.title + notification.body


def test_the_notification_leads_to_the_result_on_my_donations(carol, client, setup):
    donation = donate(setup, HIGH_READING)
    _post(carol, setup, _result(setup, donation=donation.pk))
    path, anchor = Notification.objects.get().link.split("#")
    client.force_login(setup.volunteer.user)

    page = client.get(path).content.decode()

    section = page[page.index(f'id="{anchor}"') : page.index("</section>", page.index(f'id="{anchor}"'))]
    assert RESULT_TEXT in section


def test_an_english_reader_is_notified_in_english(carol, company):
    setup = donation_pilot(
        company=company, volunteer_user=UserFactory(username="erin", preferred_language="en")
    )

    assert _post(carol, setup, _result(setup, text="Your blood pressure is normal.")).status_code == 201

    assert Notification.objects.get().title == (
        f"{company.name} sent you a result about the data you donated to “{setup.pilot.title}”."
    )


def test_a_result_about_the_donor_needs_no_donation_value_or_level(carol, setup):
    response = _post(
        carol, setup, {"donor": setup.volunteer.donor_id, "text": "  참여해 주셔서 감사합니다.  "}
    )

    assert response.status_code == 201
    result = DonationResult.objects.get()
    assert (result.donation, result.value, result.unit, result.level) == (None, None, "", "")
    assert result.text == "참여해 주셔서 감사합니다."


def test_a_result_may_be_sent_after_the_pilot_stopped_collecting(carol, setup):
    setup.pilot.stage = PilotStage.EVALUATING
    setup.pilot.save(update_fields=["stage"])

    assert _post(carol, setup, _result(setup)).status_code == 201


def test_the_list_holds_only_this_companys_results_newest_first(
    carol, company, setup, other_company, django_assert_num_queries
):
    first = _post(carol, setup, _result(setup, text="첫 번째")).json()["id"]
    second = _post(carol, setup, _result(setup, text="두 번째")).json()["id"]
    elsewhere = donation_pilot(company=other_company, volunteer_user=UserFactory(username="gina"))
    services.donation_result_post(
        pilot=elsewhere.pilot,
        company=other_company,
        by=UserFactory(username="dave"),
        donor_id=elsewhere.volunteer.donor_id,
        text="다른 실증",
    )

    with django_assert_num_queries(5):
        response = client_for(carol).get(_url(setup))

    assert [row["id"] for row in response.json()["results"]] == [second, first]


# --- Refused results ------------------------------------------------------------------------


def test_a_donor_who_withdrew_gets_no_result(carol, setup):
    donation = donate(setup)
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request, keep_donations=True)

    about_donor = _post(carol, setup, _result(setup))
    about_donation = _post(carol, setup, _result(setup, donation=donation.pk), HTTP_ACCEPT_LANGUAGE="en")

    assert (about_donor.status_code, about_donation.status_code) == (403, 403)
    assert about_donor.json()["error"]["fields"] == {
        "donor": ["이 기부자는 소속 기업이 받는 데이터 종류에 동의하고 있지 않아 결과를 보내지 않았습니다."]
    }
    assert about_donation.json()["error"]["fields"] == {
        "donor": ["This donor has no consent to a category your company receives: no result was sent."]
    }
    assert _nothing_sent()


def test_a_donor_whose_only_consent_goes_to_another_company_gets_no_result(carol, company, setup, staff_user):
    steps_only = VolunteerFactory(pilot=setup.pilot, user=UserFactory(username="gina"))
    bystander = UserFactory(username="frank").memberships.create(
        company=setup.pilot.companies.create(name="서창데이터", slug="seochang-data")
    )
    steps = services.data_request_add(
        pilot=setup.pilot,
        by=staff_user,
        category_code="steps",
        category_label="걸음 수",
        fields=[{"code": "steps", "label": "걸음 수", "unit": "", "min": 0, "max": 100000}],
        purpose="걷기 습관을 보기 위해",
        recipient_companies=[bystander.company],
        retention_days=30,
    )
    services.consent_give(volunteer=steps_only, data_request=steps)

    response = _post(carol, setup, _result(setup, donor=steps_only.donor_id))

    assert response.status_code == 403
    assert list(response.json()["error"]["fields"]) == ["donor"]
    assert _nothing_sent()


def test_a_donation_of_another_donor_or_one_past_reading_is_refused(carol, setup):
    gina = VolunteerFactory(pilot=setup.pilot, user=UserFactory(username="gina"))
    services.consent_give(volunteer=gina, data_request=setup.data_request)
    ginas = donate(DonationPilot(setup.pilot, setup.data_request, gina, None))

    response = _post(carol, setup, _result(setup, donation=ginas.pk), HTTP_ACCEPT_LANGUAGE="en")
    missing = _post(carol, setup, _result(setup, donation=ginas.pk + 1000))

    assert (response.status_code, missing.status_code) == (400, 400)
    assert response.json()["error"]["fields"] == {
        "donation": ["This is not a donation of this donor that your company may read."]
    }
    assert missing.json()["error"]["fields"] == {
        "donation": ["이 기부자의 기부 중 소속 기업이 읽을 수 있는 기부가 아닙니다."]
    }
    assert _nothing_sent()


def test_an_unknown_donor_is_named_in_the_error(carol, setup):
    response = _post(carol, setup, _result(setup, donor="D-000000000000"))

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"donor": ["이 실증 사업에 이 번호의 기부자가 없습니다."]}
    assert _nothing_sent()


@pytest.mark.parametrize(
    ("change", "field", "korean", "english"),
    [
        ({"text": ""}, "text", "이 필드는 blank일 수 없습니다.", "This field may not be blank."),
        ({"text": None}, "text", "이 필드는 null일 수 없습니다.", "This field may not be null."),
        (
            {"text": "가" * 501},
            "text",
            "이 필드의 글자 수가 500 이하인지 확인하세요.",
            "Ensure this field has no more than 500 characters.",
        ),
        ({"value": "높음"}, "value", "유효한 숫자를 입력하세요.", "A valid number is required."),
        (
            {"level": "panic"},
            "level",
            '"panic"은 유효하지 않은 선택입니다.',
            '"panic" is not a valid choice.',
        ),
        (
            {"unit": "m" * 21},
            "unit",
            "이 필드의 글자 수가 20 이하인지 확인하세요.",
            "Ensure this field has no more than 20 characters.",
        ),
    ],
    ids=["empty text", "no text", "text too long", "value not a number", "unknown level", "unit too long"],
)
def test_bad_input_is_named_in_the_users_language_and_nothing_is_sent(
    carol, setup, change, field, korean, english
):
    in_korean = _post(carol, setup, _result(setup, **change))
    in_english = _post(carol, setup, _result(setup, **change), HTTP_ACCEPT_LANGUAGE="en")

    assert (in_korean.status_code, in_english.status_code) == (400, 400)
    assert in_korean.json()["error"]["fields"] == {field: [korean]}
    assert in_english.json()["error"]["fields"] == {field: [english]}
    assert _nothing_sent()


def test_a_missing_text_and_a_control_character_are_refused(carol, setup):
    missing = _post(carol, setup, {"donor": setup.volunteer.donor_id})
    control = _post(carol, setup, _result(setup, text="정상\x07입니다"))

    assert missing.json()["error"]["fields"] == {"text": ["필수 항목입니다."]}
    assert control.status_code == 400
    assert list(control.json()["error"]["fields"]) == ["text"]
    assert _nothing_sent()
