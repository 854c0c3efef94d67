import csv
import datetime
import io

import pytest

from ideas.models import Idea, IdeaStatus
from tests.conftest import PERSONAS, client_for
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/dashboard/",
        "/api/v1/exports/ideas.csv",
        "/api/v1/exports/matches.csv",
        "/api/v1/exports/interests.csv",
    ],
)
def test_dashboard_and_exports_are_for_staff_only(personas, persona, path):
    response = client_for(personas[persona]).get(path)

    assert response.status_code == (200 if persona == "staff" else 403)


def test_dashboard_counts_ideas_by_category_district_and_status(api, staff_user):
    IdeaFactory(category="health", district="nam_gu")
    IdeaFactory(category="health", district="buk_gu", status=IdeaStatus.SUBMITTED)
    IdeaFactory(category="animals", district="nam_gu")

    figures = api(staff_user).get("/api/v1/dashboard/").json()

    by_category = {row["key"]: row["count"] for row in figures["ideas_by_category"]}
    by_district = {row["key"]: row["count"] for row in figures["ideas_by_district"]}
    by_status = {row["key"]: row["count"] for row in figures["ideas_by_status"]}
    assert (by_category["health"], by_category["animals"], by_category["education"]) == (2, 1, 0)
    assert (by_district["nam_gu"], by_district["buk_gu"]) == (2, 1)
    assert (by_status["published"], by_status["submitted"]) == (2, 1)
    assert figures["ideas_total"] == 3
    assert sum(row["count"] for row in figures["ideas_by_month"]) == 3


def test_strong_match_share_counts_published_ideas_with_a_strong_match(api, staff_user, catalogue):
    figures = api(staff_user).get("/api/v1/dashboard/").json()

    assert figures["published_ideas"] == len(catalogue["ideas"])
    assert 0 < figures["published_with_strong_match"] <= figures["published_ideas"]
    assert figures["strong_match_share"] == round(
        figures["published_with_strong_match"] / figures["published_ideas"], 3
    )
    # Every strong match is shown; possible ones are shown too.
    assert figures["published_with_strong_match"] <= figures["published_with_shown_match"]
    assert figures["published_with_shown_match"] <= figures["published_ideas"]


def test_csv_export_opens_in_excel_with_korean_text(api, staff_user):
    IdeaFactory(title="어르신 복약 알림", category="elderly_care")

    response = api(staff_user).get("/api/v1/exports/ideas.csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="ideas-')
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][1] == "제목"
    assert rows[1][1] == "어르신 복약 알림"
    assert rows[1][4] == "돌봄·어르신"


def test_unknown_export_is_not_found(api, staff_user):
    assert api(staff_user).get("/api/v1/exports/passwords.csv").status_code == 404


def test_dashboard_page_draws_its_charts_for_staff(client, staff_user, bob):
    IdeaFactory(category="health")
    client.force_login(bob)
    assert client.get("/staff/dashboard/").status_code == 403  # the site's "no access" page

    client.force_login(staff_user)
    page = client.get("/staff/dashboard/")

    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<svg") >= 4
    assert "건강·의료" in html
    assert 'src="http' not in html and 'href="http' not in html  # nothing loaded from elsewhere


def test_dashboard_counts_pilots_volunteers_and_consents(api, staff_user):
    from pilots.models import PilotConsent, PilotStage
    from tests.pilots.factories import MilestoneFactory, PilotFactory, VolunteerFactory, data_request

    running = PilotFactory(stage=PilotStage.RUNNING)
    PilotFactory(stage=PilotStage.RECRUITING)
    MilestoneFactory(pilot=running, is_done=True)
    MilestoneFactory(pilot=running, is_done=False)
    volunteer = VolunteerFactory(pilot=running)
    request = data_request(running)
    PilotConsent.objects.create(volunteer=volunteer, data_request=request, consent_text=request.consent_text)

    figures = api(staff_user).get("/api/v1/dashboard/").json()
    exported = api(staff_user).get("/api/v1/exports/pilots.csv").content.decode("utf-8-sig")

    stages = {row["key"]: row["count"] for row in figures["pilots_by_stage"]}
    assert (stages["running"], stages["recruiting"], stages["completed"]) == (1, 1, 0)
    assert (figures["volunteers_active"], figures["consents_active"]) == (1, 1)
    assert f"{running.title}" in exported and "50%" in exported


@pytest.mark.parametrize(("language", "month"), [("ko", "2026년\u00a03월"), ("en", "March\u00a02026")])
def test_the_months_of_the_chart_read_in_the_readers_language(client, staff_user, language, month):
    idea = IdeaFactory()
    Idea.objects.filter(pk=idea.pk).update(created_at=datetime.datetime(2026, 3, 15, 12, tzinfo=datetime.UTC))
    client.force_login(staff_user)
    client.cookies["django_language"] = language

    html = client.get("/staff/dashboard/").content.decode()

    assert f'<th scope="row">{month}</th>' in html
    assert "2026-03" not in html
