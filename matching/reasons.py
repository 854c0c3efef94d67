"""A match's reason in words: which phrase of the idea met which phrase of the profile."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "problem": gettext_lazy("problem"),
    "proposal": gettext_lazy("proposal"),
    "summary": gettext_lazy("summary"),
    "description": gettext_lazy("description"),
    "technology": gettext_lazy("technology"),
    "domain": gettext_lazy("domain"),
    "reference": gettext_lazy("reference"),
}


def reason_text(reason: dict) -> str:
    """The match reason as one sentence in the reader's language."""
    if not reason:
        return ""
    return _(
        "The idea's %(idea_field)s “%(idea_text)s” meets the company's %(company_field)s “%(company_text)s”."
    ) % {
        "idea_field": FIELD_LABELS.get(reason["idea_field"], reason["idea_field"]),
        "idea_text": reason["idea_text"],
        "company_field": FIELD_LABELS.get(reason["company_field"], reason["company_field"]),
        "company_text": reason["company_text"],
    }
