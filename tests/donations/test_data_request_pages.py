"""Staff's pages for a pilot's data requests, and what the pilot page then shows volunteers.

Personas as in tests/pilots/factories.py: erin volunteers for the pilot of carol's company;
dave's company (other_company) is not in it.
"""

import re

import pytest
from django.test import Client

from accounts.models import AuditAction, AuditEntry
from donations import services
from pilots.models import PilotConsent, PilotDataRequest, PilotStage
from tests.pilots.factories import PILOT_PERSONAS, PilotFactory, pilot_personas

from .factories import BLOOD_PRESSURE_FIELDS, blood_pressure_request

pytestmark = pytest.mark.django_db

PURPOSE = "공원 건강측정소에서 혈압 변화를 실시간으로 알려 드리기 위해"


@pytest.fixture
def pilot(idea, company):
    return PilotFactory(idea=idea, companies=[company], stage=PilotStage.RECRUITING)


@pytest.fixture
def everyone(personas, pilot, other_company):
    return pilot_personas(personas, pilot)


def page_client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def posted(company, rows=BLOOD_PRESSURE_FIELDS, **values) -> dict:
    """The form as a browser sends it: the rows given, then one left empty."""
    data = {
        "category_code": "blood_pressure",
        "category_label": "혈압과 맥박",
        "purpose": PURPOSE,
        "recipient_companies": [company.pk],
        "retention_days": "30",
        "consent_text": "",
        "action": "save",
        "fields-TOTAL_FORMS": str(len(rows) + 1),
        "fields-INITIAL_FORMS": "0",
        "fields-MIN_NUM_FORMS": "0",
        "fields-MAX_NUM_FORMS": "12",
    }
    for number, row in enumerate([*rows, {}]):
        for name in ("code", "label", "unit", "min", "max"):
            data[f"fields-{number}-{name}"] = str(row.get(name, ""))
    data.update(values)
    return data


def add_url(pilot) -> str:
    return f"/pilots/{pilot.pk}/data-requests/new/"


def change_url(data_request) -> str:
    return f"/pilots/{data_request.pilot_id}/data-requests/{data_request.pk}/change/"


# --- Who may open the pages -----------------------------------------------------------------


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_only_staff_open_the_data_request_pages(everyone, pilot, persona):
    data_request = blood_pressure_request(pilot)
    client = page_client(everyone[persona])

    pages = [client.get(add_url(pilot)), client.get(change_url(data_request))]

    for page in pages:
        if persona == "staff":
            assert page.status_code == 200
        elif persona == "anonymous":
            assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
        else:
            assert page.status_code == 403


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_only_staff_add_and_change_data_requests(everyone, pilot, company, persona):
    data_request = blood_pressure_request(pilot)
    client = page_client(everyone[persona])

    added = client.post(add_url(pilot), posted(company, category_code="pulse_only"))
    changed = client.post(change_url(data_request), posted(company, retention_days="90"))

    data_request.refresh_from_db()
    if persona == "staff":
        assert (added.status_code, changed.status_code) == (302, 302)
        assert pilot.data_requests.current().filter(category_code="pulse_only").exists()
        assert data_request.retention_days == 90
    else:
        assert added.status_code in (302, 403) and changed.status_code in (302, 403)
        assert list(pilot.data_requests.all()) == [data_request]
        assert data_request.retention_days == 30


def test_another_pilots_request_is_not_found_on_this_pilots_page(everyone, pilot, idea, company):
    other = blood_pressure_request(PilotFactory(idea=idea, companies=[company]))

    page = page_client(everyone["staff"]).get(f"/pilots/{pilot.pk}/data-requests/{other.pk}/change/")

    assert page.status_code == 404


# --- Adding ---------------------------------------------------------------------------------


def test_staff_add_a_request_with_its_fields_ranges_recipients_and_retention(
    everyone, pilot, company, other_company
):
    pilot.companies.add(other_company)

    response = page_client(everyone["staff"]).post(add_url(pilot), posted(company, retention_days="45"))

    data_request = PilotDataRequest.objects.get(pilot=pilot)
    assert response.status_code == 302
    assert response["Location"] == f"/pilots/{pilot.pk}/#data-request-{data_request.pk}"
    assert [(f["code"], f["unit"], f["min"], f["max"]) for f in data_request.fields] == [
        ("systolic", "mmHg", 50, 250),
        ("diastolic", "mmHg", 30, 150),
        ("pulse", "bpm", 30, 220),
    ]
    assert list(data_request.recipient_companies.all()) == [company]
    assert data_request.recipient == company.name
    assert data_request.retention_days == 45
    assert "45일" in data_request.consent_text and company.name in data_request.consent_text
    assert AuditEntry.objects.filter(action=AuditAction.PILOT_DATA_REQUEST_ADD).count() == 1


def test_a_consent_text_staff_write_is_kept_as_written(everyone, pilot, company):
    text = "저는 혈압과 맥박을 빛고을케어에 30일 동안 기부하는 데 동의합니다."

    page_client(everyone["staff"]).post(add_url(pilot), posted(company, consent_text=text))

    assert PilotDataRequest.objects.get(pilot=pilot).consent_text == text


def _errors_of(response, name: str) -> list[str]:
    form = response.context["form"]
    return [str(e) for e in form.errors.get(name, [])]


@pytest.mark.parametrize(
    ("values", "rows", "where", "message"),
    [
        ({"category_code": "혈압 코드"}, BLOOD_PRESSURE_FIELDS, "category_code", None),
        ({"category_label": ""}, BLOOD_PRESSURE_FIELDS, "category_label", None),
        ({"retention_days": "0"}, BLOOD_PRESSURE_FIELDS, "retention_days", None),
        ({"retention_days": "열흘"}, BLOOD_PRESSURE_FIELDS, "retention_days", None),
        ({"recipient_companies": []}, BLOOD_PRESSURE_FIELDS, "recipient_companies", "받을 기업"),
        ({"recipient_companies": ["999999"]}, BLOOD_PRESSURE_FIELDS, "recipient_companies", None),
        (
            {},
            [{"code": "pulse", "label": "맥박", "unit": "bpm", "min": 220, "max": 30}],
            ("row", 0, "max"),
            # In the words of the fields' labels (최솟값, 최댓값).
            "최댓값은 최솟값보다 커야 합니다.",
        ),
        (
            {},
            [{"code": "pulse", "label": "맥박", "unit": "bpm", "min": 30, "max": 30}],
            ("row", 0, "max"),
            None,
        ),
        (
            {},
            [{"code": "수축기", "label": "수축기", "unit": "mmHg", "min": 50, "max": 250}],
            ("row", 0, "code"),
            None,
        ),
        (
            {},
            [{"code": "pulse", "label": "맥박", "unit": "bpm", "min": "", "max": 220}],
            ("row", 0, "min"),
            None,
        ),
        (
            {},
            [{"code": "pulse", "label": "", "unit": "bpm", "min": 30, "max": 220}],
            ("row", 0, "label"),
            None,
        ),
        (
            {},
            [BLOOD_PRESSURE_FIELDS[2], {**BLOOD_PRESSURE_FIELDS[2], "label": "맥박 두 번째"}],
            ("row", 1, "code"),
            "이미",
        ),
        ({}, [], "rows", "하나 이상"),
    ],
    ids=[
        "bad category code",
        "no category",
        "kept 0 days",
        "days not a number",
        "no recipient",
        "unknown company",
        "lowest above highest",
        "lowest equals highest",
        "bad field code",
        "no lowest value",
        "field without a name",
        "duplicate field codes",
        "no field",
    ],
)
def test_bad_input_is_named_on_its_field_keeps_what_was_typed_and_stores_nothing(
    everyone, pilot, company, values, rows, where, message
):
    response = page_client(everyone["staff"]).post(add_url(pilot), posted(company, rows=rows, **values))

    assert response.status_code == 400
    if where == "rows":
        errors = [str(e) for e in response.context["field_rows"].non_form_errors()]
    elif isinstance(where, tuple):
        errors = [str(e) for e in response.context["field_rows"].forms[where[1]].errors.get(where[2], [])]
    else:
        errors = _errors_of(response, where)
    assert errors, response.content.decode()[:2000]
    if message:
        assert any(message in error for error in errors)
    assert PURPOSE in response.content.decode()
    assert not PilotDataRequest.objects.exists()


def _error_summary(response) -> str:
    html = response.content.decode()
    start = html.index('<div class="error-summary"')
    assert start < html.index('class="data-request-form"'), "the summary comes before the form"
    return html[start : html.index("</div>", start)]


@pytest.mark.parametrize(
    ("language", "named"),
    [
        (
            "ko",
            [
                '<a href="#id_purpose">이용 목적 (한국어): 필수 항목입니다.</a>',
                '<a href="#id_recipient_companies_group">제공받는 기업: '
                "데이터를 제공받을 기업을 한 곳 이상 골라 주세요.</a>",
                '<a href="#id_fields-0-max">항목 1 — 최댓값: 최댓값은 최솟값보다 커야 합니다.</a>',
            ],
        ),
        (
            "en",
            [
                '<a href="#id_purpose">Purpose (Korean): This field is required.</a>',
                '<a href="#id_recipient_companies_group">Recipient companies: '
                "Choose at least one company that receives the data.</a>",
                '<a href="#id_fields-0-max">Field 1 — Highest: '
                "The highest valid value must be above the lowest.</a>",
            ],
        ),
    ],
)
def test_a_refused_save_names_each_field_in_error_at_the_top_with_a_link_to_it(
    everyone, pilot, company, language, named
):
    client = page_client(everyone["staff"])
    client.cookies["django_language"] = language
    # Started from a preset, as staff do: its rows come back filled in, the purpose still empty.
    shown = client.post(add_url(pilot), posted(company, rows=[], preset="steps"))
    rows = [form.initial for form in shown.context["field_rows"].forms if form.initial]
    data = posted(company, rows=rows, purpose="", category_code="steps", category_label="하루 걸음 수")
    del data["recipient_companies"]
    data["fields-0-max"] = "-1"

    response = client.post(add_url(pilot), data)

    assert response.status_code == 400
    summary = _error_summary(response)
    assert [link for link in named if link not in summary] == []
    assert summary.count("<li>") == len(named)
    assert "아래 항목을 확인해 주세요." not in response.content.decode()
    assert "Please correct the fields below." not in response.content.decode()
    # The companies' error is the group's, above the boxes.
    html = response.content.decode()
    group = html[html.index('<fieldset id="id_recipient_companies_group"') :]
    assert group.index("<legend>") < group.index('class="errorlist"') < group.index('type="checkbox"')
    assert not PilotDataRequest.objects.exists()


def test_a_request_without_any_field_leads_from_the_summary_to_the_rows(everyone, pilot, company):
    response = page_client(everyone["staff"]).post(add_url(pilot), posted(company, rows=[]))

    assert response.status_code == 400
    assert '<li><a href="#fields">측정값에 담길 항목을 하나 이상 추가해 주세요.</a></li>' in _error_summary(
        response
    )
    assert '<fieldset class="field-rows" id="fields">' in response.content.decode()


def test_another_pilots_company_is_not_offered_and_is_refused(everyone, pilot, company, other_company):
    client = page_client(everyone["staff"])

    page = client.get(add_url(pilot))
    response = client.post(
        add_url(pilot), posted(company, recipient_companies=[company.pk, other_company.pk])
    )

    assert other_company.name not in page.content.decode()
    assert response.status_code == 400 and _errors_of(response, "recipient_companies")
    assert not PilotDataRequest.objects.exists()


def test_a_category_the_pilot_already_asks_for_is_refused_on_its_field(everyone, pilot, company):
    existing = blood_pressure_request(pilot)

    response = page_client(everyone["staff"]).post(add_url(pilot), posted(company))

    assert response.status_code == 400 and _errors_of(response, "category_code")
    assert list(PilotDataRequest.objects.all()) == [existing]


def test_a_closed_pilot_takes_no_new_request(everyone, pilot, company):
    PilotFactory._meta.model.objects.filter(pk=pilot.pk).update(stage=PilotStage.COMPLETED)

    response = page_client(everyone["staff"]).post(add_url(pilot), posted(company))

    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert not PilotDataRequest.objects.exists()


# --- The buttons that save nothing ----------------------------------------------------------


def test_a_preset_fills_the_fields_and_keeps_what_was_typed(everyone, pilot, company):
    data = posted(company, rows=[], category_code="", category_label="", preset="blood_pressure")
    del data["action"]

    response = page_client(everyone["staff"]).post(add_url(pilot), data)

    assert response.status_code == 200
    rows = response.context["field_rows"]
    assert [form.initial.get("code") for form in rows.forms][:3] == ["systolic", "diastolic", "pulse"]
    assert [(f.initial["min"], f.initial["max"], f.initial["unit"]) for f in rows.forms[:3]] == [
        (50, 250, "mmHg"),
        (30, 150, "mmHg"),
        (30, 220, "bpm"),
    ]
    assert len(rows.forms) == 4  # and one row to add a field of one's own
    form = response.context["form"]
    assert (form.initial["category_code"], form.initial["category_label"]) == (
        "blood_pressure",
        "혈압과 맥박",
    )
    assert PURPOSE in response.content.decode()
    assert not response.context["form"].errors and not PilotDataRequest.objects.exists()


@pytest.mark.parametrize(
    ("preset", "code", "unit", "low", "high"),
    [("steps", "steps", "걸음", 0, 100000), ("household_electricity", "energy", "kWh", 0, 50)],
)
def test_the_other_presets(everyone, pilot, company, preset, code, unit, low, high):
    data = posted(company, rows=[], category_code="", category_label="", preset=preset)
    del data["action"]

    rows = page_client(everyone["staff"]).post(add_url(pilot), data).context["field_rows"]

    first = rows.forms[0].initial
    assert (first["code"], first["unit"], first["min"], first["max"]) == (code, unit, low, high)


def test_another_field_row_is_added_without_saving_or_losing_anything(everyone, pilot, company):
    data = posted(company, action="more_fields")

    response = page_client(everyone["staff"]).post(add_url(pilot), data)

    rows = response.context["field_rows"]
    assert response.status_code == 200
    assert len(rows.forms) == len(BLOOD_PRESSURE_FIELDS) + 2
    assert [form.initial["code"] for form in rows.forms[:3]] == ["systolic", "diastolic", "pulse"]
    assert not PilotDataRequest.objects.exists()


def test_the_page_shows_the_consent_text_it_will_write(everyone, pilot, company):
    client = page_client(everyone["staff"])

    empty = client.get(add_url(pilot))
    preview = client.post(add_url(pilot), posted(company, action="preview", retention_days="20"))

    assert empty.context["consent_preview"] == {}
    texts = preview.context["consent_preview"]
    assert "혈압과 맥박" in texts["ko"] and "20일" in texts["ko"] and company.name in texts["ko"]
    # No English category given: the English text holds the Korean one, with no note inside it.
    assert texts["en"].startswith("I agree to donate the following data") and "20 days" in texts["en"]
    assert ": 혈압과 맥박. Purpose:" in texts["en"] and "Korean only" not in texts["en"]
    assert texts["ko"] in preview.content.decode() and texts["en"] in preview.content.decode()
    assert not PilotDataRequest.objects.exists()


# --- Changing -------------------------------------------------------------------------------


def test_the_change_page_is_filled_in_and_warns_when_volunteers_consented(everyone, pilot):
    data_request = blood_pressure_request(pilot)
    client = page_client(everyone["staff"])

    before = client.get(change_url(data_request))
    volunteer = pilot.volunteers.get(user=everyone["volunteer"])
    services.consent_give(volunteer=volunteer, data_request=data_request)
    after = client.get(change_url(data_request))

    assert before.context["form"].initial["category_code"] == "blood_pressure"
    assert [f.initial["code"] for f in before.context["field_rows"].forms[:3]] == [
        "systolic",
        "diastolic",
        "pulse",
    ]
    # The text was written from the fields: left empty, it follows the change.
    assert before.context["form"].initial["consent_text"] == ""
    assert "아직 아무도 동의하지 않아" in before.content.decode()
    body = after.content.decode()
    assert "다시 동의해야" in body and 'id="consent-again"' in body


def test_changing_a_consented_request_makes_a_new_one_and_asks_for_consent_again(everyone, pilot, company):
    data_request = blood_pressure_request(pilot)
    erin = pilot.volunteers.get(user=everyone["volunteer"])
    consent = services.consent_give(volunteer=erin, data_request=data_request)

    response = page_client(everyone["staff"]).post(
        change_url(data_request), posted(company, retention_days="60")
    )

    data_request.refresh_from_db()
    new = pilot.data_requests.current().get()
    assert response.status_code == 302 and response["Location"].endswith(f"#data-request-{new.pk}")
    assert new.pk != data_request.pk and data_request.replaced_by_id == new.pk
    assert PilotConsent.objects.get(pk=consent.pk).data_request_id == data_request.pk
    # erin's pilot page: the old request offers no consent; a notice sends her to the new one.
    page = page_client(everyone["volunteer"]).get(f"/pilots/{pilot.pk}/")
    body = page.content.decode()
    assert f'id="data-request-{new.pk}"' in body and f'id="data-request-{data_request.pk}"' not in body
    assert [r.current for r in page.context["renewals"]] == [new]
    assert f'href="#data-request-{new.pk}"' in body


def test_a_replaced_requests_change_page_leads_to_the_current_one(everyone, pilot, company):
    data_request = blood_pressure_request(pilot)
    services.consent_give(volunteer=pilot.volunteers.get(), data_request=data_request)
    new = services.data_request_change(data_request=data_request, by=everyone["staff"], retention_days=60)

    response = page_client(everyone["staff"]).get(change_url(data_request))

    assert response.status_code == 302 and response["Location"] == change_url(new)


def test_a_change_that_changes_nothing_is_said_so(everyone, pilot, company):
    data_request = blood_pressure_request(pilot)
    data = posted(company, category_label=data_request.category_label, purpose=data_request.purpose)

    response = page_client(everyone["staff"]).post(change_url(data_request), data)

    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert list(pilot.data_requests.all()) == [data_request]


# --- The pilot page -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PILOT_PERSONAS)
def test_everyone_reads_what_each_current_request_holds(everyone, pilot, company, persona):
    data_request = blood_pressure_request(pilot)
    services.consent_give(volunteer=pilot.volunteers.get(), data_request=data_request)
    new = services.data_request_change(data_request=data_request, by=everyone["staff"], retention_days=60)

    body = page_client(everyone[persona]).get(f"/pilots/{pilot.pk}/").content.decode()

    assert f'id="data-request-{new.pk}"' in body and f'id="data-request-{data_request.pk}"' not in body
    for shown in (
        "수축기 혈압 (50~250 mmHg)",
        "이완기 혈압 (30~150 mmHg)",
        "맥박 (30~220 bpm)",
        company.name,
        "60일",
    ):
        assert shown in body
    assert ('name="action" value="consent"' in body) == (persona == "volunteer")
    assert (f"/data-requests/{new.pk}/change/" in body) == (persona == "staff")


def test_the_pilot_api_gives_only_current_requests_with_their_fields_and_recipients(
    api, everyone, pilot, company
):
    data_request = blood_pressure_request(pilot)
    services.consent_give(volunteer=pilot.volunteers.get(), data_request=data_request)
    new = services.data_request_change(data_request=data_request, by=everyone["staff"], retention_days=60)

    body = api().get(f"/api/v1/pilots/{pilot.pk}/").json()

    assert [r["id"] for r in body["data_requests"]] == [new.pk]
    shown = body["data_requests"][0]
    assert [(f["code"], f["min"], f["max"], f["unit"]) for f in shown["fields"]] == [
        ("systolic", 50, 250, "mmHg"),
        ("diastolic", 30, 150, "mmHg"),
        ("pulse", 30, 220, "bpm"),
    ]
    assert [c["slug"] for c in shown["recipient_companies"]] == [company.slug]
    assert (shown["retention_days"], shown["is_current"]) == (60, True)


@pytest.mark.parametrize(
    "name", ["purpose", "category_label", "consent_text", "fields-0-label", "fields-0-min"]
)
def test_a_nul_anywhere_in_the_form_is_a_field_error(everyone, pilot, company, name):
    data = posted(company)
    data[name] = "혈압\x00"

    response = page_client(everyone["staff"]).post(add_url(pilot), data)

    assert response.status_code == 400
    form, rows = response.context["form"], response.context["field_rows"]
    assert form.errors.get(name) or rows.forms[0].errors.get(name.removeprefix("fields-0-"))
    assert not PilotDataRequest.objects.exists()


def test_a_preset_and_an_added_row_open_the_page_on_the_rows_and_a_save_on_the_summary(everyone, pilot):
    html = page_client(everyone["staff"]).get(add_url(pilot)).content.decode()

    # The form is sent to the page itself: a save after a preset lands on its error summary, not on
    # the fragment the address kept.
    assert f'<form method="post" action="{add_url(pilot)}" novalidate class="data-request-form">' in html
    assert f'formaction="{add_url(pilot)}#fields"' in html
    assert f'value="more_fields" formaction="{add_url(pilot)}#last-field"' in html
    rows = re.findall(r'<fieldset class="field-row"[^>]*>', html)
    assert rows and rows[-1] == '<fieldset class="field-row" id="last-field">'
    assert all('id="last-field"' not in row for row in rows[:-1])
