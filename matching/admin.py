from django.contrib import admin

from .models import Match


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ("idea", "company", "score", "rank_for_idea", "status", "feedback_at")
    list_filter = ("status",)
    raw_id_fields = ("idea", "company", "feedback_by")
    # The matcher writes the rankings; the admin is for reading them.
    readonly_fields = ("score", "rank_for_idea", "rank_for_company", "reason", "feedback_texts_hash")
