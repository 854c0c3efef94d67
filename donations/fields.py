"""The fields one reading of a data category holds, with units and valid ranges.

A data request keeps them as a list of dicts in `PilotDataRequest.fields`; a reading is a dict
of field code to number. Both are checked here, with errors a donor or staff member can act on.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.bilingual import ShownText, shown_text
from core.validators import no_control_characters

FIELD_CODE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 12
# Beyond this, a number is a typing slip, not a measurement of anything a pilot asks for.
LIMIT = 1_000_000_000


@dataclass(frozen=True)
class DataField:
    code: str
    label: str
    unit: str
    min: float
    max: float
    # The name in English, if staff gave one; `label` is the Korean.
    label_en: str = ""
    # The unit in English, if staff gave one ("times/day" for "회/일"); `unit` is the Korean.
    unit_en: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def shown_label(self) -> ShownText:
        """The name in the active language."""
        return shown_text(self.label, self.label_en)

    @property
    def shown_unit(self) -> str:
        """The unit in the active language. Without an English one a reader of English reads the
        Korean unmarked: a unit is a few characters beside a number, and many ("mmHg", "bpm")
        read the same in both languages."""
        return shown_text(self.unit, self.unit_en).text

    def describe_range(self) -> str:
        """“(30–220 bpm)”, after the field's name; in Korean “(0~12회/일)”, “(50~250 mmHg)”."""
        low, high = _signed(self.min), _signed(self.max)
        # A minus beside an unspaced dash ("-60–120") reads as a sum: the dash then takes spaces.
        if self.min < 0 or self.max < 0:
            # Translators: a field's range with a bound below zero, e.g. "−60 – 120".
            numbers = _("%(low)s – %(high)s") % {"low": low, "high": high}
        else:
            # Translators: a field's range, e.g. "30–220".
            numbers = _("%(low)s–%(high)s") % {"low": low, "high": high}
        unit = self.shown_unit
        # A unit in Hangul is written against its number ("12회", "5점"), as Korean writes it;
        # a Latin one ("mmHg") is set apart by a space.
        if unit and not _HANGUL.match(unit):
            unit = f" {unit}"
        return f"({numbers}{unit})"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


def _signed(value: float) -> str:
    """A number shown to a reader, a negative one with a true minus sign (−), not a hyphen."""
    return _number(value).replace("-", "\u2212", 1)


def parse_fields(raw: Any) -> list[DataField]:
    """Checks a data request's field list; raises ValueError with a message for staff."""
    if not isinstance(raw, list) or not raw:
        raise ValueError(_("Add at least one field the readings hold."))
    if len(raw) > MAX_FIELDS:
        raise ValueError(_("A data request holds at most %(count)d fields.") % {"count": MAX_FIELDS})
    fields: list[DataField] = []
    for position, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            raise ValueError(_("Field %(number)d is not a field.") % {"number": position})
        code = str(item.get("code", "")).strip()
        label = str(item.get("label", "")).strip()
        label_en = str(item.get("label_en") or "").strip()
        unit = str(item.get("unit", "")).strip()
        unit_en = str(item.get("unit_en") or "").strip()
        if not FIELD_CODE.match(code):
            raise ValueError(
                _(
                    "Field %(number)d: the code must start with a letter and hold only small "
                    "letters, digits and _, such as systolic."
                )
                % {"number": position}
            )
        if not label or len(label) > 60:
            raise ValueError(_("Field %(number)d: give a name of 1 to 60 characters.") % {"number": position})
        if len(label_en) > 60:
            raise ValueError(
                _("Field %(number)d: the name in English is at most 60 characters.") % {"number": position}
            )
        if len(unit) > 20:
            raise ValueError(_("Field %(number)d: the unit is at most 20 characters.") % {"number": position})
        if len(unit_en) > 20:
            raise ValueError(
                _("Field %(number)d: the unit in English is at most 20 characters.") % {"number": position}
            )
        try:
            for text in (label, label_en, unit, unit_en):
                no_control_characters(text)
        except ValidationError:
            raise ValueError(
                _(
                    "Field %(number)d: write its names and units on one line, without line breaks, tabs "
                    "or other control characters."
                )
                % {"number": position}
            ) from None
        low, high = _finite(item.get("min")), _finite(item.get("max"))
        if low is None or high is None:
            raise ValueError(
                _("Field %(number)d: give the lowest and highest valid value.") % {"number": position}
            )
        if low >= high:
            raise ValueError(
                _("Field %(number)d: the lowest valid value must be below the highest.")
                % {"number": position}
            )
        if any(field.code == code for field in fields):
            raise ValueError(
                _("Field %(number)d: the code %(code)s is used twice.") % {"number": position, "code": code}
            )
        fields.append(
            DataField(
                code=code, label=label, unit=unit, min=low, max=high, label_en=label_en, unit_en=unit_en
            )
        )
    return fields


def _finite(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or abs(number) > LIMIT:
        return None
    return number


def check_reading(fields: list[DataField], values: Any) -> dict[str, float]:
    """A reading's values, every field present and in range; raises ValueError naming the field.

    Unknown keys are refused rather than dropped: a device sending something else than the
    request asks for must not have it silently half-stored.
    """
    if not isinstance(values, dict) or not values:
        raise ValueError(_("A reading holds a value for each field."))
    known = {field.code for field in fields}
    unknown = sorted(str(key) for key in values if key not in known)
    if unknown:
        raise ValueError(_("This data request has no field %(fields)s.") % {"fields": ", ".join(unknown)})
    checked: dict[str, float] = {}
    for field in fields:
        if field.code not in values:
            raise ValueError(_("%(field)s is missing.") % {"field": field.shown_label})
        number = _finite(values[field.code])
        if number is None:
            raise ValueError(_("%(field)s must be a number.") % {"field": field.shown_label})
        if not field.min <= number <= field.max:
            raise ValueError(
                _("%(field)s must be between %(min)s and %(max)s %(unit)s; it was %(value)s.")
                % {
                    "field": field.shown_label,
                    "min": _number(field.min),
                    "max": _number(field.max),
                    "unit": field.shown_unit,
                    "value": _number(number),
                }
            )
        checked[field.code] = int(number) if number.is_integer() else number
    return checked
