"""Staff see counts, never donated values: readings are not in the admin at all, and the
donations list shows how many readings each holds."""

from django.contrib import admin
from django.db.models import Count, QuerySet

from .models import DataRead, Donation, DonationDeletion, DonationResult, Station


@admin.register(Station)
class StationAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "pilot", "created_at", "last_seen_at", "revoked_at"]
    list_filter = ["pilot"]
    search_fields = ["name", "name_en"]
    readonly_fields = ["key_prefix", "created_by", "created_at", "last_seen_at"]
    exclude = ["key_hash"]


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = ["id", "data_request", "source", "station", "readings_count", "created_at", "delete_after"]
    list_filter = ["source", "data_request__pilot"]
    fields = ["data_request", "source", "station", "created_at", "delete_after"]
    readonly_fields = fields

    def get_queryset(self, request) -> QuerySet[Donation]:
        return super().get_queryset(request).annotate(readings_count=Count("readings"))

    @admin.display(description="readings")
    def readings_count(self, donation: Donation) -> int:
        return donation.readings_count  # type: ignore[attr-defined]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DataRead)
class DataReadAdmin(admin.ModelAdmin):
    list_display = ["read_at", "company", "user", "pilot", "kind", "rows", "repeats", "last_read_at"]
    list_filter = ["kind", "company", "pilot"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DonationResult)
class DonationResultAdmin(admin.ModelAdmin):
    list_display = ["created_at", "pilot", "company", "level"]
    list_filter = ["pilot", "level"]
    # The result text and value are about one donor's health: the admin shows that one exists.
    fields = ["pilot", "company", "level", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DonationDeletion)
class DonationDeletionAdmin(admin.ModelAdmin):
    list_display = ["deleted_at", "data_request", "reason", "donations", "readings"]
    list_filter = ["reason"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
