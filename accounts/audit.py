"""The staff audit log: every curation service records what it changed."""

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import cast

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Field
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext, gettext_lazy

from .models import AuditAction, AuditEntry, User


def snapshot(instance: models.Model, fields: list[str]) -> dict:
    """The given fields of a row, as JSON-friendly values."""
    values = {}
    for field in fields:
        value = getattr(instance, field)
        values[field] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def audit_record(
    *,
    actor: User,
    action: AuditAction,
    target: models.Model,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    if action not in AuditAction.values:
        # An action without a label would show staff its code; name it in AuditAction first.
        raise ValueError(f"Unknown audit action {action!r}.")
    return AuditEntry.objects.create(
        actor=actor,
        action=action,
        # Every concrete model has a name; only the stubs allow for None.
        target_type=cast(str, target._meta.model_name),
        target_id=target.pk,
        target_label=str(target)[:200],
        before=before or {},
        after=after or {},
    )


@contextmanager
def audited(
    *,
    actor: User,
    action: AuditAction,
    target: models.Model,
    fields: list[str],
    of: models.Model | None = None,
) -> Iterator[None]:
    """Record what the block changes in `fields` of `of` (the target itself unless given); a
    block that raises records nothing."""
    row = target if of is None else of
    before = snapshot(row, fields)
    yield
    audit_record(actor=actor, action=action, target=target, before=before, after=snapshot(row, fields))


# --- Reading the log ------------------------------------------------------------------------

_EMPTY = "—"


@dataclass(frozen=True)
class AuditChange:
    """One field of an entry as staff read it: its label and its values in their language."""

    label: str
    before: str | None
    after: str | None


# The registry is fixed once Django has started, so each name is looked up once per process.
@functools.cache
def _model_named(model_name: str) -> type[models.Model] | None:
    # The log names its target by model name only (the app that wrote it is not recorded), and
    # accounts imports no app above it: the registry finds the model.
    for model in apps.get_models():
        if model._meta.model_name == model_name:
            return model
    return None


@functools.cache
def _field_named(model: type[models.Model] | None, name: str) -> Field | None:
    """The field `name` of the target's model, or else of any model: a milestone's fields are
    recorded on its pilot's entry."""
    candidates = [model] if model is not None else []
    candidates += [m for m in apps.get_models() if m is not model]
    for candidate in candidates:
        try:
            field = candidate._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, Field):
            return field
    return None


def _field_label(field: Field | None, name: str) -> str:
    if name == "id":
        return gettext("ID")
    if field is None:
        return name.replace("_", " ")
    return capfirst(str(field.verbose_name))


# Keys that name a recorded item come first; PostgreSQL keeps a JSON object's keys shortest
# first, which reads as noise.
_LEADING_KEYS = ("label", "title", "name", "unit", "min", "max", "code", "key")

# The keys of the objects the log records (a data request's fields), in the reader's language.
_KEY_LABELS = {
    "label": gettext_lazy("name"),
    "title": gettext_lazy("title"),
    "name": gettext_lazy("name"),
    "unit": gettext_lazy("unit"),
    "label_en": gettext_lazy("name in English"),
    "unit_en": gettext_lazy("unit in English"),
    "min": gettext_lazy("minimum"),
    "max": gettext_lazy("maximum"),
    "code": gettext_lazy("code"),
    "key": gettext_lazy("key"),
    "all": gettext_lazy("all"),
    "company": gettext_lazy("company"),
}


def _key_label(key: object) -> str:
    label = _KEY_LABELS.get(str(key))
    return str(label) if label is not None else str(key).replace("_", " ")


def _ordered_keys(value: dict) -> list:
    leading = [key for key in _LEADING_KEYS if key in value]
    return leading + sorted((key for key in value if key not in leading), key=str)


def _scalar(value: object) -> str:
    if value is None or value == "":
        return _EMPTY
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict):
        # An item with a name reads by it, its unit beside it ("Minutes late (min) — minimum:
        # -60, …"); a nested object is in parentheses, so its pairs do not read as its parent's.
        name_key = next((key for key in ("label", "title", "name") if value.get(key)), None)
        head = ""
        if name_key is not None:
            head = str(value[name_key]) + (f" ({value['unit']})" if value.get("unit") else "")
        rest = ", ".join(
            f"{_key_label(key)}: ({_scalar(value[key])})"
            if isinstance(value[key], dict)
            else f"{_key_label(key)}: {_scalar(value[key])}"
            for key in _ordered_keys(value)
            if name_key is None or key not in (name_key, "unit")
        )
        return f"{head} — {rest}" if head and rest else head or rest
    if isinstance(value, list):
        return ", ".join(_scalar(item) for item in value)
    return Truncator(str(value)).chars(200)


def _structured(value: list) -> SafeString:
    """A recorded list of objects, each on its line as key: value pairs: staff read what a data
    request's fields were, not Python's spelling of them."""
    return format_html(
        '<ul class="structured">{}</ul>',
        format_html_join("", "<li>{}</li>", ((_scalar(item),) for item in value)),
    )


def _related_model(field: Field | None) -> type[models.Model] | None:
    if isinstance(field, (models.ForeignKey, models.OneToOneField, models.ManyToManyField)):
        return field.related_model
    return None


def _lookup(model: type[models.Model], value: object) -> str:
    """How a recorded reference names its row: a company by its slug, anything else by id."""
    if isinstance(value, str) and any(f.name == "slug" for f in model._meta.get_fields()):
        return "slug"
    return "pk"


class AuditNames:
    """The rows the entries' fields point to (an idea, a pilot, companies), loaded at once for a
    page of entries: the log names them and links to their pages instead of showing ids and slugs."""

    def __init__(self, entries: Iterable[AuditEntry]) -> None:
        wanted: dict[tuple[type[models.Model], str], set] = defaultdict(set)
        for entry in entries:
            model = _model_named(entry.target_type)
            for record in (entry.before, entry.after):
                for name, value in record.items():
                    related = _related_model(_field_named(model, name))
                    if related is None:
                        continue
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, (int, str)) and item != "":
                            wanted[(related, _lookup(related, item))].add(item)
        self._rows: dict[tuple[type[models.Model], str, object], models.Model] = {}
        for (related, lookup), values in wanted.items():
            if lookup == "pk":
                values = {value for value in values if str(value).isdigit()}
            for row in related._base_manager.filter(**{f"{lookup}__in": values}):
                self._rows[(related, lookup, getattr(row, lookup))] = row

    def name(self, model: type[models.Model], value: object) -> SafeString:
        key = int(str(value)) if str(value).isdigit() else value
        row = self._rows.get((model, _lookup(model, value), key))
        if row is None:
            # Deleted since: what was recorded is all there is.
            return format_html("{}", f"#{value}" if isinstance(value, int) else value)
        url = getattr(row, "get_absolute_url", None)
        if url is None:
            return format_html("{}", str(row))
        return format_html('<a href="{}">{}</a>', url(), str(row))


def _readable(field: Field | None, value: object, names: AuditNames | None = None) -> str:
    if value is None or value == "" or value == []:
        return _EMPTY
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    related = _related_model(field)
    if related is not None and names is not None:
        items = value if isinstance(value, list) else [value]
        if all(isinstance(item, (int, str)) for item in items):
            return format_html_join(", ", "{}", ((names.name(related, item),) for item in items))
    if isinstance(value, list) and any(isinstance(item, (dict, list)) for item in value):
        return _structured(value)
    if isinstance(value, (dict, list)):
        return _scalar(value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, (models.ForeignKey, models.OneToOneField)):
        return f"#{value}"
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    if isinstance(field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        if day is not None:
            return date_format(day, "DATE_FORMAT")
    return Truncator(str(value)).chars(200)


# A code recorded beside the label it stands for is shown with the label, not on a line of its own.
_CODES_OF_LABELS = {"category_label": "category_code"}


def _is_empty(value: object) -> bool:
    return value is None or value == "" or value == []


def audit_changes(entry: AuditEntry, names: AuditNames | None = None) -> list[AuditChange]:
    """What the entry changed, field by field, in the active language. A field recorded with
    the same value before and after (the log records a fixed set of fields per action) is left
    out; a row created has no "before", a row removed no "after", and neither lists the fields
    it had empty. Row ids are left out: the entry names its row, and references are named by
    `names` (an idea's title, a company's name) where given."""
    model = _model_named(entry.target_type)
    names = names if names is not None else AuditNames([entry])
    folded = {_CODES_OF_LABELS[name] for name in (*entry.before, *entry.after) if name in _CODES_OF_LABELS}
    changes = []
    for name in list(entry.before) + [name for name in entry.after if name not in entry.before]:
        if name == "id" or name in folded:
            continue
        in_before, in_after = name in entry.before, name in entry.after
        if in_before and in_after and entry.before[name] == entry.after[name]:
            continue
        if in_before != in_after and _is_empty(entry.before[name] if in_before else entry.after[name]):
            continue
        field = _field_named(model, name)

        def read(record: dict, name: str = name, field: Field | None = field) -> str:
            text = _readable(field, record[name], names)
            code = record.get(_CODES_OF_LABELS.get(name, ""))
            return format_html("{} ({})", text, code) if code else text

        changes.append(
            AuditChange(
                label=_field_label(field, name),
                before=read(entry.before) if in_before else None,
                after=read(entry.after) if in_after else None,
            )
        )
    return changes


def audit_target_kind(entry: AuditEntry) -> str:
    """The kind of row the entry is about, as staff call it (idea, pilot, comment, …)."""
    model = _model_named(entry.target_type)
    return capfirst(str(model._meta.verbose_name)) if model is not None else entry.target_type


def audit_target_url(entry: AuditEntry) -> str:
    """The target's page, for the kinds of rows that have one."""
    model = _model_named(entry.target_type)
    page_of = getattr(model, "get_absolute_url", None)
    if model is None or page_of is None:
        return ""
    # The pages are addressed by primary key alone, so the row need not be loaded.
    try:
        return str(page_of(model(pk=entry.target_id)))
    except (AttributeError, NoReverseMatch):
        return ""
