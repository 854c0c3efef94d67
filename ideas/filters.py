import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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

    def filter_text(self, queryset, name, value):
        # Substring match rather than PostgreSQL full text: its parsers do not segment Korean.
        for term in value.split():
            queryset = queryset.filter(
                Q(title__icontains=term) | Q(problem__icontains=term) | Q(proposal__icontains=term)
            )
        return queryset

    def filter_mine(self, queryset, name, value):
        user = self.request.user if self.request else None
        if not value:
            return queryset
        if user is None or not user.is_authenticated:
            return queryset.none()
        return queryset.filter(author=user)
