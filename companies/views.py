import math
import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_safe

from accounts.decorators import city_staff_required
from accounts.models import Language
from accounts.selectors import user_memberships
from core.errors import ApplicationError
from core.forms import (
    LongLineField,
    MultilineField,
    SingleLineField,
    add_service_errors,
    error_text,
    posted_id,
)
from core.shortcuts import filters_applied, get_or_404, posted_here_else_back_to
from core.throttling import page_throttle_wait

from . import selectors, services
from .filters import CompanyFilter
from .models import Company, CompanyInvitation, MemberRole


@require_safe
def company_list(request):
    filterset = CompanyFilter(
        request.GET, queryset=selectors.company_list(user=request.user), request=request
    )
    companies = filterset.qs if filterset.is_valid() else Company.objects.none()
    page = Paginator(companies, 12).get_page(request.GET.get("page"))
    return render(
        request,
        "companies/company_list.html",
        {
            "filter": filterset,
            "page": page,
            # Set once the text search ran (reading `qs` above): how it searched.
            "search": filterset.search,
            "filtered": filters_applied(request),
            "tag_words": _tag_words_found_nowhere(filterset, page),
        },
    )


def _tag_words_found_nowhere(filterset: CompanyFilter, page) -> str:
    """The words of a technology or domain filter that found no company, to search for by meaning
    instead: companies write their tags in their own words, often in English, so "의료" finds
    none of the companies tagged "healthcare"."""
    if page.object_list or not filterset.is_valid() or filterset.form.cleaned_data.get("q"):
        return ""
    data = filterset.form.cleaned_data
    return " ".join(words for words in (data.get("technology"), data.get("domain")) if words)


@require_safe
def company_detail(request, slug: str):
    company = get_or_404(selectors.company_get, slug=slug, user=request.user)
    return _render_company_page(request, company)


def _render_company_page(request, company: Company, *, status: int = 200):
    # From the memberships the menu reads anyway: whether the page speaks to the company's own.
    is_member = request.user.is_authenticated and any(
        membership.company_id == company.pk for membership in user_memberships(user=request.user)
    )
    return render(
        request,
        "companies/company_detail.html",
        {
            "company": company,
            "is_member": is_member,
            "can_edit": company.can_be_edited_by(request.user),
            "can_see_members": company.is_member_or_staff(request.user),
            "invitation": selectors.my_invitation_to(company=company, user=request.user),
            "can_verify": request.user.is_authenticated and request.user.is_city_staff,
        },
        status=status,
    )


def _after_parting(request, company: Company) -> HttpResponse:
    """Where someone goes who declined an invitation or left: the company's page while they may
    still see it (it is verified), else the company list, which shows the message."""
    if selectors.company_is_visible_to(company=company, user=request.user):
        return redirect("company-detail", slug=company.slug)
    return redirect("company-list")


@city_staff_required
@posted_here_else_back_to(lambda slug: reverse("company-detail", args=[slug]))
def company_verify(request, slug: str):
    """Staff verify a company, or withdraw its verification, from its page."""
    company = get_or_404(selectors.company_get, slug=slug, user=request.user)
    action = request.POST.get("action")
    if action not in ("verify", "unverify"):
        messages.error(request, _("Choose what to do."))
        return _render_company_page(request, company, status=400)
    try:
        services.company_set_verified(company=company, by=request.user, verified=action == "verify")
    except (ApplicationError, ValidationError) as error:
        messages.error(request, error_text(error))
    else:
        if company.is_verified:
            messages.success(request, _("The company is verified. The matcher will include it in a moment."))
        else:
            messages.success(request, _("The verification was withdrawn. The company is no longer matched."))
    return redirect("company-detail", slug=company.slug)


@login_required
@posted_here_else_back_to(lambda slug: reverse("company-detail", args=[slug]))
def company_invitation_answer(request, slug: str):
    """The invited user accepts or declines, on the company's page."""
    company = get_or_404(selectors.company_get, slug=slug, user=request.user)
    invitation = selectors.my_invitation_to(company=company, user=request.user)
    if invitation is None:
        raise Http404
    action = request.POST.get("action")
    if action not in ("accept", "decline"):
        # Nothing was answered: an altered form must not decline on the user's behalf.
        messages.error(request, _("Choose what to do."))
        return _render_company_page(request, company, status=400)
    try:
        if action == "accept":
            services.member_invitation_accept(invitation=invitation, user=request.user)
            messages.success(request, _("You are now a member of %(company)s.") % {"company": company.name})
        else:
            services.member_invitation_decline(invitation=invitation, user=request.user)
            messages.success(request, _("You declined the invitation."))
            return _after_parting(request, company)
    except (ApplicationError, ValidationError) as error:
        messages.error(request, error_text(error))
    return redirect("company-detail", slug=company.slug)


class CompanyProfileForm(forms.Form):
    # Typed fields, as the rest of the profile: a browser maxlength would cut a pasted summary
    # without a word; over the limit the text comes back with its counter and an error.
    name = SingleLineField(label=gettext_lazy("company name"), max_length=120)
    # A long field's box starts tall enough to read a few sentences at once, not three lines of a
    # paragraph; the style sheet lets it grow with the text (`.profile-form`).
    summary = LongLineField(
        label=gettext_lazy("summary"),
        max_length=300,
        rows=4,
        help_text=gettext_lazy("One paragraph: line breaks become spaces."),
    )
    description = MultilineField(
        label=gettext_lazy("description"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    # A list of tags outgrows a one-line box: a textarea shows it whole.
    technologies = forms.CharField(
        label=gettext_lazy("technologies"),
        required=False,
        help_text=gettext_lazy("Separate with commas."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    domains = forms.CharField(
        label=gettext_lazy("domains"),
        required=False,
        help_text=gettext_lazy("Separate with commas."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    website = forms.URLField(
        label=gettext_lazy("website"), max_length=200, required=False, assume_scheme="https"
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("languages"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("The languages your team can run a pilot in."),
    )

    def clean_technologies(self):
        return _tags(self.cleaned_data["technologies"])

    def clean_domains(self):
        return _tags(self.cleaned_data["domains"])


class CompanyRegisterForm(CompanyProfileForm):
    slug = forms.SlugField(
        label=gettext_lazy("page address on this site"),
        max_length=70,
        required=False,
        help_text=gettext_lazy(
            "The end of your company's page address on this site, in Latin letters, digits and "
            "hyphens, for example mudeung-care. Left empty, one is made from the name."
        ),
    )

    field_order = ["name", "slug", "summary", "description", "website", "technologies", "domains"]


class CompanyEditWithAddressForm(CompanyProfileForm):
    """The profile as its owners edit it before the city verifies the company: its page address
    may still change."""

    slug = forms.SlugField(
        label=gettext_lazy("page address on this site"),
        max_length=70,
        required=False,
        help_text=gettext_lazy(
            "In Latin letters, digits and hyphens. You can change it until the city verifies the "
            "company; links to the old address then stop working. Left empty, one is made from the "
            "name."
        ),
    )

    field_order = CompanyRegisterForm.field_order


def _tags(text: str) -> list[str]:
    # In a textarea a list typed one tag a line is as clear as one separated by commas.
    return [tag.strip() for tag in re.split(r"[,\r\n]", text) if tag.strip()]


class ReferenceForm(forms.Form):
    """One past project on the profile page."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = SingleLineField(label=gettext_lazy("title"), max_length=150)
    year = forms.IntegerField(label=gettext_lazy("year"), min_value=1990, max_value=2100, required=False)
    description = MultilineField(
        label=gettext_lazy("description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    @property
    def legend(self) -> str:
        """The project's name on its box and in the page's error summary."""
        if self.initial.get("id"):
            return _("Past project: %(title)s") % {"title": self.initial.get("title", "")}
        return _("New past project")


ReferenceFormSet = forms.formset_factory(
    ReferenceForm, extra=1, can_delete=True, max_num=30, validate_max=True
)
REFERENCES_PREFIX = "references"


def _reference_formset(request, company: Company):
    initial = [
        {"id": r.pk, "title": r.title, "year": r.year, "description": r.description}
        for r in company.references.all()
    ]
    if request.method != "POST" or f"{REFERENCES_PREFIX}-TOTAL_FORMS" not in request.POST:
        # A profile form sent without its past projects (an older page) leaves them as they are.
        return ReferenceFormSet(initial=initial, prefix=REFERENCES_PREFIX), False
    data = request.POST
    total = data[f"{REFERENCES_PREFIX}-TOTAL_FORMS"] or "0"
    # An altered count that is no number is left for the formset to refuse as a broken form.
    if request.POST.get("action") == "more_references" and total.isdecimal():
        data = data.copy()
        data[f"{REFERENCES_PREFIX}-TOTAL_FORMS"] = str(int(total) + 1)
    return ReferenceFormSet(data, initial=initial, prefix=REFERENCES_PREFIX), True


def _reference_changes(formset) -> list[dict]:
    changes = []
    for form in formset.forms:
        if form.cleaned_data.get("id") is None and not form.has_changed():
            continue  # an empty row for a new project, left empty
        entry = {**form.cleaned_data, "delete": form.cleaned_data.get("DELETE", False)}
        entry.pop("DELETE", None)
        if entry.get("id") is None and entry["delete"]:
            continue
        changes.append(entry)
    return changes


@login_required
def company_register(request):
    """Anyone signed in registers their company and becomes its owner; staff verify it before it
    is public and matched with ideas."""
    form = CompanyRegisterForm(request.POST or None)
    if request.method == "POST" and (wait := page_throttle_wait(request, scope="registrations")) is not None:
        hours = max(1, math.ceil(wait / 3600))
        form.add_error(
            None,
            ngettext(
                "You have registered many companies today. Try again in %(hours)d hour.",
                "You have registered many companies today. Try again in %(hours)d hours.",
                hours,
            )
            % {"hours": hours},
        )
        return render(request, "companies/company_register.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            company = services.company_create(owner=request.user, **form.cleaned_data)
        except (ApplicationError, ValidationError) as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Your company is registered. The city verifies it before it is matched with "
                    "ideas; until then only its members see its page."
                ),
            )
            return redirect("company-detail", slug=company.slug)
    return render(
        request, "companies/company_register.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def company_edit(request, slug: str):
    """Members keep their profile and past projects; "Preview" shows the passages the matcher
    will read, unsaved."""
    company = get_or_404(selectors.company_get, slug=slug, user=request.user)
    if not company.can_be_edited_by(request.user):
        raise PermissionDenied
    initial = {
        "name": company.name,
        "slug": company.slug,
        "summary": company.summary,
        "description": company.description,
        "technologies": ", ".join(company.technologies),
        "domains": ", ".join(company.domains),
        "website": company.website,
        "languages": company.languages,
    }
    posted = request.method == "POST"
    form_class = (
        CompanyEditWithAddressForm if company.can_change_address(request.user) else CompanyProfileForm
    )
    form = form_class(request.POST if posted else None, initial=initial)
    references, references_sent = _reference_formset(request, company)
    action = request.POST.get("action")
    preview_of = None
    references_valid = references.is_valid() if references_sent else True
    saving = posted and action != "more_references"
    if saving and form.is_valid() and references_valid:
        reference_changes = _reference_changes(references) if references_sent else None
        if action == "preview":
            preview_of = form.cleaned_data
            if reference_changes is not None:
                preview_of["references"] = [
                    (r["title"], r["description"]) for r in reference_changes if not r["delete"]
                ]
        else:
            try:
                services.company_profile_save(
                    company=company,
                    user=request.user,
                    profile=form.cleaned_data,
                    references=reference_changes,
                )
            except (ApplicationError, ValidationError) as error:
                # Nothing was saved: the page is drawn again with the company as it is stored,
                # its links and its form's address the ones that still lead to it.
                company.refresh_from_db()
                add_service_errors(form, error)
            else:
                messages.success(request, _("Saved. The matcher will read the new profile in a moment."))
                return redirect("company-detail", slug=company.slug)
    return render(
        request,
        "companies/company_form.html",
        {"company": company, "form": form, "references": references, "preview_of": preview_of},
        # Adding a row refuses nothing; a save or preview sent back with errors is refused.
        status=400 if saving and (form.errors or not references_valid) else 200,
    )


class InviteForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("username"),
        max_length=150,
        help_text=gettext_lazy("Ask the person for the username they log in with."),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("role"), choices=MemberRole.choices, initial=MemberRole.MEMBER
    )


@login_required
def company_members(request, slug: str):
    """The company's members and pending invitations, for its members and staff; owners invite,
    change roles, remove members and withdraw invitations here. A member may leave."""
    company = get_or_404(selectors.company_get, slug=slug, user=request.user)
    if not company.is_member_or_staff(request.user):
        raise PermissionDenied
    invite_form = InviteForm(request.POST if request.POST.get("action") == "invite" else None)
    if request.method == "POST":
        done = _members_action(request, company, invite_form)
        if done is not None:
            return done
    return render(
        request,
        "companies/company_members.html",
        {
            "company": company,
            "members": selectors.member_list(company=company).order_by("created_at", "id"),
            "invitations": selectors.invitation_list(company=company),
            "can_manage": company.can_manage_members(request.user),
            "invite_form": invite_form,
            "roles": MemberRole.choices,
        },
        status=200 if request.method == "GET" or not invite_form.errors else 400,
    )


def _members_action(request, company: Company, invite_form: InviteForm) -> HttpResponse | None:
    """Carry out one posted action. Returns the redirect to the page to go on to, or None to show
    the form's errors; someone who left the company goes to its public page, or to the company
    list when they may no longer see it."""
    action = request.POST.get("action")
    try:
        if action == "invite":
            if not invite_form.is_valid():
                return None
            added = services.member_add(company=company, by=request.user, **invite_form.cleaned_data)
            if isinstance(added, CompanyInvitation):
                messages.success(request, _("Invitation sent. They become a member once they accept it."))
            else:
                messages.success(request, _("The member's role was changed."))
        elif action in ("role", "remove"):
            membership = get_object_or_404(company.memberships, pk=posted_id(request.POST, "membership"))
            if action == "role":
                services.member_change_role(
                    membership=membership, by=request.user, role=request.POST.get("role", "")
                )
                messages.success(request, _("The member's role was changed."))
            else:
                leaving = membership.user_id == request.user.pk
                services.member_remove(membership=membership, by=request.user)
                if leaving:
                    messages.success(request, _("You left %(company)s.") % {"company": company.name})
                    return _after_parting(request, company)
                messages.success(request, _("The member was removed."))
        elif action == "withdraw":
            invitation = get_object_or_404(
                CompanyInvitation, pk=posted_id(request.POST, "invitation"), company=company
            )
            services.member_invitation_withdraw(invitation=invitation, by=request.user)
            messages.success(request, _("The invitation was withdrawn."))
        else:
            raise ApplicationError(_("Choose what to do."))
    except (ApplicationError, ValidationError) as error:
        if action == "invite":
            add_service_errors(invite_form, error)
            return None
        messages.error(request, error_text(error))
    return redirect("company-members", slug=company.slug)
