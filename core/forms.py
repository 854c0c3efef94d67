"""Form fields and error handling shared by the apps' pages."""

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _

from core.errors import ApplicationError
from core.validators import no_control_characters, no_control_characters_but_line_breaks, strip_invisible


class TypedTextField(forms.CharField):
    """Text people type.

    Zero-width characters at either end are stripped as spaces are, so text of nothing else is
    empty and a required field refuses it as one left blank. The browser is given no maxlength,
    which would cut pasted text without a word: the page shows a counter of the limit
    (`data-max-chars`, static/js/site.js), and text over it comes back with an error naming the
    field, as typed, to be shortened."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        if text and self.strip:
            text = strip_invisible(text) or self.empty_value
        return text

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if attrs.pop("maxlength", None) is not None:
            attrs["data-max-chars"] = str(self.max_length)
        return attrs

    def run_validators(self, value: Any) -> None:
        if self.max_length is not None and value and len(value) > self.max_length:
            raise ValidationError(
                _(
                    "“%(field)s” has %(count)s characters, more than the %(limit)s that fit. "
                    "Your text is kept: shorten it and send it again."
                )
                # Grouped as the character counter beside the field shows them (9,000 / 5,000).
                % {
                    "field": self.label or _("This field"),
                    "count": number_format(len(value), force_grouping=True),
                    "limit": number_format(self.max_length, force_grouping=True),
                },
                code="max_length",
            )
        super().run_validators(value)


class SingleLineField(TypedTextField):
    """Text of one line, refused with the model's own rule before any service is called."""

    default_validators = [no_control_characters]


class LongLineField(SingleLineField):
    """One line of text too long to read in a one-line box (a summary): typed in a textarea of a
    few rows that wraps it. The line breaks a textarea lets people type or paste become spaces, as
    browsers turn them when text is pasted into a one-line box; any other control character is
    refused as in a one-line field, so the model's rule holds."""

    def __init__(self, *, rows: int = 3, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return _LINE_BREAKS.sub(" ", text) if text else text


_LINE_BREAKS = re.compile(r" *[\r\n\u2028\u2029]+ *")


# The largest id a bigint primary key holds: a larger number is no row's id, and PostgreSQL
# refuses to compare the column with it.
MAX_ROW_ID = 2**63 - 1


class MultilineField(TypedTextField):
    """Text typed in a textarea. Browsers send its line breaks as CRLF but count each as one
    character against the textarea's maxlength; normalised before the length check, text the page
    accepted is not refused for being too long."""

    widget = forms.Textarea
    default_validators = [no_control_characters_but_line_breaks]

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        # A field whose empty_value is None stays None rather than becoming the text "None".
        return normalize_newlines(text) if text else text


class GroupedCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Boxes to tick whose choices come in named groups (a field's choices given as
    `[(group, [(value, label), ...]), ...]`): each group a fieldset its legend names
    (core/templates/core/widgets/grouped_choices.html). Django draws a group's name as a label tied
    to no box, which a screen reader reads out alone, as a label missing its box, and not with the
    boxes it names."""

    template_name = "core/widgets/grouped_choices.html"


class BoundField(forms.BoundField):
    """A field as every form of the site draws it. A password typed into a form that comes back
    with errors is not sent back to the page (`PasswordInput`), so its box is empty whatever the
    error was: the field says to type it again, and so the error summary, which lists the fields'
    errors, names it. Without that, whoever fixed the one error named was refused next for a
    password they had typed. Decided as the page is drawn, after the view added the service's
    refusals, and only for a field with no error of its own, which already asks for it."""

    def label_tag(
        self,
        contents: str | None = None,
        attrs: dict[str, Any] | None = None,
        label_suffix: str | None = None,
        tag: str | None = None,
    ) -> SafeString:
        # No colon after a label, in either language: Korean services do not write "제목:", and
        # the English pages look the same. A field, or a call, may still ask for a suffix.
        if label_suffix is None and self.field.label_suffix is None:
            label_suffix = ""
        return super().label_tag(contents, attrs, label_suffix, tag)

    @property
    def errors(self) -> ErrorList:
        errors = super().errors
        if errors or not self._emptied_on_return():
            return errors
        return self.form.error_class(
            [_("Enter it again; for your safety, it is left empty when the form comes back.")],
            renderer=self.form.renderer,
            field_id=self.auto_id,
        )

    @property
    def summary_link_id(self) -> str:
        """Where the error summary's link to the field leads: its box, or for a group of boxes to
        tick or of choices (which no one label names) the fieldset holding them under their
        legend, with its error above the first box (templates/_choice_group.html)."""
        if self.use_fieldset:
            return f"{self.auto_id}_group"
        return self.id_for_label

    @property
    def asks_to_type_again(self) -> bool:
        """Its only error is the note to type it again: the error summary lists it after the
        errors that made the form come back, which are what there is to fix."""
        return not super().errors and self._emptied_on_return()

    def _emptied_on_return(self) -> bool:
        widget = self.field.widget
        return (
            isinstance(widget, forms.PasswordInput)
            and not widget.render_value
            and self.form.is_bound
            and bool(self.data)
            and bool(self.form.errors)
        )


class FormRenderer(DjangoTemplates):
    """Django's template renderer, with the site's `BoundField` for every form (FORM_RENDERER),
    Django's own forms (log-in, password change and reset) and the admin's included."""

    bound_field_class = BoundField


def add_service_errors(form: forms.Form, error: ApplicationError | ValidationError) -> None:
    """Put a service's refusal on the fields the user typed in (the model's own limits included),
    or on the form as a whole, so the page shows it next to what is kept."""
    if isinstance(error, ValidationError):
        by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    else:
        by_field = error.fields or {None: [error.message]}
    for field, errors in by_field.items():
        form.add_error(field if field in form.fields else None, errors)


def error_text(error: ApplicationError | ValidationError) -> str:
    """A service's refusal as one message for a page without a form to hold it; field messages
    that only repeat the main sentence are left out."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    details = [m for ms in error.fields.values() for m in ms if m != error.message]
    return " ".join([error.message, *details])


def error_text_naming_fields(error: ApplicationError | ValidationError, labels: Mapping[str, str]) -> str:
    """A refusal as one message for a page whose forms post elsewhere and come back without
    their errors beside the fields: every field's messages, each after the field's label as the
    page shows it, so whoever reads it knows what to fix."""
    if isinstance(error, ValidationError):
        by_field = error.message_dict if hasattr(error, "error_dict") else {}
        general = [] if by_field else error.messages
    else:
        by_field = error.fields or {}
        repeated = error.message in {m for ms in by_field.values() for m in ms}
        general = [] if repeated else [error.message]
    named = [
        _("%(field)s: %(message)s") % {"field": labels[field], "message": message}
        if field in labels
        else message
        for field, messages in by_field.items()
        for message in messages
    ]
    return " ".join([*general, *named])


def posted_id(data: QueryDict, name: str) -> int:
    """The id a page's form sent for a row (a hidden input, a select). A missing value or one
    that is no id at all (an altered page, a request typed by hand) is refused on its field
    instead of failing in the database."""
    try:
        number = int(data.get(name) or "")
    except ValueError:
        number = 0
    if not 0 < number <= MAX_ROW_ID:
        message = _("The form was incomplete or altered. Reload the page and try again.")
        raise ValidationError({name: [message]})
    return number


def posted_flag(data: QueryDict, name: str) -> bool:
    """A yes or no a page's button sent as 1 or 0: the state wanted, not a flip of the state
    shown, so a second click or another person's click changes nothing. Anything else is refused
    on its field, as `posted_id` refuses an altered id."""
    value = data.get(name)
    if value not in ("0", "1"):
        message = _("The form was incomplete or altered. Reload the page and try again.")
        raise ValidationError({name: [message]})
    return value == "1"


def posted_text(data: QueryDict, name: str) -> str:
    """Text a page sent without a form field to check it. PostgreSQL cannot store a NUL
    character, which form fields refuse, so it is refused here the same way, on its field."""
    value = data.get(name, "")
    try:
        ProhibitNullCharactersValidator()(value)
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from None
    return value


def kept_text(data: QueryDict, name: str) -> str:
    """Text a page sent that was refused, to show again as typed. A NUL cannot be typed, only
    forged: it is dropped, as form fields and `posted_text` refuse it. Blanks alone, refused as
    nothing written, come back as an empty box, not one that looks empty and counts characters."""
    text = data.get(name, "").replace("\x00", "")
    return text if text.strip() else ""
