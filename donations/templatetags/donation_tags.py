"""Data donation on pages of other apps, such as a data request's fields on the pilot page and
the guide of the pilot's companies to reading their donated data."""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.bilingual import any_korean_only, shown_label
from core.templatetags.bilingual import language_note
from donations.fields import DataField
from donations.selectors import data_access_of_members

register = template.Library()


@register.filter
def names_korean_only(fields: list[DataField] | list[dict[str, Any]]) -> bool:
    """Whether the reader reads some of these fields' names in Korean for want of English."""
    return any_korean_only(
        field.shown_label if isinstance(field, DataField) else shown_label(field) for field in fields
    )


@register.filter
def reading_field(field: dict[str, Any]) -> SafeString:
    """A data request's field as volunteers read it: “Pulse (30–220 bpm)”, its name in their
    language (the list says once if names are in Korean only)."""
    try:
        data_field = DataField(**field)
    except TypeError:
        # A field stored before the ranges existed has a name only.
        return language_note(shown_label(field), "bare")
    return format_html("{} {}", language_note(data_field.shown_label, "bare"), data_field.describe_range())


@register.filter
def states_value(result) -> bool:
    """`DonationResult.states_value`, for templates."""
    return result.states_value


@register.simple_tag
def donations_held(donations: int, readings: int) -> str:
    """“2 donations with 1 reading held.”: each count takes its own plural."""
    return _("%(donations)s with %(readings)s held.") % {
        "donations": ngettext("%(count)s donation", "%(count)s donations", donations) % {"count": donations},
        "readings": ngettext("%(count)s reading", "%(count)s readings", readings) % {"count": readings},
    }


@register.inclusion_tag("donations/_company_guide.html", takes_context=True)
def company_data_guide(context, pilot):
    """For members of the pilot's companies: how many donations their company may read now, and
    how to read them and send results back through the API. Nothing for anyone else."""
    return {"pilot": pilot, "accesses": data_access_of_members(pilot=pilot, user=context["request"].user)}
