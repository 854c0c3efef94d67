from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MultilineField, SingleLineField

from .models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Category, District


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
        label=_("proposal"),
        min_length=10,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you wish AI did about it."),
    )
    category = forms.ChoiceField(label=_("category"), choices=Category.choices)
    district = forms.ChoiceField(label=_("district"), choices=District.choices)
    beneficiaries = SingleLineField(label=_("who benefits"), max_length=200, required=False)
