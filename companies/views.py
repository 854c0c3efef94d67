from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ApplicationError
from core.forms import MultilineField, add_service_errors
from core.shortcuts import get_or_404

from . import selectors, services
from .filters import CompanyFilter
from .models import Company


def company_list(request):
    filterset = CompanyFilter(
        request.GET, queryset=selectors.company_list(user=request.user), request=request
    )
    companies = filterset.qs if filterset.is_valid() else Company.objects.none()
    return render(
        request,
        "companies/company_list.html",
        {
            "filter": filterset,
            "page": Paginator(companies, 12).get_page(request.GET.get("page")),
        },
    )


def company_detail(request, slug: str):
    company = get_or_404(selectors.company_get, slug=slug, user=request.user)
    return render(
        request,
        "companies/company_detail.html",
        {
            "company": company,
            "can_edit": company.can_be_edited_by(request.user),
            "invitation": selectors.my_invitation_to(company=company, user=request.user),
        },
    )


@login_required
@require_POST
def company_invitation_answer(request, slug: str):
    """The invited user accepts or declines, on the company's page."""
    company = get_or_404(selectors.company_get, slug=slug, user=request.user)
    invitation = selectors.my_invitation_to(company=company, user=request.user)
    if invitation is None:
        raise Http404
    try:
        if request.POST.get("action") == "accept":
            services.member_invitation_accept(invitation=invitation, user=request.user)
            messages.success(request, _("You are now a member of %(company)s.") % {"company": company.name})
        else:
            services.member_invitation_decline(invitation=invitation, user=request.user)
            messages.success(request, _("You declined the invitation."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("company-detail", slug=company.slug)


class CompanyProfileForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=120)
    summary = forms.CharField(label=gettext_lazy("summary"), max_length=300)
    description = MultilineField(
        label=gettext_lazy("description"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    technologies = forms.CharField(
        label=gettext_lazy("technologies"), required=False, help_text=gettext_lazy("Separate with commas.")
    )
    domains = forms.CharField(
        label=gettext_lazy("domains"), required=False, help_text=gettext_lazy("Separate with commas.")
    )
    website = forms.URLField(
        label=gettext_lazy("website"), max_length=200, required=False, assume_scheme="https"
    )

    def clean_technologies(self):
        return [tag.strip() for tag in self.cleaned_data["technologies"].split(",") if tag.strip()]

    def clean_domains(self):
        return [tag.strip() for tag in self.cleaned_data["domains"].split(",") if tag.strip()]


@login_required
def company_edit(request, slug: str):
    """Members keep their profile; "Preview" shows the passages the matcher will read, unsaved."""
    company = get_or_404(selectors.company_get, slug=slug, user=request.user)
    if not company.can_be_edited_by(request.user):
        raise PermissionDenied
    initial = {
        "name": company.name,
        "summary": company.summary,
        "description": company.description,
        "technologies": ", ".join(company.technologies),
        "domains": ", ".join(company.domains),
        "website": company.website,
    }
    form = CompanyProfileForm(request.POST or None, initial=initial)
    preview_of = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "preview":
            preview_of = form.cleaned_data
        else:
            try:
                services.company_update(company=company, user=request.user, **form.cleaned_data)
            except (ApplicationError, ValidationError) as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved. The matcher will read the new profile in a moment."))
                return redirect("company-detail", slug=company.slug)
    return render(
        request, "companies/company_form.html", {"company": company, "form": form, "preview_of": preview_of}
    )
