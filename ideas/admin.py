from django.contrib import admin

from matching import dispatch

from .models import Comment, Follow, Idea, Report, Support


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "category", "district", "language", "author", "created_at")
    list_filter = ("status", "category", "district", "language", "is_hidden")
    search_fields = ("title", "problem", "proposal")
    raw_id_fields = ("author", "merged_into")
    date_hierarchy = "created_at"

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Saved here rather than through the site's services: the matcher is told as they tell it,
        # not left to the periodic sweep. Its task embeds the idea again only if its text changed,
        # and withdraws it if it is no longer matchable.
        dispatch.idea_changed(obj.pk)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "idea", "author", "is_removed", "is_hidden", "created_at")
    list_filter = ("is_removed", "is_hidden")
    raw_id_fields = ("idea", "author", "parent")


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("reason", "idea", "comment", "reporter", "created_at", "resolved_at")
    list_filter = ("reason",)
    raw_id_fields = ("idea", "comment", "reporter")


admin.site.register(Support, raw_id_fields=("idea", "user"))
admin.site.register(Follow, raw_id_fields=("idea", "user"))
