import django_filters
from django.utils.translation import gettext_lazy as _

from core.throttling import client_address

from . import selectors
from .models import Category, District, Idea, IdeaStatus


class IdeaFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("search"))
    category = django_filters.ChoiceFilter(choices=Category.choices)
    district = django_filters.ChoiceFilter(choices=District.choices)
    status = django_filters.ChoiceFilter(choices=IdeaStatus.choices)
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("only my ideas"))
    ordering = django_filters.OrderingFilter(
        fields=(("created_at", "newest"), ("supports_count", "supports")),
        field_labels={"created_at": _("newest"), "supports_count": _("most supported")},
    )

    class Meta:
        model = Idea
        fields = ["q", "category", "district", "status", "mine"]

    # What the text search did, once the results are read: `selectors.IdeaSearch`.
    search: selectors.IdeaSearch | None = None

    def filter_text(self, queryset, name, value):
        self.search = selectors.idea_search(ideas=queryset, text=value, client=self._client())
        return self.search.ideas

    def _client(self) -> str:
        """Who searches, for the matcher's cap per client: the user, or the address of someone
        signed out (as the API's throttles read it)."""
        if self.request is None:
            return "unknown"
        if self.request.user.is_authenticated:
            return f"user:{self.request.user.pk}"
        return f"address:{client_address(self.request)}"

    def filter_mine(self, queryset, name, value):
        user = self.request.user if self.request else None
        if not value:
            return queryset
        if user is None or not user.is_authenticated:
            return queryset.none()
        return queryset.filter(author=user)
