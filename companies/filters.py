import django_filters
from django import forms
from django.db.models import CharField, F, Func, Q, Value
from django.utils.translation import gettext_lazy as _

from .models import Company


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

    def filter_text(self, queryset, name, value):
        for term in value.split():
            queryset = queryset.filter(
                Q(name__icontains=term) | Q(summary__icontains=term) | Q(description__icontains=term)
            )
        return queryset

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
