from django.contrib import admin

from .models import Company, CompanyInvitation, CompanyReference, Membership


class ReferenceInline(admin.TabularInline):
    model = CompanyReference
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


class InvitationInline(admin.TabularInline):
    model = CompanyInvitation
    fk_name = "company"
    extra = 0
    raw_id_fields = ("user", "invited_by")
    readonly_fields = ("created_at", "responded_at")


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_verified", "updated_at")
    list_filter = ("is_verified",)
    search_fields = ("name", "summary", "description")
    prepopulated_fields = {"slug": ("name",)}
    inlines = [ReferenceInline, MembershipInline, InvitationInline]
