from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from matching import dispatch

from . import services
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


class CompanyAdminForm(forms.ModelForm):
    """The admin's company form (its fields are the admin's): no company takes the address of a
    page of the site."""

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in services.RESERVED_SLUGS:
            raise ValidationError(_("This address is already taken."))
        return slug


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    form = CompanyAdminForm
    list_display = ("name", "slug", "is_verified", "updated_at")
    list_filter = ("is_verified",)
    search_fields = ("name", "summary", "description")
    prepopulated_fields = {"slug": ("name",)}
    # As on the profile page: a website typed without its scheme is read as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [ReferenceInline, MembershipInline, InvitationInline]

    def save_model(self, request, obj, form, change) -> None:
        # Verification goes through the service, as on the company's page: the audit log records
        # it and the matcher, which ranks verified companies only, is told.
        verified = obj.is_verified
        if "is_verified" in form.changed_data:
            obj.is_verified = not verified
        super().save_model(request, obj, form, change)
        if "is_verified" in form.changed_data:
            services.company_set_verified(company=obj, by=request.user, verified=verified)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Saved here rather than through the company's page: the matcher is told as the page's
        # service tells it, not left to the periodic sweep. Its task embeds the profile again only
        # if the text it reads changed (the admin's tag fields count as changed on every save).
        dispatch.company_changed(form.instance.pk)
