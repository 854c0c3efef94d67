"""A donor's file upload: a wearable's or app's export, read into rows the donor reviews.

Nothing here touches the database. The file is read into rows (CSV with a header row naming the
fields, or JSON, a list of objects), each row is checked against the data request, and the rows
travel through the review page signed (django.core.signing), so nothing is stored, logged or
cached before the donor confirms what leaves their hands.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from core.parsers import lone_surrogate_path

from .fields import DataField, check_reading
from .validators import measured_at_error, measured_at_future_error

MAX_UPLOAD_BYTES = 1024 * 1024
# The review form sends one field per row removed, and Django refuses a form of more than 1000
# fields (DATA_UPLOAD_MAX_NUMBER_FIELDS): below that, a donor can remove every row.
MAX_UPLOAD_ROWS = 990
MEASURED_AT = "measured_at"
# The donor reads the page, then confirms; an hour is ample, and an old page cannot be replayed.
REVIEW_MAX_AGE_SECONDS = 60 * 60
REVIEW_SALT = "donations.upload.review"
# A cell is shown to the donor as it was in the file, cut to this length.
SHOWN_CELL_LENGTH = 40
DELIMITERS = (",", ";", "\t")


class UploadError(ValueError):
    """The file as a whole cannot be read; the message names the problem for the donor."""


@dataclass(frozen=True)
class UploadRow:
    """One row as it was in the file: cells by field code, and when it was measured, unchecked."""

    number: int
    cells: dict[str, Any]
    measured_at: str = ""


@dataclass(frozen=True)
class CheckedRow:
    row: UploadRow
    values: dict[str, float] | None
    measured_at: datetime.datetime | None
    error: str = ""

    @property
    def number(self) -> int:
        return self.row.number

    @property
    def can_be_sent(self) -> bool:
        return not self.error

    def shown_cells(self, fields: list[DataField]) -> list[str]:
        """The row's values in the order of the fields, as checked or else as in the file."""
        source = self.values if self.values is not None else self.row.cells
        return [_shown(source.get(field.code, "")) for field in fields]


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= SHOWN_CELL_LENGTH else text[: SHOWN_CELL_LENGTH - 1] + "…"


# --- Reading the file -----------------------------------------------------------------------


def too_big_message() -> str:
    return _("The file is larger than %(size)d MB. Upload a smaller file or split it.") % {
        "size": MAX_UPLOAD_BYTES // (1024 * 1024)
    }


def upload_read(*, content: bytes, filename: str, fields: list[DataField]) -> list[UploadRow]:
    """The file's rows, or UploadError naming what is wrong with the file as a whole.

    Rows whose values are wrong are returned all the same, to be marked on the review page.
    """
    if not content.strip():
        raise UploadError(_("The file is empty."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(too_big_message())
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ("csv", "json", "txt", ""):
        raise UploadError(
            _("Upload a CSV or JSON file; this file is .%(extension)s.") % {"extension": extension}
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(
            _("The file is not text in UTF-8. Save it as CSV (UTF-8) or JSON and upload it again.")
        ) from None
    if "\x00" in text:
        raise UploadError(_("The file is not a CSV or JSON file."))
    looks_like_json = text.lstrip()[:1] in ("[", "{")
    if extension == "json" or (extension != "csv" and looks_like_json):
        rows = _read_json(text, fields)
    else:
        rows = _read_csv(text, fields)
    if not rows:
        raise UploadError(_("The file holds no readings."))
    if len(rows) > MAX_UPLOAD_ROWS:
        raise UploadError(
            _("The file holds %(count)d readings; at most %(limit)d can be uploaded at once. Split the file.")
            % {"count": len(rows), "limit": MAX_UPLOAD_ROWS}
        )
    return rows


def _field_names(fields: list[DataField]) -> dict[str, str]:
    """A column or key names a field by its code (in any case) or by its name."""
    names = {field.code: field.code for field in fields}
    names.update({field.label.casefold(): field.code for field in fields})
    names.update({field.label_en.casefold(): field.code for field in fields if field.label_en})
    names[MEASURED_AT] = MEASURED_AT
    return names


def _expected(fields: list[DataField]) -> str:
    return ", ".join([field.code for field in fields] + [MEASURED_AT])


def _column_codes(names: list[str], fields: list[DataField]) -> list[str]:
    """Each column's field code. An unknown or repeated column, or a field without a column,
    makes the file unreadable: a column read as another field would donate the wrong thing."""
    by_name = _field_names(fields)
    codes: list[str] = []
    unknown: list[str] = []
    for name in names:
        code = by_name.get(name.strip().casefold())
        if code is None:
            unknown.append(name.strip() or _("(a column without a name)"))
        elif code in codes:
            raise UploadError(_("The column %(column)s appears twice.") % {"column": name.strip()})
        else:
            codes.append(code)
    if unknown:
        raise UploadError(
            _("The file has columns this data request does not ask for: %(columns)s. Expected: %(expected)s.")
            % {"columns": ", ".join(unknown), "expected": _expected(fields)}
        )
    missing = [str(field.shown_label) for field in fields if field.code not in codes]
    if missing:
        raise UploadError(
            _("The file has no column for %(fields)s. Expected: %(expected)s.")
            % {"fields": ", ".join(missing), "expected": _expected(fields)}
        )
    return codes


def _read_csv(text: str, fields: list[DataField]) -> list[UploadRow]:
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    delimiter = max(DELIMITERS, key=header_line.count)
    try:
        records = [
            record
            for record in csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
            if any(cell.strip() for cell in record)
        ]
    except csv.Error:
        raise UploadError(
            _("The file is not a valid CSV file (a quote is not closed, or a line is broken).")
        ) from None
    if not records:
        raise UploadError(_("The file is empty."))
    header, *body = records
    codes = _column_codes(header, fields)
    rows: list[UploadRow] = []
    for number, record in enumerate(body, start=1):
        if len(record) != len(codes):
            raise UploadError(
                _("Row %(number)d has %(count)d values, but the header names %(columns)d columns.")
                % {"number": number, "count": len(record), "columns": len(codes)}
            )
        cells = {code: cell.strip() for code, cell in zip(codes, record, strict=True) if cell.strip()}
        measured_at = cells.pop(MEASURED_AT, "")
        rows.append(UploadRow(number=number, cells=cells, measured_at=measured_at))
        if len(rows) > MAX_UPLOAD_ROWS:
            break
    return rows


def _read_json(text: str, fields: list[DataField]) -> list[UploadRow]:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise UploadError(_("The file is not valid JSON.")) from None
    except ValueError:
        # Python reads no integer of more than 4,300 digits (sys.get_int_max_str_digits).
        raise UploadError(_("The file holds a number too long to be read.")) from None
    # An escape such as "\ud800" reads into text without UTF-8, which the review page cannot show.
    if lone_surrogate_path(document) is not None:
        raise UploadError(
            _("The file holds a lone surrogate (U+D800 to U+DFFF), which stands for no character.")
        )
    if not isinstance(document, list):
        raise UploadError(
            _('The JSON file must hold a list of readings, such as [{"%(field)s": %(value)s}].')
            % {"field": fields[0].code, "value": _example(fields[0])}
        )
    by_name = _field_names(fields)
    rows: list[UploadRow] = []
    for number, item in enumerate(document[: MAX_UPLOAD_ROWS + 1], start=1):
        if not isinstance(item, dict):
            raise UploadError(
                _("Reading %(number)d of the JSON file is not an object of field values.")
                % {"number": number}
            )
        cells: dict[str, Any] = {}
        for key, value in item.items():
            code = by_name.get(str(key).strip().casefold())
            if code is None:
                message = _(
                    "Reading %(number)d has a field this data request does not ask for: %(key)s. "
                    "Expected: %(expected)s."
                )
                raise UploadError(
                    message % {"number": number, "key": _shown(key), "expected": _expected(fields)}
                )
            # A missing value is the row's to report (check_reading names the field).
            if value is not None and value != "":
                cells[code] = value
        measured_at = cells.pop(MEASURED_AT, "")
        rows.append(UploadRow(number=number, cells=cells, measured_at=str(measured_at)))
    return rows


def _example(field: DataField) -> str:
    middle = (field.min + field.max) / 2
    return str(int(middle)) if middle.is_integer() else str(middle)


# --- Checking the rows ----------------------------------------------------------------------


def _measured_at(raw: str, now: datetime.datetime) -> datetime.datetime | None:
    """When a reading was measured; None without a date (the donation's time is used).
    Raises ValueError for a date that cannot be read, lies in the future or before readings were taken."""
    if not raw:
        return None
    text = raw.strip()
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        moment = None
    if moment is None:
        raise ValueError(
            _("The time of measurement “%(value)s” is not a date and time such as 2025-05-01 08:30.")
            % {"value": _shown(text)}
        )
    if error := measured_at_error(moment) or measured_at_future_error(moment, now):
        raise ValueError(error)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def upload_check(*, rows: list[UploadRow], fields: list[DataField]) -> list[CheckedRow]:
    """Each row checked as donation_store will check it, with the reason a row cannot be sent."""
    now = timezone.now()
    checked: list[CheckedRow] = []
    for row in rows:
        errors: list[str] = []
        values: dict[str, float] | None = None
        measured_at: datetime.datetime | None = None
        try:
            values = check_reading(fields, row.cells)
        except ValueError as error:
            errors.append(str(error))
        try:
            measured_at = _measured_at(row.measured_at, now)
        except ValueError as error:
            errors.append(str(error))
        reason = " ".join(errors)
        checked.append(
            CheckedRow(row=row, values=None if reason else values, measured_at=measured_at, error=reason)
        )
    return checked


# --- Carrying the rows through the review page ----------------------------------------------


def upload_sign(*, rows: list[UploadRow], volunteer_id: int, data_request_id: int) -> str:
    """The rows as a signed token for the review form: the donor's browser holds them until they
    confirm, and the server can tell they were neither altered nor meant for another category."""
    payload = {
        "volunteer": volunteer_id,
        "data_request": data_request_id,
        "rows": [[row.number, row.cells, row.measured_at] for row in rows],
    }
    return signing.dumps(payload, salt=REVIEW_SALT, compress=True)


def upload_unsign(*, token: str, volunteer_id: int, data_request_id: int) -> list[UploadRow]:
    """The rows of a review form's token; UploadError if it is altered, old or another's."""
    try:
        payload = signing.loads(token, salt=REVIEW_SALT, max_age=REVIEW_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise UploadError(_("The review was open too long. Upload the file again.")) from None
    except signing.BadSignature:
        raise UploadError(_("The review form was incomplete or altered. Upload the file again.")) from None
    if payload.get("volunteer") != volunteer_id or payload.get("data_request") != data_request_id:
        raise UploadError(_("The review form was incomplete or altered. Upload the file again."))
    return [
        UploadRow(number=number, cells=cells, measured_at=measured_at)
        for number, cells, measured_at in payload["rows"]
    ]
