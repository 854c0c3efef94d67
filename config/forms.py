"""Form fields shared by the apps' pages."""

from django import forms
from django.utils.text import normalize_newlines


class MultilineField(forms.CharField):
    """Text typed in a textarea. Browsers send its line breaks as CRLF but count each as one
    character against the textarea's maxlength; normalised before the length check, text the page
    accepted is not refused for being too long."""

    widget = forms.Textarea

    def to_python(self, value):
        return normalize_newlines(super().to_python(value))
