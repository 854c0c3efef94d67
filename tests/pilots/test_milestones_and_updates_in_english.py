"""A pilot's milestones and public updates in Korean and, if staff give them, in English: shown
in the reader's language on the pilot's page and in the API, with the Korean, said to be so,
where no English was given, and told to followers in their own language (core.bilingual, as the
pilot's title)."""

import pytest
from django.utils import translation

from accounts.models import AuditEntry, Notification, NotificationKind
from pilots import services
from pilots.models import PilotMilestone, PilotStage, PilotUpdate
from tests.accounts.factories import UserFactory
from tests.conftest import client_for
from tests.core.test_control_characters_refused import ONE_LINE_KO, TEXT_KO
from tests.pages import KOREAN_ONLY_ON_PAGE, page_html
from tests.pilots.factories import (
    PILOT_PERSONAS,
    MilestoneFactory,
    PilotFactory,
    VolunteerFactory,
    pilot_personas,
)

pytestmark = pytest.mark.django_db

MILESTONE = "센서 설치"
MILESTONE_EN = "Install the sensors"
UPDATE = "20가구 모두 센서 설치를 마쳤습니다.\n감사드립니다."
UPDATE_EN = "The sensors are installed in all 20 homes.\nThank you."
NOTE = '<span class="korean-only">(written in Korean only)</span>'


@pytest.fixture
def pilot(company):
    # Everything else on the page in English too, so any note on it is the milestones' or the news'.
    return PilotFactory(
        stage=PilotStage.RUNNING,
        companies=[company],
        title="공원 혈압 실증",
        title_en="Blood pressure in the park",
        description="공원 측정소에서 혈압을 잽니다.",
        description_en="Blood pressure is measured at the park's station.",
        venue="중외공원",
        venue_en="Jungoe Park",
    )


def _update(pilot, body: str, body_en: str = "") -> PilotUpdate:
    return PilotUpdate.objects.create(pilot=pilot, body=body, body_en=body_en)


def _manage(client, pilot, **posted):
    return client.post(f"/pilots/{pilot.pk}/manage/", posted)


# --- Shown in the reader's language ---------------------------------------------------------


def test_a_milestone_and_an_update_are_shown_in_the_readers_language(pilot):
    milestone = MilestoneFactory(pilot=pilot, title=MILESTONE, title_en=MILESTONE_EN)
    korean_milestone = MilestoneFactory(pilot=pilot, title="중간 점검")
    update, korean_update = _update(pilot, UPDATE, UPDATE_EN), _update(pilot, "결과 발표")

    with translation.override("en"):
        english = (milestone.shown_title, update.shown_body)
        fallback = (korean_milestone.shown_title, korean_update.shown_body)
    with translation.override("ko"):
        korean = (milestone.shown_title, update.shown_body)

    assert [(t.text, t.language, t.korean_only) for t in english] == [
        (MILESTONE_EN, "en", False),
        (UPDATE_EN, "en", False),
    ]
    assert [(t.text, t.language, t.korean_only) for t in fallback] == [
        ("중간 점검", "ko", True),
        ("결과 발표", "ko", True),
    ]
    assert [(t.text, t.korean_only) for t in korean] == [(MILESTONE, False), (UPDATE, False)]


def test_the_pilot_page_reads_milestones_and_updates_in_english(pilot):
    MilestoneFactory(pilot=pilot, title=MILESTONE, title_en=MILESTONE_EN)
    _update(pilot, UPDATE, UPDATE_EN)

    english = page_html(f"/pilots/{pilot.pk}/", "en")
    korean = page_html(f"/pilots/{pilot.pk}/", "ko")

    assert f'○</span><span class="visually-hidden">Not yet:</span> {MILESTONE_EN} · ' in english
    assert "<p>The sensors are installed in all 20 homes.<br>Thank you.</p>" in english
    assert MILESTONE not in english and "센서 설치를 마쳤습니다" not in english and NOTE not in english
    assert KOREAN_ONLY_ON_PAGE not in english
    assert f'○</span><span class="visually-hidden">미완료:</span> {MILESTONE} · ' in korean
    assert "<p>20가구 모두 센서 설치를 마쳤습니다.<br>감사드립니다.</p>" in korean
    assert MILESTONE_EN not in korean and "installed in all 20 homes" not in korean


def test_milestones_and_updates_written_in_korean_only_are_marked_so_for_readers_of_english(pilot):
    MilestoneFactory(pilot=pilot, title=MILESTONE)
    _update(pilot, UPDATE)

    english = page_html(f"/pilots/{pilot.pk}/", "en")
    korean = page_html(f"/pilots/{pilot.pk}/", "ko")

    assert f'Not yet:</span> <span lang="ko">{MILESTONE}</span> · ' in english
    lines = "20가구 모두 센서 설치를 마쳤습니다.<br>감사드립니다."
    assert f'<p><span lang="ko">{lines}</span></p>' in english
    # Said once, near the top of the page, rather than after each.
    assert english.count(KOREAN_ONLY_ON_PAGE) == 1 and NOTE not in english
    assert "(written in Korean only)" not in korean and "한국어로만" not in korean


# --- Staff write them on the pilot page -----------------------------------------------------


def test_staff_add_a_milestone_in_english_on_the_pilot_page(client, staff_user, pilot):
    client.force_login(staff_user)

    form = client.get(f"/pilots/{pilot.pk}/").content.decode()
    response = _manage(
        client,
        pilot,
        action="milestone",
        title=MILESTONE,
        title_en=f"  {MILESTONE_EN} ",
        due_date="2027-03-01",
    )

    assert 'name="title_en"' in form
    assert response.status_code == 302
    milestone = PilotMilestone.objects.get()
    assert (milestone.title, milestone.title_en) == (MILESTONE, MILESTONE_EN)
    audit = AuditEntry.objects.get(action="pilot_milestone_add")
    assert (audit.after["title"], audit.after["title_en"]) == (MILESTONE, MILESTONE_EN)


def test_the_milestones_english_is_optional_on_the_pilot_page(client, staff_user, pilot):
    client.force_login(staff_user)

    response = _manage(client, pilot, action="milestone", title=MILESTONE, due_date="2027-03-01")

    assert response.status_code == 302
    assert PilotMilestone.objects.get().title_en == ""


def test_a_refused_milestone_keeps_its_english_and_names_it(client, staff_user, pilot):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"

    response = _manage(
        client, pilot, action="milestone", title=MILESTONE, title_en="Install\x1b[31m", due_date="2027-03-01"
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Milestone in English: " in html
    assert 'id="id_milestone_title_en" name="title_en" value="Install' in html
    assert not PilotMilestone.objects.exists()


def test_staff_post_an_update_in_english_on_the_pilot_page(client, staff_user, pilot):
    client.force_login(staff_user)

    form = client.get(f"/pilots/{pilot.pk}/").content.decode()
    # A textarea sends its line breaks as CRLF: kept as one line break each.
    response = _manage(
        client,
        pilot,
        action="update",
        body=UPDATE.replace("\n", "\r\n"),
        body_en=f" {UPDATE_EN.replace(chr(10), chr(13) + chr(10))}\r\n",
    )

    assert 'name="body_en"' in form
    assert response.status_code == 302
    update = PilotUpdate.objects.get()
    assert (update.body, update.body_en) == (UPDATE, UPDATE_EN)
    audit = AuditEntry.objects.get(action="pilot_update_post")
    assert (audit.after["body"], audit.after["body_en"]) == (UPDATE, UPDATE_EN)


def test_a_refused_update_names_its_english_and_keeps_what_was_typed(client, staff_user, pilot):
    client.force_login(staff_user)
    client.cookies["django_language"] = "en"

    response = _manage(client, pilot, action="update", body=UPDATE, body_en="Installed\x07")

    html = response.content.decode()
    assert response.status_code == 400
    assert "Update in English: " in html
    assert f">{UPDATE}</textarea>" in html
    assert not PilotUpdate.objects.exists()


def test_a_citizen_cannot_post_from_the_pilot_page(client, alice, pilot):
    client.force_login(alice)

    milestone = _manage(
        client, pilot, action="milestone", title=MILESTONE, title_en=MILESTONE_EN, due_date="2027-03-01"
    )
    update = _manage(client, pilot, action="update", body=UPDATE, body_en=UPDATE_EN)

    assert (milestone.status_code, update.status_code) == (403, 403)
    assert not PilotMilestone.objects.exists() and not PilotUpdate.objects.exists()


# --- The API --------------------------------------------------------------------------------


def test_the_api_takes_a_milestones_english_and_gives_it_in_the_readers_language(api, staff_user, pilot):
    staff = api(staff_user)
    url = f"/api/v1/pilots/{pilot.pk}/milestones/"

    added = staff.post(url, {"title": MILESTONE, "title_en": MILESTONE_EN, "due_date": "2027-03-01"})
    korean_only = staff.post(url, {"title": "중간 점검", "due_date": "2027-04-01"}, HTTP_ACCEPT_LANGUAGE="en")
    english = staff.get(f"/api/v1/pilots/{pilot.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["milestones"]
    korean = staff.get(f"/api/v1/pilots/{pilot.pk}/", HTTP_ACCEPT_LANGUAGE="ko").json()["milestones"]

    assert (added.status_code, korean_only.status_code) == (201, 201)
    assert [(m["title"], m["title_language"]) for m in english] == [(MILESTONE_EN, "en"), ("중간 점검", "ko")]
    assert [(m["title"], m["title_language"]) for m in korean] == [(MILESTONE, "ko"), ("중간 점검", "ko")]
    assert [m["texts"] for m in english] == [m["texts"] for m in korean]
    assert english[0]["texts"] == {"ko": {"title": MILESTONE}, "en": {"title": MILESTONE_EN}}
    assert english[1]["texts"] == {"ko": {"title": "중간 점검"}, "en": {"title": ""}}


def test_the_api_changes_a_milestones_english_and_leaves_it_when_not_given(api, staff_user, pilot):
    milestone = MilestoneFactory(pilot=pilot, title=MILESTONE)
    url = f"/api/v1/pilots/{pilot.pk}/milestones/{milestone.pk}/"
    staff = api(staff_user)

    changed = staff.patch(url, {"title_en": MILESTONE_EN}, format="json")
    done = staff.patch(url, {"is_done": True}, format="json")

    assert (changed.status_code, done.status_code) == (200, 200)
    milestone.refresh_from_db()
    assert (milestone.title_en, milestone.is_done) == (MILESTONE_EN, True)
    audit = AuditEntry.objects.filter(action="pilot_milestone_change").order_by("id").first()
    assert (audit.before["title_en"], audit.after["title_en"]) == ("", MILESTONE_EN)


def test_the_api_posts_an_update_in_english_and_gives_it_in_the_readers_language(api, staff_user, pilot):
    staff = api(staff_user)

    posted = staff.post(
        f"/api/v1/pilots/{pilot.pk}/updates/",
        {"body": UPDATE, "body_en": UPDATE_EN},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    korean_only = staff.post(
        f"/api/v1/pilots/{pilot.pk}/updates/", {"body": "결과 발표"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    english = api().get(f"/api/v1/pilots/{pilot.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()["updates"]
    korean = api().get(f"/api/v1/pilots/{pilot.pk}/", HTTP_ACCEPT_LANGUAGE="ko").json()["updates"]

    assert posted.status_code == 201
    assert (posted.json()["body"], posted.json()["body_language"]) == (UPDATE_EN, "en")
    assert (korean_only.json()["body"], korean_only.json()["body_language"]) == ("결과 발표", "ko")
    # Newest first.
    assert [(u["body"], u["body_language"]) for u in english] == [("결과 발표", "ko"), (UPDATE_EN, "en")]
    assert [(u["body"], u["body_language"]) for u in korean] == [("결과 발표", "ko"), (UPDATE, "ko")]
    assert english[1]["texts"] == korean[1]["texts"] == {"ko": {"body": UPDATE}, "en": {"body": UPDATE_EN}}
    assert english[0]["texts"] == {"ko": {"body": "결과 발표"}, "en": {"body": ""}}
    assert PilotUpdate.objects.get(body=UPDATE).body_en == UPDATE_EN


def test_the_api_refuses_control_characters_in_the_english(api, staff_user, pilot):
    staff = api(staff_user)

    milestone = staff.post(
        f"/api/v1/pilots/{pilot.pk}/milestones/",
        {"title": MILESTONE, "title_en": "Install\nthe sensors", "due_date": "2027-03-01"},
    )
    update = staff.post(f"/api/v1/pilots/{pilot.pk}/updates/", {"body": UPDATE, "body_en": "Done\x1b[2J"})

    assert (milestone.status_code, update.status_code) == (400, 400)
    assert milestone.json()["error"]["fields"]["title_en"] == [ONE_LINE_KO]
    assert update.json()["error"]["fields"]["body_en"] == [TEXT_KO]
    assert not PilotMilestone.objects.exists() and not PilotUpdate.objects.exists()


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_only_staff_write_milestones_and_updates_in_english(personas, pilot, other_company, persona):
    client = client_for(pilot_personas(personas, pilot)[persona])

    milestone = client.post(
        f"/api/v1/pilots/{pilot.pk}/milestones/",
        {"title": MILESTONE, "title_en": MILESTONE_EN, "due_date": "2027-03-01"},
    )
    update = client.post(f"/api/v1/pilots/{pilot.pk}/updates/", {"body": UPDATE, "body_en": UPDATE_EN})

    expected = 201 if persona == "staff" else 403
    assert (milestone.status_code, update.status_code) == (expected, expected)
    assert PilotMilestone.objects.filter(title_en=MILESTONE_EN).exists() == (persona == "staff")
    assert PilotUpdate.objects.filter(body_en=UPDATE_EN).exists() == (persona == "staff")


# --- Followers hear the news in their language ----------------------------------------------


def test_followers_read_the_news_in_their_language(pilot, staff_user):
    for username, language in (("erin", "en"), ("minji", "ko")):
        VolunteerFactory(pilot=pilot, user=UserFactory(username=username, preferred_language=language))

    services.pilot_update_post(pilot=pilot, by=staff_user, body=UPDATE, body_en=UPDATE_EN)

    bodies = dict(
        Notification.objects.filter(kind=NotificationKind.PILOT_UPDATE).values_list("user__username", "body")
    )
    assert bodies == {"erin": UPDATE_EN, "minji": UPDATE}


def test_an_english_reader_gets_news_written_in_korean_only_said_to_be_so(pilot, staff_user):
    VolunteerFactory(pilot=pilot, user=UserFactory(username="erin", preferred_language="en"))

    services.pilot_update_post(pilot=pilot, by=staff_user, body=UPDATE)

    notification = Notification.objects.get(user__username="erin")
    assert notification.body == f"{UPDATE}\n(written in Korean only)"
    assert notification.title == "News from the pilot “Blood pressure in the park”"


# --- The admin ------------------------------------------------------------------------------


def test_the_admin_edits_the_english_of_milestones_and_updates(client, pilot):
    MilestoneFactory(pilot=pilot, title=MILESTONE, title_en=MILESTONE_EN)
    _update(pilot, UPDATE, UPDATE_EN)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    page = client.get(f"/admin/pilots/pilot/{pilot.pk}/change/").content.decode()

    assert 'name="milestones-0-title_en"' in page and f'value="{MILESTONE_EN}"' in page
    assert 'name="updates-0-body_en"' in page and "The sensors are installed in all 20 homes." in page
