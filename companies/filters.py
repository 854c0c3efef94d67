import django_filters
from django import forms
from django.db.models import CharField, F, Func, Value
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.meaning_search import HowSearched, words_then_meaning
from core.throttling import client_of

from .models import Company
from .search import companies_by_meaning


class VerifiedSelect(forms.NullBooleanSelect):
    """Django's select for a yes/no/either filter, reading the same values (the API's too), with
    choices named for what they keep."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [
            ("", _("All companies")),
            ("true", _("Verified by the city")),
            ("false", _("Not verified yet")),
        ]


class CompanyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("search"))
    technology = django_filters.CharFilter(method="filter_technology", label=_("technology"))
    domain = django_filters.CharFilter(method="filter_domain", label=_("domain"))
    # Named choices, not a nullable boolean's "unknown / yes / no"; the page offers it to staff
    # only, as everyone else sees verified companies alone (and their own).
    verified = django_filters.BooleanFilter(
        field_name="is_verified", label=_("verified"), widget=VerifiedSelect
    )
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("only my companies"))

    class Meta:
        model = Company
        fields = ["q", "technology", "domain", "verified", "mine"]

    # How the text search ran, once the results are read; None without a search.
    search: HowSearched | None = None

    def filter_text(self, queryset, name, value):
        similar = companies_by_meaning.ask(text=value, client=client_of(self.request))
        self.search = HowSearched(
            by_meaning=similar is not None,
            words_only_notice=gettext(
                "Search by meaning is unavailable right now: only companies containing your words are shown."
            ),
        )
        return words_then_meaning(
            queryset,
            text=value,
            fields=("name", "summary", "description"),
            similar=similar or {},
            close_from=companies_by_meaning.close_from(),
            then_by=("name", "id"),
        )

    def filter_technology(self, queryset, name, value):
        return _filter_tags(queryset, "technologies", value)

    def filter_domain(self, queryset, name, value):
        return _filter_tags(queryset, "domains", value)

    def filter_mine(self, queryset, name, value):
        user = self.request.user if self.request else None
        if not value:
            return queryset
        if user is None or not user.is_authenticated:
            return queryset.none()
        return queryset.filter(memberships__user=user)


def _filter_tags(queryset, field: str, value: str):
    """Case-insensitive substring match on any tag: "vision" finds "computer vision"."""
    joined = Func(F(field), Value("|"), function="array_to_string", output_field=CharField())
    return queryset.alias(**{f"{field}_joined": joined}).filter(**{f"{field}_joined__icontains": value})
