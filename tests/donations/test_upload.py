"""A donor uploads a CSV or JSON file on My donations, reviews every row, removes some, and only
on confirm is anything stored. A bad file is refused with a reason naming the problem."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from donations import services, uploads
from donations.fields import parse_fields
from donations.models import Donation, DonationSource, Reading
from pilots.models import Pilot, PilotStage

from .factories import BLOOD_PRESSURE_FIELDS, donation_pilot

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "systolic,diastolic,pulse,measured_at\n"
    "121,79,66,2025-05-01 08:30\n"
    "135,88,72,2025-05-02 08:31\n"
    "117,75,64,2025-05-03 08:29\n"
)


LONE_SURROGATE = "파일에 문자를 나타내지 않는 단독 서로게이트(U+D800~U+DFFF)가 들어 있습니다."


@pytest.fixture
def setup(company):
    return donation_pilot(company=company)


@pytest.fixture
def donor(client, setup):
    client.force_login(setup.volunteer.user)
    return client


def upload_url(setup):
    return f"/me/donations/{setup.pilot.pk}/{setup.data_request.pk}/upload/"


def upload(client, setup, content, name="export.csv"):
    data = content.encode() if isinstance(content, str) else content
    return client.post(upload_url(setup), {"file": SimpleUploadedFile(name, data)})


def review_token(response) -> str:
    return re.search(r'name="rows" value="([^"]+)"', response.content.decode()).group(1)


def confirm(client, setup, token, remove=(), **extra):
    return client.post(
        upload_url(setup) + "confirm/", {"rows": token, "remove": [str(n) for n in remove], **extra}
    )


def test_the_review_lists_every_row_and_stores_nothing(donor, setup):
    response = upload(donor, setup, GOOD_CSV)

    assert response.status_code == 200
    html = response.content.decode()
    assert "기부하기 전에 검토하기" in html and "3개 행을 기부할 수 있습니다." in html
    for value in ("121", "135", "117", "88"):
        assert f">{value}</td>" in html
    assert html.count('name="remove"') == 3
    assert not Donation.objects.exists() and not Reading.objects.exists()
    assert response["Cache-Control"].startswith("max-age=0")


def test_removing_a_row_then_confirming_stores_exactly_the_rows_kept(donor, setup):
    token = review_token(upload(donor, setup, GOOD_CSV))

    response = confirm(donor, setup, token, remove=[2])

    assert response.status_code == 302
    donation = Donation.objects.get()
    assert (donation.source, donation.volunteer, donation.data_request) == (
        DonationSource.UPLOAD,
        setup.volunteer,
        setup.data_request,
    )
    readings = list(donation.readings.order_by("measured_at"))
    assert [r.values for r in readings] == [
        {"systolic": 121, "diastolic": 79, "pulse": 66},
        {"systolic": 117, "diastolic": 75, "pulse": 64},
    ]
    assert [timezone.localtime(r.measured_at).isoformat() for r in readings] == [
        "2025-05-01T08:30:00+09:00",
        "2025-05-03T08:29:00+09:00",
    ]
    page = donor.get(response["Location"]).content.decode()
    assert "측정값 2건을 기부했습니다." in page and ">117</td>" in page and ">135</td>" not in page


def test_a_json_list_of_objects_is_read_and_a_header_may_name_the_fields(donor, setup):
    document = [
        {"systolic": 121, "diastolic": 79, "pulse": 66, "measured_at": "2025-05-01T08:30:00+09:00"},
        {"수축기 혈압": "130", "이완기 혈압": 85, "맥박": 70},
    ]
    token = review_token(upload(donor, setup, json.dumps(document, ensure_ascii=False), name="watch.json"))

    confirm(donor, setup, token)

    assert sorted(r.values["systolic"] for r in Reading.objects.all()) == [121, 130]


def test_a_csv_with_korean_headers_a_byte_order_mark_and_semicolons_is_read(donor, setup):
    content = "\ufeff수축기 혈압;이완기 혈압;맥박\n120;80;70\n".encode()

    response = upload(donor, setup, content)

    assert response.status_code == 200 and "1개 행을 기부할 수 있습니다." in response.content.decode()


def test_rows_out_of_range_or_not_numbers_are_marked_and_cannot_be_sent(donor, setup):
    content = (
        "systolic,diastolic,pulse,measured_at\n"
        "121,79,66,\n"
        "121,79,400,\n"
        "abc,79,66,\n"
        "121,,66,\n"
        "121,79,66,어제\n"
    )

    response = upload(donor, setup, content)

    html = response.content.decode()
    assert response.status_code == 200
    assert "1개 행을 기부할 수 있습니다." in html and "4개 행은 보낼 수 없습니다." in html
    assert "맥박 값은 30~220 bpm 사이여야 합니다. 받은 값은 400입니다." in html
    assert "수축기 혈압 값은 숫자여야 합니다." in html
    assert "이완기 혈압 값이 없습니다." in html
    assert "측정 시각 “어제”를 날짜와 시각으로 읽을 수 없습니다" in html
    assert html.count('name="remove"') == 1
    assert not Reading.objects.exists()

    # Even sent by hand, a refused row is not stored: only the one good row is.
    confirm(donor, setup, review_token(response))
    assert [r.values["pulse"] for r in Reading.objects.all()] == [66]


@pytest.mark.parametrize(
    ("measured_at", "error"),
    [
        ("0001-01-01", "측정 시각이 2000년보다 이전입니다."),
        ("1970-01-01 09:00", "측정 시각이 2000년보다 이전입니다."),
        (
            "2025-05-01T08:30+23:59",
            "측정 시각의 UTC 시차(+23:59)가 범위를 벗어납니다. 시차는 -14:00에서 +14:00 사이여야 합니다.",
        ),
    ],
    ids=["year 1", "unset device clock", "offset beyond 14 hours"],
)
def test_a_row_dated_before_any_pilot_or_with_an_impossible_offset_cannot_be_sent(
    donor, setup, measured_at, error
):
    content = f"systolic,diastolic,pulse,measured_at\n121,79,66,2025-05-01 08:30\n120,80,60,{measured_at}\n"

    response = upload(donor, setup, content)

    html = response.content.decode()
    assert response.status_code == 200
    assert "1개 행을 기부할 수 있습니다." in html and error in html
    assert html.count('name="remove"') == 1

    # Sent by hand all the same, only the good row is stored, and every page reads it back.
    assert confirm(donor, setup, review_token(response)).status_code == 302
    assert [r.values["pulse"] for r in Reading.objects.all()] == [66]
    assert donor.get("/me/donations/").status_code == 200
    assert donor.get("/api/v1/me/data/").status_code == 200


@pytest.mark.parametrize(
    ("content", "name", "error"),
    [
        ("", "export.csv", "제출한 파일이 비어있습니다."),
        ("   \n\n", "export.csv", "파일이 비어 있습니다."),
        ("systolic,diastolic,pulse\n", "export.csv", "파일에 측정값이 없습니다."),
        (
            "systolic,diastolic,pulse,weight\n120,80,70,60\n",
            "export.csv",
            "이 데이터 요청에 없는 열이 있습니다: weight",
        ),
        ("systolic,pulse\n120,70\n", "export.csv", "이완기 혈압 열이 없습니다."),
        (
            "systolic,diastolic,pulse\n120,80,70,99\n",
            "export.csv",
            "1행에 값이 4개 있지만 머리글의 열은 3개입니다.",
        ),
        ('systolic,diastolic,pulse\n"120,80,70\n', "export.csv", "올바른 CSV 파일이 아닙니다"),
        ("systolic,systolic,pulse\n120,80,70\n", "export.csv", "systolic 열이 두 번 있습니다."),
        (
            '{"systolic": 120, "diastolic": 80, "pulse": 70}',
            "export.json",
            "JSON 파일에는 측정값 목록이 있어야 합니다",
        ),
        ("[1, 2, 3]", "export.json", "JSON 파일의 1번째 측정값이 항목과 값으로 된 객체가 아닙니다."),
        (
            '[{"systolic": 120, "weight": 60}]',
            "export.json",
            "1번째 측정값에 이 데이터 요청에 없는 항목이 있습니다: weight",
        ),
        ("[{", "export.json", "올바른 JSON 파일이 아닙니다."),
        ("[]", "export.json", "파일에 측정값이 없습니다."),
        ("%PDF-1.4 binary", "report.pdf", "CSV나 JSON 파일을 올려 주세요. 이 파일은 .pdf 파일입니다."),
        (b"\xff\xfe\x00s\x00y", "export.csv", "UTF-8 텍스트 파일이 아닙니다."),
        (
            '[{"systolic": ' + "9" * 5000 + ', "diastolic": 80, "pulse": 60}]',
            "export.json",
            "너무 길어 읽을 수 없는 숫자가 있습니다.",
        ),
        ('[{"\\ud800": 1}]', "export.json", LONE_SURROGATE),
        ('[{"systolic": "\\ud800", "diastolic": 80, "pulse": 60}]', "export.json", LONE_SURROGATE),
        (
            '[{"systolic": 120, "diastolic": 80, "pulse": 60, "measured_at": "\\ud800"}]',
            "export.json",
            LONE_SURROGATE,
        ),
    ],
    ids=[
        "empty",
        "blank lines only",
        "header only",
        "unknown column",
        "missing column",
        "ragged row",
        "unclosed quote",
        "repeated column",
        "json not a list",
        "json items not objects",
        "json unknown key",
        "json malformed",
        "json empty list",
        "not csv or json",
        "not utf-8",
        "json number of 5000 digits",
        "json lone surrogate in a key",
        "json lone surrogate in a value",
        "json lone surrogate in the time",
    ],
)
def test_a_bad_file_is_refused_naming_the_problem_and_stores_nothing(donor, setup, content, name, error):
    response = upload(donor, setup, content, name=name)

    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    # shown with the upload form of its category, on My donations
    assert f'id="category-{setup.data_request.pk}"' in html
    assert "rows" not in re.findall(r'name="(\w+)"', html)
    assert not Donation.objects.exists() and not Reading.objects.exists()


def test_a_file_over_the_size_limit_is_refused(donor, setup):
    header = "systolic,diastolic,pulse\n"
    row = "120,80,70\n"
    content = header + row * (uploads.MAX_UPLOAD_BYTES // len(row) + 1)

    response = upload(donor, setup, content)

    assert response.status_code == 400
    assert "파일이 1MB보다 큽니다." in response.content.decode()
    assert not Reading.objects.exists()


def test_a_file_over_the_row_limit_is_refused(donor, setup):
    content = "systolic,diastolic,pulse\n" + "120,80,70\n" * (uploads.MAX_UPLOAD_ROWS + 1)

    response = upload(donor, setup, content)

    assert response.status_code == 400
    limit = uploads.MAX_UPLOAD_ROWS
    assert f"한 번에 {limit}건까지 올릴 수 있으니 파일을 나눠 주세요." in response.content.decode()


def test_a_donor_may_remove_every_row_of_the_largest_file(donor, setup):
    content = "systolic,diastolic,pulse\n" + "120,80,70\n" * uploads.MAX_UPLOAD_ROWS
    token = review_token(upload(donor, setup, content))

    response = confirm(donor, setup, token, remove=range(1, uploads.MAX_UPLOAD_ROWS + 1))

    assert response.status_code == 400 and "기부할 행이 남지 않았습니다." in response.content.decode()
    assert not Donation.objects.exists()


def test_no_upload_without_an_active_consent(donor, setup):
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)

    response = upload(donor, setup, GOOD_CSV)

    assert response.status_code == 400
    assert "이 실증 사업에 혈압과 맥박 기부 동의가 없습니다." in response.content.decode()
    assert not Reading.objects.exists()


def test_no_upload_when_the_pilot_no_longer_collects(donor, setup):
    Pilot.objects.filter(pk=setup.pilot.pk).update(stage=PilotStage.COMPLETED)

    response = upload(donor, setup, GOOD_CSV)

    assert response.status_code == 400
    assert "이 실증 사업은 지금 혈압과 맥박 데이터를 모으지 않습니다." in response.content.decode()


def test_consent_withdrawn_during_the_review_stores_nothing(donor, setup):
    token = review_token(upload(donor, setup, GOOD_CSV))
    services.consent_withdraw(volunteer=setup.volunteer, data_request=setup.data_request)

    response = confirm(donor, setup, token)

    assert response.status_code == 403
    html = response.content.decode()
    assert "기부 동의가 없어 아무것도 저장하지 않았습니다." in html
    assert "남긴 행 기부하기" not in html  # no button to try again
    assert not Donation.objects.exists() and not Reading.objects.exists()


def test_removing_every_row_stores_nothing_and_keeps_the_review(donor, setup):
    token = review_token(upload(donor, setup, GOOD_CSV))

    response = confirm(donor, setup, token, remove=[1, 2, 3])

    assert response.status_code == 400
    html = response.content.decode()
    assert "기부할 행이 남지 않았습니다." in html
    assert html.count("checked") >= 3  # the rows stay ticked as the donor left them
    assert not Donation.objects.exists()


def test_an_altered_review_stores_nothing(donor, setup):
    token = review_token(upload(donor, setup, GOOD_CSV))

    response = confirm(donor, setup, token[:-3] + "abc")

    assert response.status_code == 302
    page = donor.get(response["Location"]).content.decode()
    assert "검토 양식이 불완전하거나 바뀌었습니다." in page
    assert not Donation.objects.exists()


def test_a_review_cannot_be_confirmed_into_another_category(donor, setup):
    from .factories import blood_pressure_request

    other = blood_pressure_request(setup.pilot, code="blood_pressure_evening")
    services.consent_give(volunteer=setup.volunteer, data_request=other)
    token = review_token(upload(donor, setup, GOOD_CSV))

    response = donor.post(f"/me/donations/{setup.pilot.pk}/{other.pk}/upload/confirm/", {"rows": token})

    assert response.status_code == 302
    assert not Donation.objects.exists()


def test_an_old_review_must_be_uploaded_again(donor, setup, monkeypatch):
    token = review_token(upload(donor, setup, GOOD_CSV))
    monkeypatch.setattr(uploads, "REVIEW_MAX_AGE_SECONDS", -1)

    response = confirm(donor, setup, token)

    assert "검토 화면이 너무 오래 열려 있었습니다." in donor.get(response["Location"]).content.decode()
    assert not Donation.objects.exists()


def test_the_review_token_holds_no_readable_values(donor, setup):
    token = review_token(upload(donor, setup, GOOD_CSV))

    # Signed and compressed: not the file as typed. (It is the donor's own data in the donor's
    # own browser; the signature is what keeps it from being altered or replayed elsewhere.)
    assert "121" not in token and "systolic" not in token


@pytest.mark.parametrize("who", ["anonymous", "other_citizen", "company_member"])
def test_no_one_else_can_upload_or_confirm_into_the_donors_category(client, setup, bob, carol, who):
    token = uploads.upload_sign(
        rows=[uploads.UploadRow(number=1, cells={"systolic": 120, "diastolic": 80, "pulse": 70})],
        volunteer_id=setup.volunteer.pk,
        data_request_id=setup.data_request.pk,
    )
    if who != "anonymous":
        client.force_login(bob if who == "other_citizen" else carol)

    uploaded = upload(client, setup, GOOD_CSV)
    confirmed = confirm(client, setup, token)

    if who == "anonymous":
        assert uploaded.status_code == confirmed.status_code == 302
        assert uploaded["Location"].startswith("/accounts/login/")
    else:
        assert uploaded.status_code == confirmed.status_code == 404
    assert not Donation.objects.exists()


def test_reading_a_file_checks_rows_as_the_store_does():
    fields = parse_fields(BLOOD_PRESSURE_FIELDS)
    rows = uploads.upload_read(content=GOOD_CSV.encode(), filename="a.csv", fields=fields)

    checked = uploads.upload_check(rows=rows, fields=fields)

    assert [row.values for row in checked] == [
        {"systolic": 121, "diastolic": 79, "pulse": 66},
        {"systolic": 135, "diastolic": 88, "pulse": 72},
        {"systolic": 117, "diastolic": 75, "pulse": 64},
    ]
    assert all(row.can_be_sent for row in checked)


def test_a_removed_row_number_that_is_no_number_is_ignored(donor, setup):
    token = review_token(upload(donor, setup, GOOD_CSV))

    response = donor.post(upload_url(setup) + "confirm/", {"rows": token, "remove": ["²", "abc", "2"]})

    assert response.status_code == 302
    assert Donation.objects.get().readings.count() == 2
