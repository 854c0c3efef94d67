"""/me/donations/<pilot_id>/receipt/: the donor's consent receipt as a page to read and print, with
the JSON as a second link; only the donor may open it."""

import re

import pytest

from donations import services

from .factories import HIGH_READING, NORMAL_READING, donate, donation_pilot

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


def receipt_page(setup) -> str:
    return f"/me/donations/{setup.pilot.pk}/receipt/"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_receipt_says_what_was_consented_to_for_whom_when_and_how_to_withdraw(client, setup, company):
    donate(setup, NORMAL_READING, HIGH_READING)
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request, keep_donations=True)
    client.force_login(setup.volunteer.user)

    response = client.get(receipt_page(setup))

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    text = text_of(page)
    assert '<h1 id="receipt-title">내 동의 영수증</h1>' in page
    assert setup.pilot.title in text
    assert setup.volunteer.donor_id in text and "erin" in text
    assert "혈압과 맥박" in text and "동의 철회" in text
    assert setup.data_request.purpose in text
    assert "수축기 혈압 (mmHg)" in text and "맥박 (bpm)" in text
    assert company.name in text
    assert "기부한 날부터 30일 동안 보관한 뒤 삭제" in text
    events_list = page.split('class="receipt-events"')[1].split("</ul>")[0]
    events = re.findall(r"<li>\s*(.*?)\s*</li>", events_list, re.S)
    assert [event.split(": ", 1)[1] for event in events] == ["동의", "동의 철회, 기존 기부 데이터 보관"]
    assert setup.consent.consent_text in text
    assert "언제든지 ‘내 데이터 기부’나 실증 사업 페이지에서 동의를 철회할 수 있습니다." in text
    # The JSON download is a second, smaller link.
    json_url = f"/api/v1/me/donations/{setup.pilot.pk}/receipt/"
    assert re.search(rf'<a href="{json_url}" download="[^"]+">기계 판독용 \(JSON\)</a>', page)


def test_the_receipt_is_in_the_pages_language(client, setup):
    client.force_login(setup.volunteer.user)
    client.cookies["django_language"] = "en"

    text = text_of(client.get(receipt_page(setup)).content.decode())

    assert "My consent receipt" in text and "Consent given" in text and "How to withdraw" in text
    assert "You can withdraw any consent at any time, on My donations or on the pilot's page." in text
    # The pilot and its request were written in Korean only: said once, under the title.
    assert text.count("Parts of this page are in Korean only") == 1


def test_my_donations_leads_to_the_page_first_and_to_the_json_second(client, setup):
    client.force_login(setup.volunteer.user)

    page = client.get("/me/donations/").content.decode()

    receipt_link = page.index(f'href="/me/donations/{setup.pilot.pk}/receipt/"')
    json_link = page.index(f'href="/api/v1/me/donations/{setup.pilot.pk}/receipt/"')
    assert receipt_link < json_link
    assert "내 동의 영수증 내려받기" not in page


@pytest.mark.parametrize("who", ["other_citizen", "staff", "company_member"])
def test_no_one_but_the_donor_opens_it(client, setup, bob, staff_user, carol, who):
    client.force_login({"other_citizen": bob, "staff": staff_user, "company_member": carol}[who])

    response = client.get(receipt_page(setup))

    assert response.status_code == 404
    assert setup.volunteer.donor_id not in response.content.decode()


def test_anonymous_is_sent_to_log_in(client, setup):
    response = client.get(receipt_page(setup))

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_one_who_left_still_has_their_receipt(client, setup):
    services.volunteer_leave(volunteer=setup.volunteer, keep_donations=False)
    client.force_login(setup.volunteer.user)

    text = text_of(client.get(receipt_page(setup)).content.decode())

    assert "동의 철회" in text and "참여 종료" in text
