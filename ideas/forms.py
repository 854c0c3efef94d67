from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MultilineField, SingleLineField

from .models import (
    BENEFICIARIES_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    REPORT_DETAILS_MAX_LENGTH,
    REPORT_REASONS,
    REVIEW_DETAILS_MISSING,
    STAFF_EDIT_REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Category,
    District,
)


class IdeaForm(forms.Form):
    title = SingleLineField(label=_("title"), min_length=5, max_length=TITLE_MAX_LENGTH)
    problem = MultilineField(
        label=_("problem"),
        min_length=10,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you live with today."),
    )
    proposal = MultilineField(
        label=_("what AI could do"),
        min_length=10,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you wish AI did about it."),
    )
    # Both start on an empty choice: a citizen who skips them is asked, rather than filing the
    # first category and district of the list without knowing.
    category = forms.ChoiceField(
        label=_("category"),
        choices=[("", _("Choose…")), *Category.choices],
        error_messages={"required": _("Choose a category.")},
    )
    district = forms.ChoiceField(
        label=_("district"),
        choices=[("", _("Choose…")), *District.choices],
        error_messages={"required": _("Choose a district.")},
    )
    beneficiaries = SingleLineField(
        label=_("who benefits"), max_length=BENEFICIARIES_MAX_LENGTH, required=False
    )


class StaffIdeaEditForm(IdeaForm):
    """The idea form as city staff see it on someone else's idea."""

    # Needed only when the author's words change (the service decides, comparing the text): a
    # category or a district corrected is filing, and needs no reason.
    edit_reason = MultilineField(
        label=_("reason for changing the author's words"),
        max_length=STAFF_EDIT_REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Needed if you change the title, the problem, what AI could do or who benefits: the author "
            "is told, and the idea's page shows it. Not needed for the category or the district alone."
        ),
    )


class CommentForm(forms.Form):
    body = MultilineField(
        label=_("comment"), max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("reason"), choices=REPORT_REASONS, widget=forms.RadioSelect)
    details = MultilineField(
        label=_("details"),
        max_length=REPORT_DETAILS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: what is wrong, for the moderators."),
    )


class ReviewRequestForm(forms.Form):
    details = MultilineField(
        label=_("What should the moderators know?"),
        max_length=REPORT_DETAILS_MAX_LENGTH,
        error_messages={"required": REVIEW_DETAILS_MISSING},
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "What you changed, or why the idea should be shown again. They read it beside the reports."
        ),
    )
