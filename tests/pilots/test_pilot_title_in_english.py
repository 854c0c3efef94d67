"""A pilot's title in Korean and, if staff give one, in English: shown in the reader's language
on its page, in the lists and in the consent text written for its data requests, with the Korean,
said to be so, where no English was given (core.bilingual, as a data request's texts)."""

import pytest
from django.utils import translation

from accounts.models import Notification
from donations import services as donation_services
from pilots import services
from pilots.models import Pilot, PilotStage
from tests.accounts.factories import UserFactory
from tests.core.test_control_characters_refused import ONE_LINE_KO
from tests.donations.factories import BLOOD_PRESSURE_FIELDS
from tests.donations.stations import register_station, station_client
from tests.pages import KOREAN_ONLY_ON_PAGE, page_html
from tests.pilots.factories import PilotFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

KOREAN = "공원 혈압 실증"
ENGLISH = "Blood pressure in the park"


@pytest.fixture
def pilot(company):
    return PilotFactory(stage=PilotStage.RECRUITING, companies=[company], title=KOREAN, title_en=ENGLISH)


@pytest.fixture
def korean_only(company):
    return PilotFactory(stage=PilotStage.RECRUITING, companies=[company], title="복약 알림 실증")


def test_the_title_is_shown_in_the_readers_language(pilot, korean_only):
    with translation.override("en"):
        english, fallback = pilot.shown_title, korean_only.shown_title
    with translation.override("ko"):
        korean = pilot.shown_title

    assert (english.text, english.language, english.korean_only) == (ENGLISH, "en", False)
    assert (fallback.text, fallback.language, fallback.korean_only) == ("복약 알림 실증", "ko", True)
    assert (korean.text, korean.korean_only) == (KOREAN, False)


def test_the_pilot_page_and_list_read_the_title_in_english(pilot, korean_only):
    page = page_html(f"/pilots/{pilot.pk}/", "en")
    listed = page_html("/pilots/", "en")

    assert f"<h1>{ENGLISH}</h1>" in page and f"<title>{ENGLISH}" in page
    assert f">{ENGLISH}</a>" in listed
    # Without English: the Korean, marked as Korean for a screen reader; the list says once,
    # under its title, that parts of it are in Korean only.
    assert '<span lang="ko">복약 알림 실증</span>' in listed
    assert listed.count(KOREAN_ONLY_ON_PAGE) == 1 and "(written in Korean only)" not in listed
    page = page_html(f"/pilots/{korean_only.pk}/", "en")
    # The page says once, under the title, that parts of it are in Korean only.
    assert '<h1><span lang="ko">복약 알림 실증</span></h1>' in page
    assert page.count(KOREAN_ONLY_ON_PAGE) == 1


def test_the_list_of_pilots_all_in_english_says_nothing_of_korean(pilot):
    Pilot.objects.filter(pk=pilot.pk).update(venue_en="Buk-gu public health centre")

    listed = page_html("/pilots/", "en")

    assert f">{ENGLISH}</a>" in listed and KOREAN_ONLY_ON_PAGE not in listed


def test_the_list_read_in_korean_says_nothing_of_the_kind(korean_only):
    listed = page_html("/pilots/", "ko")

    assert KOREAN_ONLY_ON_PAGE not in listed and "한국어로만" not in listed


def test_the_pilot_page_reads_the_korean_title_in_korean(pilot):
    page = page_html(f"/pilots/{pilot.pk}/", "ko")

    assert f"<h1>{KOREAN}</h1>" in page and ENGLISH not in page


def test_a_data_requests_consent_texts_each_name_the_pilot_in_their_language(pilot, staff_user):
    data_request = donation_services.data_request_add(
        pilot=pilot,
        by=staff_user,
        category_code="blood_pressure",
        category_label="혈압과 맥박",
        category_label_en="Blood pressure and pulse",
        fields=BLOOD_PRESSURE_FIELDS,
        purpose="혈압 변화 분석",
        retention_days=30,
    )

    assert data_request.consent_text.startswith(f"“{KOREAN}” 실증 사업에 나의 혈압과 맥박 데이터를")
    assert data_request.consent_text_en.startswith(
        f"I agree to donate the following data to the pilot “{ENGLISH}”: Blood pressure and pulse."
    )
    assert KOREAN not in data_request.consent_text_en
    english_page = page_html(f"/pilots/{pilot.pk}/", "en")
    assert f"the pilot “{ENGLISH}”" in english_page.replace("&ldquo;", "“").replace("&rdquo;", "”")


def test_staff_give_the_english_title_on_the_create_page(client, staff_user, idea, company):
    client.force_login(staff_user)

    form = client.get(f"/staff/ideas/{idea.pk}/pilot/").content.decode()
    response = client.post(
        f"/staff/ideas/{idea.pk}/pilot/",
        {
            "title": KOREAN,
            "title_en": f"  {ENGLISH} ",
            "description": "공원 측정소에서 혈압을 잽니다.",
            "district": idea.district,
            "companies": [company.pk],
        },
    )

    assert 'name="title_en"' in form
    pilot = Pilot.objects.get()
    assert response.status_code == 302 and response.url == f"/pilots/{pilot.pk}/"
    assert (pilot.title, pilot.title_en) == (KOREAN, ENGLISH)


def test_the_api_gives_the_title_in_the_readers_language_and_both_as_written(api, staff_user, idea, company):
    staff = api(staff_user)
    created = staff.post(
        "/api/v1/pilots/",
        {
            "idea": idea.pk,
            "companies": [company.slug],
            "title": KOREAN,
            "description": "공원 측정소에서 혈압을 잽니다.",
        },
    ).json()
    url = f"/api/v1/pilots/{created['id']}/"

    korean_only = staff.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    changed = staff.patch(url, {"title_en": ENGLISH}, format="json")
    english = staff.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    korean = staff.get(url, HTTP_ACCEPT_LANGUAGE="ko").json()
    listed = staff.get("/api/v1/pilots/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]

    assert (korean_only["title"], korean_only["title_language"]) == (KOREAN, "ko")
    description = "공원 측정소에서 혈압을 잽니다."
    assert korean_only["texts"] == {
        "ko": {"title": KOREAN, "venue": "", "description": description},
        "en": {"title": "", "venue": "", "description": ""},
    }
    assert changed.status_code == 200
    assert (english["title"], english["title_language"]) == (ENGLISH, "en")
    assert (korean["title"], korean["title_language"]) == (KOREAN, "ko")
    assert english["texts"] == korean["texts"]
    assert (english["texts"]["ko"]["title"], english["texts"]["en"]["title"]) == (KOREAN, ENGLISH)
    assert [(row["title"], row["title_language"]) for row in listed] == [(ENGLISH, "en")]
    # The list has no description: its texts are the title's and the venue's.
    assert listed[0]["texts"] == {"ko": {"title": KOREAN, "venue": ""}, "en": {"title": ENGLISH, "venue": ""}}
    assert Pilot.objects.get().title_en == ENGLISH


def test_the_station_screen_names_the_pilot_in_its_language(pilot):
    registered = register_station(pilot)

    english = station_client(registered.key, "en").get("/api/v1/station/").json()
    korean = station_client(registered.key, "ko").get("/api/v1/station/").json()

    assert (english["pilot_title"], english["pilot_title_language"]) == (ENGLISH, "en")
    assert (korean["pilot_title"], korean["pilot_title_language"]) == (KOREAN, "ko")


def test_news_of_the_pilot_names_it_in_each_followers_language(pilot, staff_user):
    english_reader = UserFactory(username="erin", preferred_language="en")
    korean_reader = UserFactory(username="minji", preferred_language="ko")
    for user in (english_reader, korean_reader):
        VolunteerFactory(pilot=pilot, user=user)

    services.pilot_update_post(pilot=pilot, by=staff_user, body="측정소가 문을 열었습니다.")

    titles = dict(Notification.objects.values_list("user__username", "title"))
    assert titles["erin"] == f"News from the pilot “{ENGLISH}”"
    assert KOREAN in titles["minji"] and ENGLISH not in titles["minji"]


def test_the_admin_edits_the_english_title(client, pilot):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get(f"/admin/pilots/pilot/{pilot.pk}/change/").content.decode()
    found = client.get("/admin/pilots/pilot/", {"q": "in the park"}).content.decode()

    assert 'name="title_en"' in page and f'value="{ENGLISH}"' in page
    assert KOREAN in found


def test_the_admin_list_has_the_english_title_as_a_column(client, pilot, korean_only):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get("/admin/pilots/pilot/").content.decode()

    assert 'column-title_en"' in page
    assert f'<td class="field-title_en">{ENGLISH}</td>' in page
    # A pilot titled in Korean only: its English cell says it is empty.
    assert '<td class="field-title_en">-</td>' in page


@pytest.mark.parametrize("field", ["title", "title_en"])
def test_the_create_page_refuses_a_control_character_in_either_title(
    client, staff_user, idea, company, field
):
    client.force_login(staff_user)
    form = {
        "title": "공원 혈압 실증",
        "description": "공원 측정소에서 혈압을 잽니다.",
        "district": idea.district,
        "companies": [company.pk],
    }

    response = client.post(f"/staff/ideas/{idea.pk}/pilot/", {**form, field: "Park\x1b[31m pressure"})

    # Refused beside the field, what was typed kept, rather than an error page.
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [ONE_LINE_KO]
    assert not Pilot.objects.exists()
