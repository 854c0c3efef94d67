"""Staff's forms: a pilot's data requests with the fields one reading holds, and its stations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.bilingual import ENGLISH, KOREAN
from core.forms import MultilineField, SingleLineField
from pilots.models import Pilot

from .fields import FIELD_CODE, MAX_FIELDS
from .models import STATION_NAME_MAX_LENGTH

FIELD_ROWS_PREFIX = "fields"
# Empty rows offered under the filled ones, so a request of a few fields needs no extra click.
SPARE_FIELD_ROWS = 2


@dataclass(frozen=True)
class FieldPreset:
    """A common kind of reading staff can start from instead of typing its fields."""

    key: str
    name: Promise
    category_code: str
    category_label: Promise
    fields: tuple[tuple[str, Promise, Promise | str, float, float], ...]

    def rows(self) -> list[dict[str, Any]]:
        # The names in Korean and in English whatever language staff read the form in.
        with translation.override(KOREAN):
            rows = [
                {"code": code, "label": str(label), "unit": str(unit), "min": low, "max": high}
                for code, label, unit, low, high in self.fields
            ]
        with translation.override(ENGLISH):
            for row, (_code, label, unit, *_rest) in zip(rows, self.fields, strict=True):
                row["label_en"] = str(label)
                # "mmHg" reads alike in both; only a translated unit ("steps") has an English one.
                if str(unit) != row["unit"]:
                    row["unit_en"] = str(unit)
        return rows

    def category_labels(self) -> tuple[str, str]:
        """The category in Korean and in English."""
        with translation.override(KOREAN):
            korean = str(self.category_label)
        with translation.override(ENGLISH):
            return korean, str(self.category_label)


FIELD_PRESETS = (
    FieldPreset(
        key="blood_pressure",
        name=_("Blood pressure and pulse"),
        category_code="blood_pressure",
        category_label=_("Blood pressure and pulse"),
        # Wider than any healthy range on purpose: the range refuses a device's or a typing
        # error, not a worrying reading, which is exactly what the donor should hear about.
        fields=(
            ("systolic", _("Systolic blood pressure"), "mmHg", 50, 250),
            ("diastolic", _("Diastolic blood pressure"), "mmHg", 30, 150),
            ("pulse", _("Pulse"), "bpm", 30, 220),
        ),
    ),
    FieldPreset(
        key="steps",
        name=_("Steps per day"),
        category_code="steps",
        category_label=_("Steps per day"),
        fields=(("steps", _("Steps"), _("steps"), 0, 100_000),),
    ),
    FieldPreset(
        key="household_electricity",
        name=_("Household electricity per hour"),
        category_code="household_electricity",
        category_label=_("Household electricity use per hour"),
        fields=(("energy", _("Electricity used"), "kWh", 0, 50),),
    ),
)
PRESETS_BY_KEY = {preset.key: preset for preset in FIELD_PRESETS}


ENGLISH_HELP = _(
    "Optional. Volunteers reading the site in English see this; left empty, they see the Korean, "
    "marked as written in Korean only."
)


class DataRequestForm(forms.Form):
    category_code = forms.SlugField(
        label=_("category code"),
        max_length=40,
        help_text=_(
            "Small letters, digits, - and _, such as blood_pressure. Stations and companies "
            "name the category by it."
        ),
    )
    category_label = SingleLineField(
        label=_("data category (Korean)"),
        max_length=100,
        help_text=_("As volunteers read it, such as “Blood pressure and pulse”."),
    )
    category_label_en = SingleLineField(
        label=_("data category in English"),
        max_length=100,
        required=False,
        help_text=ENGLISH_HELP,
    )
    purpose = MultilineField(
        label=_("purpose (Korean)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the data is used for, in words a volunteer understands."),
    )
    purpose_en = MultilineField(
        label=_("purpose in English"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=ENGLISH_HELP,
    )
    recipient_companies = forms.ModelMultipleChoiceField(
        label=_("recipient companies"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these of the pilot's companies may read what is donated."),
        error_messages={"required": _("Choose at least one company that receives the data.")},
    )
    retention_days = forms.IntegerField(
        label=_("kept for (days)"),
        min_value=1,
        max_value=3650,
        help_text=_("Each donation is deleted this many days after it was given."),
    )
    consent_text = MultilineField(
        label=_("consent text (Korean)"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Leave it empty to use the text written from the fields above, shown below."),
    )
    consent_text_en = MultilineField(
        label=_("consent text in English"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Leave it empty to use the English text written from the fields above, shown below. "
            "If you write the Korean consent text yourself, write the English one too: otherwise "
            "volunteers reading English are shown your Korean text."
        ),
    )

    def __init__(self, *args: Any, pilot: Pilot, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["recipient_companies"].queryset = pilot.companies.order_by("name")


class FieldRowForm(forms.Form):
    """One value a reading holds; a row left empty is no field."""

    code = forms.RegexField(
        FIELD_CODE,
        label=_("code"),
        max_length=40,
        error_messages={
            "invalid": _("Start with a small letter; then small letters, digits and _, such as systolic.")
        },
    )
    label = SingleLineField(label=_("name (Korean)"), max_length=60)
    label_en = SingleLineField(label=_("name in English"), max_length=60, required=False)
    unit = SingleLineField(label=_("unit"), max_length=20, required=False)
    unit_en = SingleLineField(label=_("unit in English"), max_length=20, required=False)
    # Short labels, so a row's boxes line up on one line; the fieldset says what the range does.
    min = forms.FloatField(label=_("lowest"), widget=forms.NumberInput(attrs={"step": "any"}))
    max = forms.FloatField(label=_("highest"), widget=forms.NumberInput(attrs={"step": "any"}))

    def __init__(self, *args: Any, number: int | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.number = number

    @property
    def legend(self) -> str:
        """The row's name on its box and in the page's error summary: "Field 2"."""
        return str(_("Field %(number)s") % {"number": self.number})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        low, high = cleaned.get("min"), cleaned.get("max")
        if low is not None and high is not None and low >= high:
            self.add_error("max", _("The highest valid value must be above the lowest."))
        return cleaned


class BaseFieldRowFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # Rows are numbered from 1, as the page names them.
        return {**super().get_form_kwargs(index), "number": None if index is None else index + 1}

    def initial_form_count(self) -> int:
        # Every row counts as new: a row left or emptied is skipped, never refused as incomplete.
        return 0

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            code = form.cleaned_data.get("code")
            if not code:
                continue
            if code in seen:
                form.add_error("code", _("This code is already used by another field."))
            seen.add(code)
        if not seen:
            raise forms.ValidationError(_("Add at least one field the readings hold."))

    def rows(self) -> list[dict[str, Any]]:
        """The filled rows, as data_request_add takes them; call after is_valid()."""
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("code")]


FieldRowFormSet = forms.formset_factory(
    FieldRowForm,
    formset=BaseFieldRowFormSet,
    extra=0,
    max_num=MAX_FIELDS,
    validate_max=True,
    absolute_max=MAX_FIELDS,
)


def field_rows_to_show(rows: list[dict[str, Any]], *, spare: int = SPARE_FIELD_ROWS) -> Any:
    """An unbound set of rows showing `rows` and `spare` empty ones, without any error: for a
    page shown afresh, after a preset or after "Add another field"."""
    formset = FieldRowFormSet(initial=[_shown(row) for row in rows], prefix=FIELD_ROWS_PREFIX)
    formset.extra = max(1, min(len(rows) + spare, MAX_FIELDS))
    return formset


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    # 50.0 as stored reads 50 on the page.
    return {
        name: int(value) if isinstance(value, float) and value.is_integer() else value
        for name, value in row.items()
    }


def posted_field_rows(data: Any) -> list[dict[str, Any]]:
    """The rows as typed, empty ones too, to show them again unchanged."""
    try:
        total = int(data.get(f"{FIELD_ROWS_PREFIX}-TOTAL_FORMS", 0))
    except ValueError:
        total = 0
    return [
        {
            name: data.get(f"{FIELD_ROWS_PREFIX}-{number}-{name}", "")
            for name in ("code", "label", "label_en", "unit", "unit_en", "min", "max")
        }
        for number in range(max(0, min(total, MAX_FIELDS)))
    ]


class StationForm(forms.Form):
    name = SingleLineField(
        label=_("place"),
        max_length=STATION_NAME_MAX_LENGTH,
        help_text=_("Where donors find it, such as “Unchon reservoir park, gate 2”."),
    )
    name_en = SingleLineField(
        label=_("place in English"),
        max_length=STATION_NAME_MAX_LENGTH,
        required=False,
        help_text=ENGLISH_HELP,
    )
