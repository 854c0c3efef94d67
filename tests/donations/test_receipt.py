"""GET /api/v1/me/donations/<pilot_id>/receipt/: the donor's consent receipt, and only theirs."""

import pytest

from donations import services
from donations.models import DeletionReason

from .factories import HIGH_READING, NORMAL_READING, blood_pressure_request, donate, donation_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


def receipt_url(setup):
    return f"/api/v1/me/donations/{setup.pilot.pk}/receipt/"


def numbers_but_ids(node, key: str = ""):
    """Every number in a JSON answer but row ids, which may equal a donated value by chance."""
    if isinstance(node, dict):
        for name, value in node.items():
            yield from numbers_but_ids(value, name)
    elif isinstance(node, list):
        for item in node:
            yield from numbers_but_ids(item, key)
    elif isinstance(node, int | float) and not isinstance(node, bool) and not key.endswith("id"):
        yield node


def test_the_receipt_names_who_what_why_for_whom_how_long_and_every_event(api, setup, company):
    donate(setup, NORMAL_READING, HIGH_READING)
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)
    again = services.consent_give(volunteer=setup.volunteer, data_request=setup.data_request)
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request, keep_donations=True)

    response = api(setup.volunteer.user).get(receipt_url(setup))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="consent-receipt-pilot-{setup.pilot.pk}.json"'
    )
    receipt = response.json()
    assert receipt["version"] == "KI-CR-v1.1.0" and receipt["jurisdiction"] == "KR"
    assert receipt["consentReceiptID"] and receipt["timestamp"]
    assert receipt["piiControllers"][0]["piiController"] == "광주광역시 (Gwangju Metropolitan City)"
    assert receipt["piiPrincipalId"] == setup.volunteer.donor_id
    assert receipt["principal"]["username"] == "erin"
    assert receipt["principal"]["email"] == setup.volunteer.user.email
    assert receipt["pilot"]["id"] == setup.pilot.pk
    (service,) = receipt["services"]
    assert service["service"] == "혈압과 맥박" and service["category_code"] == "blood_pressure"
    assert service["purposes"][0]["purpose"] == setup.data_request.purpose
    assert service["purposes"][0]["consentType"] == "EXPLICIT"
    assert service["purposes"][0]["termination"] == "P30D"
    assert service["recipients"] == [{"name": company.name, "slug": company.slug}]
    assert service["retention_days"] == 30
    assert service["consent_text"] == setup.consent.consent_text
    assert [c["consent_text"] for c in service["consents"]] == [setup.consent.consent_text] * 2
    assert [(c["consent_id"], c["keeps_donations"]) for c in service["consents"]] == [
        (setup.consent.pk, False),
        (again.pk, True),
    ]
    assert [e["event"] for e in service["events"]] == [
        "granted",
        "withdrawn",
        "deleted",
        "granted",
        "withdrawn",
    ]
    withdrawn = [e for e in service["events"] if e["event"] == "withdrawn"]
    assert [e["keeps_donations"] for e in withdrawn] == [False, True]
    assert service["deletions"] == [
        {
            "deleted_at": service["deletions"][0]["deleted_at"],
            "reason": DeletionReason.WITHDRAWAL,
            "donations": 1,
            "readings": 2,
        }
    ]
    # counts, never values
    assert set(numbers_but_ids(receipt)).isdisjoint({*NORMAL_READING.values(), *HIGH_READING.values()})


def test_the_receipt_lists_each_category_the_donor_consented_to(api, setup):
    evening = blood_pressure_request(setup.pilot, code="blood_pressure_evening")
    services.consent_give(volunteer=setup.volunteer, data_request=evening)

    receipt = api(setup.volunteer.user).get(receipt_url(setup)).json()

    assert [s["category_code"] for s in receipt["services"]] == ["blood_pressure", "blood_pressure_evening"]


def test_a_donor_who_left_still_gets_their_receipt(api, setup):
    services.volunteer_leave(volunteer=setup.volunteer)

    receipt = api(setup.volunteer.user).get(receipt_url(setup)).json()

    assert receipt["principal"]["left_at"] is not None
    assert receipt["services"][0]["consents"][0]["withdrawn_at"] is not None


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 403), ("other_citizen", 404), ("company_member", 404), ("staff", 404)],
)
def test_no_one_else_gets_the_donors_receipt(api, setup, bob, carol, staff_user, who, status):
    user = {"anonymous": None, "other_citizen": bob, "company_member": carol, "staff": staff_user}[who]

    response = api(user).get(receipt_url(setup))

    assert response.status_code == status
    assert setup.volunteer.donor_id not in response.content.decode()


def test_my_donations_links_the_receipt_as_a_download(client, setup):
    client.force_login(setup.volunteer.user)

    html = client.get("/me/donations/").content.decode()

    assert (
        f'href="/api/v1/me/donations/{setup.pilot.pk}/receipt/" '
        f'download="consent-receipt-pilot-{setup.pilot.pk}.json"'
    ) in html


def test_the_receipt_names_the_pilot_in_korean_and_in_english(api, setup):
    korean_only = api(setup.volunteer.user).get(receipt_url(setup)).json()["pilot"]
    setup.pilot.title_en = "Blood pressure in the park"
    setup.pilot.save(update_fields=["title_en"])

    english = api(setup.volunteer.user).get(receipt_url(setup), HTTP_ACCEPT_LANGUAGE="en").json()["pilot"]

    assert (korean_only["title"], korean_only["title_en"]) == (setup.pilot.title, "")
    assert (english["title"], english["title_en"]) == (setup.pilot.title, "Blood pressure in the park")
