"""Django's refusals that reach people on this site's pages and in its API (a choice that is not
on the list, for instance a filter of `/api/v1/ideas/?category=…`), in the site's own Korean.

Django's Korean writes particles for either ending ("%(value)s 이/가 선택가능항목에 없습니다."),
which a Korean service does not: the project's catalogue, read before Django's, gives each one
under Django's exact msgid. They are named here, and nowhere used, so that `make messages` finds
them in the project's source and keeps them in the catalogue."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_REFUSALS = (
    # forms.ChoiceField and MultipleChoiceField, and the filters built on them
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("Select a valid choice. That choice is not one of the available choices."),
    # model fields with choices, and a foreign key's value
    gettext_noop("Value %(value)r is not a valid choice."),
    gettext_noop("“%(pk)s” is not a valid value."),
    # unique fields
    gettext_noop("%(model_name)s with this %(field_label)s already exists."),
    gettext_noop("%(model_name)s with this %(field_labels)s already exists."),
    # MaxLengthValidator and MinLengthValidator, where a form field has no words of its own
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    # a local time the clocks skipped or repeated
    gettext_noop(
        "%(datetime)s couldn’t be interpreted in time zone %(current_timezone)s; it may be ambiguous or "
        "it may not exist."
    ),
)
