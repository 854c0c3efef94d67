"""A pilot's venue in Korean and, if staff give one, in English: shown in the reader's language
on its page, in the list and in the API, with the Korean, said to be so, where no English was
given (core.bilingual, as the pilot's title and description)."""

import pytest
from django.utils import translation

from accounts.models import AuditEntry
from pilots.models import Pilot, PilotStage
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.core.test_control_characters_refused import ONE_LINE_KO
from tests.pages import KOREAN_ONLY_ON_PAGE, page_html
from tests.pilots.factories import PILOT_PERSONAS, PilotFactory, pilot_personas

pytestmark = pytest.mark.django_db

KOREAN = "중외공원 건강측정소"
ENGLISH = "Jungoe Park health station"
NOTE = '<span class="korean-only">(written in Korean only)</span>'


@pytest.fixture
def pilot(company):
    return PilotFactory(
        stage=PilotStage.RECRUITING,
        companies=[company],
        title="공원 혈압 실증",
        title_en="Blood pressure in the park",
        description="공원 측정소에서 혈압을 잽니다.",
        description_en="Blood pressure is measured at the park's station.",
        venue=KOREAN,
        venue_en=ENGLISH,
    )


@pytest.fixture
def korean_only(company):
    return PilotFactory(stage=PilotStage.RECRUITING, companies=[company], venue="북구 보건소")


def _create(staff, idea, company, **texts):
    return staff.post(
        "/api/v1/pilots/",
        {
            "idea": idea.pk,
            "companies": [company.slug],
            "title": "공원 혈압 실증",
            "description": "공원 측정소에서 혈압을 잽니다.",
            **texts,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _post_create_page(client, idea, company, **fields):
    """The staff's create-a-pilot page sent with a valid pilot and these fields."""
    form = {
        "title": "공원 혈압 실증",
        "description": "공원 측정소에서 혈압을 잽니다.",
        "district": idea.district,
        "companies": [company.pk],
    }
    return client.post(f"/staff/ideas/{idea.pk}/pilot/", {**form, **fields})


def test_the_venue_is_shown_in_the_readers_language(pilot, korean_only):
    with translation.override("en"):
        english, fallback = pilot.shown_venue, korean_only.shown_venue
    with translation.override("ko"):
        korean = pilot.shown_venue

    assert (english.text, english.language, english.korean_only) == (ENGLISH, "en", False)
    assert (fallback.text, fallback.language, fallback.korean_only) == ("북구 보건소", "ko", True)
    assert (korean.text, korean.korean_only) == (KOREAN, False)


def test_the_pilot_page_and_list_read_the_venue_in_english(pilot):
    page = page_html(f"/pilots/{pilot.pk}/", "en")
    listed = page_html("/pilots/", "en")

    for html in (page, listed):
        assert f' · <span class="meta-item">{ENGLISH}</span></p>' in html
        # Title, description and venue all given in English: nothing left in Korean only.
        assert KOREAN not in html and NOTE not in html and KOREAN_ONLY_ON_PAGE not in html


def test_the_pilot_page_reads_the_korean_venue_in_korean(pilot):
    page = page_html(f"/pilots/{pilot.pk}/", "ko")
    listed = page_html("/pilots/", "ko")

    for html in (page, listed):
        assert f' · <span class="meta-item">{KOREAN}</span></p>' in html
        assert ENGLISH not in html


def test_a_venue_written_in_korean_only_is_marked_so_for_readers_of_english(korean_only):
    english = page_html(f"/pilots/{korean_only.pk}/", "en")
    listed = page_html("/pilots/", "en")
    korean = page_html(f"/pilots/{korean_only.pk}/", "ko")

    # The pilot's page and the list each say it once for all their texts in Korean only, not
    # beside each.
    for html in (english, listed):
        assert ' · <span class="meta-item"><span lang="ko">북구 보건소</span></span></p>' in html
        assert html.count(KOREAN_ONLY_ON_PAGE) == 1 and NOTE not in html
    # Under the list's title, before the pilots.
    assert listed.index("</h1>") < listed.index(KOREAN_ONLY_ON_PAGE) < listed.index('<ul class="cards">')
    assert "(written in Korean only)" not in korean and "한국어로만" not in korean


def test_a_pilot_without_a_venue_shows_none(company):
    pilot = PilotFactory(stage=PilotStage.RECRUITING, companies=[company], venue="")

    page = page_html(f"/pilots/{pilot.pk}/", "en")

    assert NOTE not in page.split("</h1>", 1)[1].split("</p>", 1)[0]


def test_staff_give_the_english_venue_on_the_create_page(client, staff_user, idea, company):
    client.force_login(staff_user)

    form = client.get(f"/staff/ideas/{idea.pk}/pilot/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    response = _post_create_page(client, idea, company, venue=KOREAN, venue_en=f"  {ENGLISH} ")

    assert 'name="venue_en"' in form and "venue in English" in form
    pilot = Pilot.objects.get()
    assert response.status_code == 302 and response.url == f"/pilots/{pilot.pk}/"
    assert (pilot.venue, pilot.venue_en) == (KOREAN, ENGLISH)


def test_the_create_page_leaves_the_english_venue_optional(client, staff_user, idea, company):
    client.force_login(staff_user)

    response = _post_create_page(client, idea, company, venue=KOREAN)

    assert response.status_code == 302
    assert (Pilot.objects.get().venue, Pilot.objects.get().venue_en) == (KOREAN, "")


@pytest.mark.parametrize("field", ["venue", "venue_en"])
def test_the_create_page_refuses_a_control_character_in_either_venue(
    client, staff_user, idea, company, field
):
    client.force_login(staff_user)

    response = _post_create_page(client, idea, company, **{field: "Jungoe Park\x1b[31m"})

    # Refused beside the field, what was typed kept, rather than an error page.
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [ONE_LINE_KO]
    assert not Pilot.objects.exists()


def test_the_api_takes_the_english_venue_when_a_pilot_is_created(api, staff_user, idea, company):
    response = _create(api(staff_user), idea, company, venue=KOREAN, venue_en=f" {ENGLISH} ")

    assert response.status_code == 201
    body = response.json()
    assert (body["venue"], body["venue_language"]) == (ENGLISH, "en")
    assert (body["texts"]["ko"]["venue"], body["texts"]["en"]["venue"]) == (KOREAN, ENGLISH)
    assert (Pilot.objects.get().venue, Pilot.objects.get().venue_en) == (KOREAN, ENGLISH)


def test_the_api_gives_the_venue_in_the_readers_language_and_both_as_written(api, staff_user, idea, company):
    staff = api(staff_user)
    url = f"/api/v1/pilots/{_create(staff, idea, company, venue=KOREAN).json()['id']}/"

    korean_only = staff.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    changed = staff.patch(url, {"venue_en": ENGLISH}, format="json")
    english = staff.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    korean = staff.get(url, HTTP_ACCEPT_LANGUAGE="ko").json()
    listed = staff.get("/api/v1/pilots/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]

    assert (korean_only["venue"], korean_only["venue_language"]) == (KOREAN, "ko")
    assert (korean_only["texts"]["ko"]["venue"], korean_only["texts"]["en"]["venue"]) == (KOREAN, "")
    assert changed.status_code == 200
    assert (english["venue"], english["venue_language"]) == (ENGLISH, "en")
    assert (korean["venue"], korean["venue_language"]) == (KOREAN, "ko")
    assert english["texts"] == korean["texts"]
    assert (english["texts"]["ko"]["venue"], english["texts"]["en"]["venue"]) == (KOREAN, ENGLISH)
    assert [(row["venue"], row["venue_language"]) for row in listed] == [(ENGLISH, "en")]
    assert (listed[0]["texts"]["ko"]["venue"], listed[0]["texts"]["en"]["venue"]) == (KOREAN, ENGLISH)
    assert Pilot.objects.get().venue_en == ENGLISH


def test_a_change_of_the_english_venue_is_audited(api, staff_user, pilot):
    response = api(staff_user).patch(f"/api/v1/pilots/{pilot.pk}/", {"venue_en": "Jungoe Park"})

    assert response.status_code == 200
    audit = AuditEntry.objects.get(action="pilot_edit", target_id=pilot.pk)
    assert (audit.before["venue_en"], audit.after["venue_en"]) == (ENGLISH, "Jungoe Park")
    assert audit.before["venue"] == audit.after["venue"] == KOREAN


def test_the_api_refuses_a_control_character_in_the_english_venue(api, staff_user, pilot):
    response = api(staff_user).patch(f"/api/v1/pilots/{pilot.pk}/", {"venue_en": "Jungoe Park\x07"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"]["venue_en"] == [ONE_LINE_KO]
    assert Pilot.objects.get(pk=pilot.pk).venue_en == ENGLISH


def test_the_api_refuses_an_english_venue_over_the_korean_ones_length(api, staff_user, pilot):
    response = api(staff_user).patch(f"/api/v1/pilots/{pilot.pk}/", {"venue_en": "x" * 201})

    assert response.status_code == 400
    assert "venue_en" in response.json()["error"]["fields"]
    assert Pilot.objects.get(pk=pilot.pk).venue_en == ENGLISH


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_only_staff_change_the_english_venue(personas, pilot, other_company, persona):
    everyone = pilot_personas(personas, pilot)

    response = client_for(everyone[persona]).patch(f"/api/v1/pilots/{pilot.pk}/", {"venue_en": "Elsewhere"})

    assert response.status_code == (200 if persona == "staff" else 403)
    assert Pilot.objects.get(pk=pilot.pk).venue_en == ("Elsewhere" if persona == "staff" else ENGLISH)


def test_a_citizen_cannot_create_a_pilot_with_an_english_venue(client, alice, idea, company):
    client.force_login(alice)

    response = _post_create_page(client, idea, company, venue_en=ENGLISH)

    assert response.status_code == 403
    assert not Pilot.objects.exists()


def test_the_admin_edits_and_finds_the_english_venue(client, pilot):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get(f"/admin/pilots/pilot/{pilot.pk}/change/").content.decode()
    found = client.get("/admin/pilots/pilot/", {"q": "Jungoe"}).content.decode()

    assert 'name="venue_en"' in page and f'value="{ENGLISH}"' in page
    assert "공원 혈압 실증" in found


def test_a_venue_given_in_english_only_is_shown_to_readers_of_english(company):
    pilot = PilotFactory(stage=PilotStage.RECRUITING, companies=[company], venue="", venue_en=ENGLISH)

    english = page_html(f"/pilots/{pilot.pk}/", "en")
    listed = page_html("/pilots/", "en")
    korean = page_html(f"/pilots/{pilot.pk}/", "ko")

    for html in (english, listed):
        assert f' · <span class="meta-item">{ENGLISH}</span></p>' in html
    assert ENGLISH not in korean
