"""A pilot's description in Korean and, if staff give one, in English: shown in the reader's
language on its page and in the API, with the Korean, said to be so, where no English was given
(core.bilingual, as the pilot's title)."""

import pytest
from django.utils import translation

from pilots.models import Pilot, PilotStage
from tests.accounts.factories import UserFactory
from tests.pages import KOREAN_ONLY_ON_PAGE, page_html
from tests.pilots.factories import PilotFactory

pytestmark = pytest.mark.django_db

KOREAN = "공원 측정소에서 혈압을 잽니다.\n결과는 보건소와 나눕니다."
ENGLISH = "Blood pressure is measured at the park's station.\nThe results go to the health centre."
NOTE = '<span class="korean-only">(written in Korean only)</span>'


@pytest.fixture
def pilot(company):
    return PilotFactory(
        stage=PilotStage.RECRUITING,
        companies=[company],
        title="공원 혈압 실증",
        title_en="Blood pressure in the park",
        description=KOREAN,
        description_en=ENGLISH,
        venue_en="Buk-gu public health centre",
    )


@pytest.fixture
def korean_only(company):
    return PilotFactory(stage=PilotStage.RECRUITING, companies=[company], description=KOREAN)


def test_the_description_is_shown_in_the_readers_language(pilot, korean_only):
    with translation.override("en"):
        english, fallback = pilot.shown_description, korean_only.shown_description
    with translation.override("ko"):
        korean = pilot.shown_description

    assert (english.text, english.language, english.korean_only) == (ENGLISH, "en", False)
    assert (fallback.text, fallback.language, fallback.korean_only) == (KOREAN, "ko", True)
    assert (korean.text, korean.korean_only) == (KOREAN, False)


def test_the_pilot_page_reads_the_description_in_english_with_its_line_breaks(pilot):
    english = page_html(f"/pilots/{pilot.pk}/", "en")
    korean = page_html(f"/pilots/{pilot.pk}/", "ko")

    lines = "Blood pressure is measured at the park&#x27;s station.<br>The results go to the health centre."
    assert f"<p>{lines}</p>" in english
    assert "공원 측정소" not in english and NOTE not in english
    assert "<p>공원 측정소에서 혈압을 잽니다.<br>결과는 보건소와 나눕니다.</p>" in korean
    assert "health centre" not in korean


def test_a_description_written_in_korean_only_is_marked_so_for_readers_of_english(korean_only):
    english = page_html(f"/pilots/{korean_only.pk}/", "en")
    korean = page_html(f"/pilots/{korean_only.pk}/", "ko")

    lines = "공원 측정소에서 혈압을 잽니다.<br>결과는 보건소와 나눕니다."
    assert f'<p><span lang="ko">{lines}</span></p>' in english
    assert english.count(KOREAN_ONLY_ON_PAGE) == 1 and NOTE not in english
    assert "(written in Korean only)" not in korean and "한국어로만" not in korean


def test_staff_give_the_english_description_on_the_create_page(client, staff_user, idea, company):
    client.force_login(staff_user)

    form = client.get(f"/staff/ideas/{idea.pk}/pilot/").content.decode()
    response = client.post(
        f"/staff/ideas/{idea.pk}/pilot/",
        {
            "title": "공원 혈압 실증",
            "description": KOREAN,
            # A textarea sends its line breaks as CRLF: kept as one line break each.
            "description_en": f"  {ENGLISH.replace(chr(10), chr(13) + chr(10))}\r\n",
            "district": idea.district,
            "companies": [company.pk],
        },
    )

    assert '<textarea name="description_en"' in form
    pilot = Pilot.objects.get()
    assert response.status_code == 302 and response.url == f"/pilots/{pilot.pk}/"
    assert (pilot.description, pilot.description_en) == (KOREAN, ENGLISH)


def test_the_create_page_leaves_the_english_description_optional(client, staff_user, idea, company):
    client.force_login(staff_user)

    response = client.post(
        f"/staff/ideas/{idea.pk}/pilot/",
        {
            "title": "공원 혈압 실증",
            "description": KOREAN,
            "district": idea.district,
            "companies": [company.pk],
        },
    )

    assert response.status_code == 302
    assert Pilot.objects.get().description_en == ""


def test_the_api_gives_the_description_in_the_readers_language_and_both_as_written(
    api, staff_user, idea, company
):
    staff = api(staff_user)
    created = staff.post(
        "/api/v1/pilots/",
        {"idea": idea.pk, "companies": [company.slug], "title": "공원 혈압 실증", "description": KOREAN},
    ).json()
    url = f"/api/v1/pilots/{created['id']}/"

    korean_only = staff.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    changed = staff.patch(url, {"description_en": ENGLISH}, format="json")
    english = staff.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    korean = staff.get(url, HTTP_ACCEPT_LANGUAGE="ko").json()

    assert (korean_only["description"], korean_only["description_language"]) == (KOREAN, "ko")
    assert korean_only["texts"]["en"]["description"] == ""
    assert changed.status_code == 200
    assert (english["description"], english["description_language"]) == (ENGLISH, "en")
    assert (korean["description"], korean["description_language"]) == (KOREAN, "ko")
    assert english["texts"] == korean["texts"]
    assert english["texts"]["ko"]["description"] == KOREAN
    assert english["texts"]["en"]["description"] == ENGLISH
    assert Pilot.objects.get().description_en == ENGLISH


def test_the_api_takes_the_english_description_when_a_pilot_is_created(api, staff_user, idea, company):
    response = api(staff_user).post(
        "/api/v1/pilots/",
        {
            "idea": idea.pk,
            "companies": [company.slug],
            "title": "공원 혈압 실증",
            "description": KOREAN,
            "description_en": f" {ENGLISH} ",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 201
    assert (response.json()["description"], response.json()["description_language"]) == (ENGLISH, "en")
    assert Pilot.objects.get().description_en == ENGLISH


def test_the_admin_edits_the_english_description(client, pilot):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get(f"/admin/pilots/pilot/{pilot.pk}/change/").content.decode()
    found = client.get("/admin/pilots/pilot/", {"q": "health centre"}).content.decode()

    assert 'name="description_en"' in page and "The results go to the health centre." in page
    assert "공원 혈압 실증" in found
