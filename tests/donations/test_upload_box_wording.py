"""My donations' "Donate from a file" box speaks to a donor first: where such a file comes from,
in plain words; what it must look like (its format, columns and limits) folded away under "File
format" for whoever prepares it, with the limits the reader really applies."""

import re

import pytest

from donations import uploads

from .factories import donation_pilot

pytestmark = pytest.mark.django_db


def _upload_box(client, user, language: str) -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    page = client.get("/me/donations/").content.decode()
    return page[
        page.index('<form class="upload"') : page.index("</form>", page.index('<form class="upload"'))
    ]


@pytest.mark.parametrize(
    ("language", "lead", "summary"),
    [
        (
            "en",
            "Readings your health app or wearable saved, or that you keep in a spreadsheet",
            "File format",
        ),
        ("ko", "건강 앱이나 웨어러블 기기에 저장된 측정값", "파일 형식"),
    ],
)
def test_the_box_leads_with_plain_words_and_folds_the_format_away(client, company, language, lead, summary):
    setup = donation_pilot(company=company)

    box = _upload_box(client, setup.volunteer.user, language)

    details = re.search(r'<details class="upload-format"><summary>(.*?)</summary>(.*?)</details>', box, re.S)
    assert details and details.group(1) == summary
    # The CSRF token is random letters: "MB" or "CSV" may turn up in it.
    before = re.sub(r'<input type="hidden"[^>]*>', "", box[: details.start()])
    assert lead in before
    # Column codes, file types and limits are for whoever prepares the file, not the first read.
    for technical in ("<code>", "CSV", "JSON", "MB", "measured_at", "systolic"):
        assert technical not in before, technical
    assert "<code>systolic</code>" in details.group(2) and "<code>measured_at</code>" in details.group(2)


def test_the_format_states_the_limits_the_reader_applies(client, company):
    setup = donation_pilot(company=company)

    box = _upload_box(client, setup.volunteer.user, "en")

    megabytes = uploads.MAX_UPLOAD_BYTES // (1024 * 1024)
    assert f"At most {megabytes} MB and {uploads.MAX_UPLOAD_ROWS} readings per file." in box
