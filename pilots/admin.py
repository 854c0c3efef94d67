from django.contrib import admin

from .models import Pilot, PilotConsent, PilotDataRequest, PilotMilestone, PilotUpdate, PilotVolunteer


class MilestoneInline(admin.TabularInline):
    model = PilotMilestone
    extra = 0


class UpdateInline(admin.StackedInline):
    model = PilotUpdate
    extra = 0
    raw_id_fields = ("author",)


class DataRequestInline(admin.StackedInline):
    model = PilotDataRequest
    extra = 0
    # What volunteers agreed to must not change under them; staff add requests through the API,
    # which writes the consent text.

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Pilot)
class PilotAdmin(admin.ModelAdmin):
    list_display = ("title", "title_en", "idea", "stage", "district", "created_at")
    list_filter = ("stage", "district")
    search_fields = ("title", "title_en", "description", "description_en", "venue", "venue_en")
    raw_id_fields = ("idea", "created_by")
    filter_horizontal = ("companies",)
    inlines = [MilestoneInline, UpdateInline, DataRequestInline]


@admin.register(PilotVolunteer)
class PilotVolunteerAdmin(admin.ModelAdmin):
    list_display = ("user", "pilot", "share_identity", "joined_at", "left_at")
    list_filter = ("share_identity",)
    raw_id_fields = ("pilot", "user")


@admin.register(PilotConsent)
class PilotConsentAdmin(admin.ModelAdmin):
    """Read only: consents are a record, given and withdrawn by volunteers themselves."""

    list_display = ("volunteer", "data_request", "language", "given_at", "withdrawn_at")
    list_filter = ("withdrawn_at",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
