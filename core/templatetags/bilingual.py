"""Texts staff write in Korean and, if they choose, in English (core.bilingual), on the pages."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.bilingual import ShownText

register = template.Library()


@register.filter
def language_note(text: ShownText | str, how: str = "") -> SafeString:
    """A text staff wrote, in the reader's language; where the reader reads English and staff
    gave none, the Korean, marked as such. `how`, one or both words of "lines bare": "lines"
    keeps its line breaks; "bare" leaves the note out, for a page that says it once for many,
    such as a table's columns or the pilot page."""
    ways = how.split()
    shown = linebreaksbr(str(text), autoescape=True) if "lines" in ways else conditional_escape(str(text))
    if not (isinstance(text, ShownText) and text.korean_only):
        return SafeString(shown)
    if "bare" in ways:
        return format_html('<span lang="ko">{}</span>', shown)
    return format_html(
        '<span lang="ko">{}</span> <span class="korean-only">{}</span>', shown, _("(written in Korean only)")
    )
