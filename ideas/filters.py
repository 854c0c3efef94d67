import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.throttling import client_of

from . import selectors
from .models import PUBLIC_STATUSES, Category, District, Idea, IdeaStatus

# The ways a person sorts the list, first the default; the API accepts the same values.
ORDERINGS = [
    ("-newest", pgettext_lazy("sort order", "Newest")),
    ("-supports", pgettext_lazy("sort order", "Most supported")),
    ("newest", pgettext_lazy("sort order", "Oldest")),
]

DEFAULT_ORDERING = "-newest"

PUBLIC_STATUS_CHOICES = [(status.value, status.label) for status in IdeaStatus if status in PUBLIC_STATUSES]


class IdeaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    category = django_filters.ChoiceFilter(
        choices=Category.choices, label=_("Category"), empty_label=_("All categories")
    )
    district = django_filters.ChoiceFilter(
        choices=District.choices, label=_("District"), empty_label=_("All districts")
    )
    # Citizens see only public ideas (and their own), so only public statuses are offered to
    # them; staff, who see every idea, get every status (see __init__).
    status = django_filters.ChoiceFilter(
        choices=PUBLIC_STATUS_CHOICES, label=_("Status"), empty_label=_("All statuses")
    )
    # Two plain choices instead of the yes / no / unknown of a nullable boolean: "false" never
    # narrowed the list anyway.
    mine = django_filters.BooleanFilter(
        method="filter_mine",
        label=_("Whose ideas"),
        widget=forms.Select(choices=[("", _("Everyone's ideas")), ("true", _("Only my ideas"))]),
    )
    ordering = django_filters.OrderingFilter(
        fields=(("created_at", "newest"), ("supports_count", "supports")),
        choices=ORDERINGS,
        label=_("Sort by"),
        empty_label=None,
    )

    class Meta:
        model = Idea
        fields = ["q", "category", "district", "status", "mine"]

    # What the text search did, once the results are read: `selectors.IdeaSearch`.
    search: selectors.IdeaSearch | None = None

    def __init__(self, data=None, *args, **kwargs) -> None:
        searching = data is not None and bool((data.get("q") or "").strip())
        if data is not None and not searching and data.get("ordering") == DEFAULT_ORDERING:
            # Without a search, the default order asked for by name: the same list as asking for none.
            data = data.copy()
            data.pop("ordering")
        super().__init__(data, *args, **kwargs)
        if self._user_is_staff:
            self.filters["status"].extra["choices"] = IdeaStatus.choices
        # The default order is sent as no order at all: the newest first, or with a search the best
        # matches first. A page's form always sends its sort box, so a default sent as "-newest"
        # would turn the first search typed on the list into a list of the newest matches.
        self.filters["ordering"].extra["choices"] = (
            [("", pgettext_lazy("sort order", "Best match")), *ORDERINGS]
            if searching
            else [("" if value == DEFAULT_ORDERING else value, label) for value, label in ORDERINGS]
        )

    @property
    def _user(self):
        return getattr(self.request, "user", None)

    @property
    def _user_is_staff(self) -> bool:
        user = self._user
        return bool(user is not None and user.is_authenticated and user.is_city_staff)

    @property
    def shown_fields(self) -> list:
        """The form's fields a person can use: a visitor who is not signed in has no ideas of
        their own to narrow the list to."""
        user = self._user
        signed_in = user is not None and user.is_authenticated
        return [field for field in self.form if signed_in or field.name != "mine"]

    def filter_text(self, queryset, name, value):
        self.search = selectors.idea_search(ideas=queryset, text=value, client=client_of(self.request))
        return self.search.ideas

    def filter_mine(self, queryset, name, value):
        user = self._user
        if not value:
            return queryset
        if user is None or not user.is_authenticated:
            return queryset.none()
        return queryset.filter(author=user)
