import functools

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import user_memberships
from companies.models import Company
from companies.selectors import company_get
from core import page_cache
from core.errors import ApplicationError
from core.forms import MultilineField, error_text, posted_id
from core.shortcuts import get_or_404
from ideas.models import Category, District

from . import selectors, services
from .idea_pilots import pilots_on_card
from .models import (
    PROPOSAL_DATA_MAX_LENGTH,
    PROPOSAL_MAX_WEEKS,
    PROPOSAL_PLAN_MAX_LENGTH,
    Match,
    MatchStatus,
)


class InterestForm(forms.Form):
    # The limits are the model's, so the page accepts exactly what the API and the database do.
    proposal_plan = MultilineField(
        label=gettext_lazy("What you would pilot"),
        max_length=PROPOSAL_PLAN_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposal_data_needed = MultilineField(
        label=gettext_lazy("Data you would need"),
        max_length=PROPOSAL_DATA_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    proposal_duration_weeks = forms.IntegerField(
        label=gettext_lazy("Rough duration (weeks)"),
        min_value=1,
        max_value=PROPOSAL_MAX_WEEKS,
        required=False,
    )


class MatchFilterForm(forms.Form):
    category = forms.ChoiceField(
        label=gettext_lazy("category"),
        required=False,
        choices=[("", gettext_lazy("All categories")), *Category.choices],
    )
    district = forms.ChoiceField(
        label=gettext_lazy("district"),
        required=False,
        choices=[("", gettext_lazy("All districts")), *District.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *MatchStatus.choices],
    )
    # Not drawn among the filters: the button under the cards, with how many it adds, turns it
    # on, and a link beside the cards' note off; the filters keep it while it is on.
    include_weak = forms.BooleanField(required=False)


@functools.lru_cache(maxsize=len(settings.LANGUAGES))
def _blank_filters_html(language: str) -> str:
    """The filter form as a page without filters shows it: the same for everyone in a language,
    so rendered once per process and language (its selects draw an option template each)."""
    return mark_safe(
        "".join(
            f"<div>{field.label_tag()}{field}</div>"
            for field in MatchFilterForm()
            if field.name != "include_weak"
        )
    )


# Stands for a match's id in the blank answer forms drawn once (`_blank_answer_forms`).
_MATCH_ID = "__match_id__"


def _answer_forms(*, match_id: int | str, form: InterestForm) -> str:
    """A suggested match's forms: interest (with what `form` holds) and not a fit, their token left
    for each reader's."""
    return get_template("matching/_answer_forms.html").render(
        {"match_id": match_id, "form": form, "csrf_token": page_cache.PART_CSRF_PLACEHOLDER}
    )


@functools.lru_cache(maxsize=len(settings.LANGUAGES))
def _blank_answer_forms(language: str) -> str:
    """The answer forms of a match not answered yet, the same under every suggested match but for
    the match's id (in its element ids too): drawn once per process and language (each of the
    interest form's fields draws a widget template and a label, sixty of each for a page of twenty
    matches)."""
    return _answer_forms(match_id=_MATCH_ID, form=InterestForm(auto_id=f"id_%s_{_MATCH_ID}"))


# The answers sent by a button alone, with what the page then says.
_ONE_CLICK_ANSWERS = {
    MatchStatus.DISMISSED.value: gettext_lazy(
        "Marked as not a fit. Similar ideas will rank lower for you. Changed your mind? "
        "Choose “Not a fit” in the status filter and put it back among your suggestions."
    ),
    MatchStatus.SUGGESTED.value: gettext_lazy(
        "Put back among your suggestions. It takes its place in your ranking again once the "
        "matches are refreshed, usually within a minute."
    ),
}


def _query(request, **changes: str | None) -> str:
    """The page's query string with `changes` made (None takes a parameter out)."""
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return query.urlencode()


@login_required
def company_matches_page(request, slug: str):
    """The ideas matched to a company, ranked with their reasons; members answer them here."""
    # Company.is_member_or_staff, from the memberships the page's menu lists anyway; a member's
    # company comes with them (members see their company, verified or not), so only staff
    # looking at another company's page read it again.
    membership = next((m for m in user_memberships(user=request.user) if m.company.slug == slug), None)
    is_member = membership is not None
    if membership is not None:
        company = membership.company
    else:
        company = get_or_404(company_get, slug=slug, user=request.user, with_references=False)
        if not request.user.is_city_staff:
            raise PermissionDenied
    interest_forms = {}
    # An interest sent back with errors: named at the top of the page, as its card may be far
    # below the fold.
    refused: dict | None = None
    status = 200
    if request.method == "POST" and is_member:
        try:
            # The idea's author is told of an interest, so fetched along with the match.
            match = get_object_or_404(
                Match.objects.select_related("company", "idea__author"),
                pk=posted_id(request.POST, "match"),
                company=company,
            )
            answer = request.POST.get("answer")
            if answer in _ONE_CLICK_ANSWERS:
                services.match_feedback(match=match, user=request.user, status=answer)
                messages.success(request, _ONE_CLICK_ANSWERS[answer])
                return redirect(request.get_full_path())
            # Its element ids are the card's, as the blank form's are, so the summary links to them.
            form = InterestForm(request.POST, auto_id=f"id_%s_{match.pk}")
            if form.is_valid():
                services.match_feedback(
                    match=match, user=request.user, status=MatchStatus.INTERESTED, **form.cleaned_data
                )
                messages.success(request, _("Your interest was sent to the city and the idea's author."))
                return redirect(request.get_full_path())
            interest_forms[match.pk] = form
            refused = {"match": match, "form": form}
        except (ApplicationError, ValidationError) as error:
            messages.error(request, error_text(error))
            status = 400
    # Without a filter the page draws its form from a copy made once (a form of its own costs the
    # deep copy of its fields, with their choices).
    filters = MatchFilterForm(request.GET) if request.GET else None
    blank_filters = "" if filters else _blank_filters_html(get_language())
    criteria = {k: v for k, v in filters.cleaned_data.items() if v} if filters and filters.is_valid() else {}

    def draw_cards() -> tuple[str, dict]:
        cards, hidden_weaker = _match_cards(
            company=company,
            criteria=criteria,
            can_answer=is_member,
            interest_forms=interest_forms,
            user=request.user,
        )
        # The company's pilots are the same for every member too (pilots the reader may open: city
        # staff see those in planning as well), so they are kept with the cards.
        pilots = get_template("matching/_company_pilots.html").render(
            {"company": company, "user": request.user, "is_member": is_member}
        )
        return cards, {"hidden_weaker": hidden_weaker, "pilots": pilots}

    if interest_forms:  # a form sent back with its errors is this reader's alone
        cards, drawn = draw_cards()
        cards = page_cache.with_reader_token(request, cards)
    else:
        # Every member sees the same cards, and a member comes back to them after each answer:
        # drawing twenty cards with their forms took most of the page's time.
        shown = urlencode(sorted(criteria.items()))
        # Verification changes what an empty list says; city staff see pilots still in planning.
        verified = int(company.is_verified)
        staff = int(request.user.is_city_staff)
        key = f"company-matches:{company.pk}:{verified}:{get_language()}:{int(is_member)}:{staff}:{shown}"
        cards, drawn = page_cache.cached_part(request, key, draw_cards)
    return render(
        request,
        "matching/company_matches.html",
        {
            "company": company,
            "cards": cards,
            "filters": filters,
            "blank_filters": blank_filters,
            "pilots": mark_safe(drawn["pilots"]),
            "hidden_weaker": drawn["hidden_weaker"],
            "include_weak": bool(criteria.get("include_weak")),
            "with_weaker": _query(request, include_weak="on"),
            "without_weaker": _query(request, include_weak=None),
            "refused": refused,
        },
        status=status,
    )


CARD_FIELDS = (
    "strength",
    "status",
    "rank_for_company",
    "reason",
    *selectors.INTEREST_PROPOSAL_FIELDS,
    "idea__title",
    "idea__language",
    "idea__category",
    "idea__district",
)


def _match_cards(
    *,
    company: Company,
    criteria: dict,
    can_answer: bool,
    interest_forms: dict[int, InterestForm],
    user: User,
) -> tuple[str, int]:
    """The company's match cards with their forms (their token left for each reader's), and how
    many weaker matches they leave out. A card whose idea is in a pilot `user` may see says so."""
    # One query for what is shown and how many weaker ones are not, and only what a card shows:
    # an idea's texts are long, and read for every match, weak ones too.
    ranked = list(
        selectors.matches_for_company(company=company, **{**criteria, "include_weak": True}).only(
            *CARD_FIELDS
        )
    )
    matches = ranked if criteria.get("include_weak") else [match for match in ranked if match.is_confident]
    selectors.with_idea_pilots(matches, user=user, company=company)
    blank_answer = _blank_answer_forms(get_language())
    for match in matches:
        match.reason_text = match.reason_in_words(to_company=can_answer)
        match.pilots_on_card = pilots_on_card(match.pilots, company_id=company.pk)
        # None rather than no attribute, which the template would look for among all of the
        # match's (dir()).
        match.answer_forms = None
        # Once the company takes part in a pilot of the idea, or the city prepares one with it, an
        # answer to its match changes nothing: none is asked.
        if can_answer and match.status == MatchStatus.SUGGESTED and not match.pilots_on_card.with_company:
            # A form sent with errors is drawn with them and the text as typed.
            sent = interest_forms.get(match.pk)
            match.answer_forms = mark_safe(
                blank_answer.replace(_MATCH_ID, str(match.pk))
                if sent is None
                else _answer_forms(match_id=match.pk, form=sent)
            )
    # Showing the weaker matches too narrows nothing: only the other criteria make an empty list
    # say the filters found nothing rather than that nothing fits the company.
    filtered = any(name != "include_weak" for name in criteria)
    clear_filters = reverse("company-matches-page", args=[company.slug])
    if criteria.get("include_weak"):
        clear_filters += "?" + urlencode({"include_weak": "on"})
    html = get_template("matching/_company_match_cards.html").render(
        {
            "matches": matches,
            "can_answer": can_answer,
            # The matcher ranks verified companies only: an unverified one waits for the city.
            "company_verified": company.is_verified,
            "filtered": filtered,
            "clear_filters": clear_filters,
            "csrf_token": page_cache.PART_CSRF_PLACEHOLDER,
        }
    )
    return html, len(ranked) - len(matches)
