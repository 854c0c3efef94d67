import math

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import APIException, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from companies.apis import CompanyBriefSerializer
from companies.selectors import company_get
from core.errors import forbidden
from core.pagination import PaginatedApiMixin
from core.semaphore import SlotTaken
from core.throttling import FailOpenScopedRateThrottle
from ideas.apis import IdeaBriefSerializer
from ideas.models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Category, District, Idea, MatchingState
from ideas.selectors import idea_get, ideas_supported_by

from . import lookup, selectors, services
from .models import (
    PROPOSAL_DATA_MAX_LENGTH,
    PROPOSAL_MAX_WEEKS,
    PROPOSAL_PLAN_MAX_LENGTH,
    Match,
    MatchStatus,
)


class ReasonSerializer(serializers.Serializer):
    # Filled in by the match's serializer (`_ReasonWordedForItsStrength`): the wording depends on
    # the match's strength, which the reason alone does not hold.
    text = serializers.CharField(default="", help_text="The reason in words, in the reader's language.")
    idea_field = serializers.CharField()
    idea_text = serializers.CharField()
    company_field = serializers.CharField()
    company_text = serializers.CharField()
    similarity = serializers.FloatField()
    also = serializers.ListField(child=serializers.DictField())


class _ReasonWordedForItsStrength:
    """The reason's text as the pages word it for the match's strength (`Match.reason_in_words`),
    which the reason alone does not know."""

    def to_representation(self, match):
        data = super().to_representation(match)  # type: ignore[misc]
        if data.get("reason"):
            # A company's members read of their own profile ("… is close to your technology …").
            to_company = self.context.get("to_company", False)  # type: ignore[attr-defined]
            data["reason"]["text"] = match.reason_in_words(to_company=to_company)
        return data


class MatchForIdeaSerializer(_ReasonWordedForItsStrength, serializers.ModelSerializer):
    company = CompanyBriefSerializer()
    rank = serializers.IntegerField(source="rank_for_idea")
    reason = ReasonSerializer()
    strength_label = serializers.CharField(source="get_strength_display", read_only=True)

    class Meta:
        model = Match
        fields = ["id", "company", "rank", "strength", "strength_label", "score", "reason", "status"]


class IdeaPilotSerializer(serializers.Serializer):
    """A pilot made from the matched idea, as the company's match cards name it."""

    id = serializers.IntegerField(source="pk")
    title = serializers.CharField(
        help_text="In the reader's language: the Korean where staff gave no English title."
    )
    title_language = serializers.CharField(source="title.language")
    stage = serializers.CharField(help_text="As the pilots API gives it (`stage`); never cancelled.")
    stage_display = serializers.CharField(source="stage_label")
    company_takes_part = serializers.BooleanField(
        help_text="Whether the company whose match this is takes part in the pilot: an answer to the "
        "match then changes nothing, and the company's page asks none."
    )


class MatchForCompanySerializer(_ReasonWordedForItsStrength, serializers.ModelSerializer):
    idea = IdeaBriefSerializer()
    # A dismissed match leaves the ranking but stays in the company's list.
    rank = serializers.IntegerField(source="rank_for_company", allow_null=True)
    reason = ReasonSerializer()
    strength_label = serializers.CharField(source="get_strength_display", read_only=True)
    pilots = serializers.SerializerMethodField(
        help_text="The pilots made from the idea that the reader may see (`/api/v1/pilots/<id>/`), "
        "newest first; cancelled ones are left out."
    )
    pilot_in_preparation = serializers.SerializerMethodField(
        help_text="Whether the city prepares a pilot of the idea with the company: one still in "
        "planning, which only city staff see among `pilots`. As once the company takes part in a "
        "pilot (`company_takes_part`), an answer to the match changes nothing and is refused (409)."
    )

    class Meta:
        model = Match
        fields = [
            "id",
            "idea",
            "rank",
            "strength",
            "strength_label",
            "score",
            "reason",
            "status",
            "message",
            "proposal_plan",
            "proposal_data_needed",
            "proposal_duration_weeks",
            "feedback_at",
            "pilots",
            "pilot_in_preparation",
        ]

    @extend_schema_field(IdeaPilotSerializer(many=True))
    def get_pilots(self, match: Match) -> list[dict]:
        # Read for the whole page by `selectors.with_idea_pilots`.
        return IdeaPilotSerializer(
            [
                {
                    "pk": pilot.pk,
                    "title": pilot.title,
                    "stage": pilot.stage,
                    "stage_label": pilot.stage_label,
                    "company_takes_part": match.company_id in pilot.company_ids,
                }
                for pilot in getattr(match, "pilots", [])
                if pilot.is_visible
            ],
            many=True,
        ).data

    def get_pilot_in_preparation(self, match: Match) -> bool:
        # Read with `pilots`, the company's pilots in planning among them.
        pilots = getattr(match, "pilots", [])
        return any(not pilot.is_public and match.company_id in pilot.company_ids for pilot in pilots)


class IdeaMatchesApi(APIView):
    """Verified companies ranked for an idea, with the strength of and the reason for each: strong
    and possible matches, and with `include_weak` (city staff and members of verified companies
    only) the weaker possibilities too. No results for a matched idea means no company fits it yet. `state` is
    "pending" while the matcher is still working on the idea's current text, null for an idea it
    does not match. The companies running the idea's pilots, whatever their match, are those of
    its pilots (`/api/v1/pilots/?idea=<id>`)."""

    permission_classes = [AllowAny]
    refuses_some_callers = True

    class FilterSerializer(serializers.Serializer):
        include_weak = serializers.BooleanField(required=False, default=False)

    class OutputSerializer(serializers.Serializer):
        state = serializers.ChoiceField(
            choices=MatchingState.choices,
            allow_null=True,
            help_text="Null when the matcher does not match the idea (not published, or hidden).",
        )
        results = MatchForIdeaSerializer(many=True)

    @extend_schema(parameters=[FilterSerializer], responses={200: OutputSerializer}, tags=["matching"])
    def get(self, request, idea_id: int):
        idea = idea_get(idea_id=idea_id, user=request.user)
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        include_weak = filters.validated_data["include_weak"]
        if include_weak and not selectors.can_see_weak_matches(user=request.user):
            raise forbidden(
                _("Only city staff and members of verified companies can see weaker possibilities.")
            )
        matches = selectors.matches_for_idea(idea=idea, include_weak=include_weak)
        return Response(
            {
                "state": idea.matching_state,
                "results": MatchForIdeaSerializer(matches, many=True).data,
            }
        )


class CompanyMatchesApi(PaginatedApiMixin, APIView):
    """Ideas ranked for a company (its members and city staff only), with the strength of and the
    reason for each: strong and possible matches and the ideas it answered, and with
    `include_weak` the weaker possibilities too."""

    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.Serializer):
        category = serializers.ChoiceField(choices=Category.choices, required=False)
        district = serializers.ChoiceField(choices=District.choices, required=False)
        status = serializers.ChoiceField(choices=MatchStatus.choices, required=False)
        include_weak = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: MatchForCompanySerializer(many=True)},
        tags=["matching"],
    )
    def get(self, request, slug: str):
        company = company_get(slug=slug, user=request.user)
        is_member = company.is_member(request.user)
        if not (is_member or request.user.is_city_staff):
            raise forbidden(_("Only the company's members can see its matches."))
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        matches = selectors.matches_for_company(company=company, **filters.validated_data)
        context = {"to_company": is_member}

        def serialize(page: list[Match]) -> list:
            page = selectors.with_idea_pilots(list(page), user=request.user, company=company)
            return MatchForCompanySerializer(page, many=True, context=context).data

        return self.paginated_response(request, matches, serialize)


class MatchFeedbackApi(APIView):
    """A company member marks a match "interested", with a short pilot proposal (what they would
    do, the data they need, rough duration) and a message to the city, or "not a fit"; "suggested"
    takes back a "not a fit"."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(
            choices=[MatchStatus.INTERESTED, MatchStatus.DISMISSED, MatchStatus.SUGGESTED],
            label=gettext_lazy("status"),
        )
        message = serializers.CharField(
            max_length=2000, required=False, allow_blank=True, label=gettext_lazy("message to the city")
        )
        proposal_plan = serializers.CharField(
            max_length=PROPOSAL_PLAN_MAX_LENGTH,
            required=False,
            allow_blank=True,
            label=gettext_lazy("what you would pilot"),
        )
        proposal_data_needed = serializers.CharField(
            max_length=PROPOSAL_DATA_MAX_LENGTH,
            required=False,
            allow_blank=True,
            label=gettext_lazy("data you would need"),
        )
        proposal_duration_weeks = serializers.IntegerField(
            min_value=1,
            max_value=PROPOSAL_MAX_WEEKS,
            required=False,
            allow_null=True,
            label=gettext_lazy("rough duration in weeks"),
        )

    @extend_schema(request=InputSerializer, responses={200: MatchForCompanySerializer}, tags=["matching"])
    def post(self, request, match_id: int):
        match = get_object_or_404(Match.objects.select_related("company", "idea__author"), pk=match_id)
        is_member = match.company.is_member(request.user)
        if not (is_member or request.user.is_city_staff):
            raise Http404
        if not is_member:
            raise forbidden(_("Only the company's members can answer its matches."))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        match = services.match_feedback(match=match, user=request.user, **serializer.validated_data)
        selectors.with_idea_pilots([match], user=request.user, company=match.company)
        context = {"to_company": is_member}
        return Response(MatchForCompanySerializer(match, context=context).data)


class DuplicateSerializer(serializers.Serializer):
    idea = IdeaBriefSerializer()
    similarity = serializers.FloatField(help_text="Passage similarity of the two ideas, 0 to 1.")
    likely_duplicate = serializers.BooleanField(help_text="Very likely the same idea.")
    likelihood = serializers.ChoiceField(
        choices=["same", "possible", "related"],
        help_text="Very likely the same idea, a similar idea (at times the same), or one on a related topic.",
    )
    likelihood_label = serializers.CharField(help_text="The likelihood in the reader's language.")
    is_own = serializers.SerializerMethodField(
        help_text="The reader posted this idea: nothing to support, only to open. False for someone "
        "signed out."
    )
    is_supported = serializers.SerializerMethodField(
        help_text="The reader already supports this idea (or an idea merged into it): no need to "
        "support it instead. False for someone signed out."
    )

    def get_is_own(self, candidate) -> bool:
        user = self.context["request"].user
        return user.is_authenticated and candidate.idea.author_id == user.pk

    def get_is_supported(self, candidate) -> bool:
        return candidate.idea.pk in self.context["supported"]


def _duplicates_data(candidates: list[selectors.DuplicateCandidate], request) -> list:
    """The candidates as the reader sees them, with which of them they support, asked once."""
    supported = ideas_supported_by(user=request.user, idea_ids=[c.idea.pk for c in candidates])
    return DuplicateSerializer(
        candidates, many=True, context={"request": request, "supported": supported}
    ).data


class LookupBusy(Throttled):
    """429 with Retry-After: the client (or everyone together) has as many similar-ideas lookups
    running as allowed."""

    def __init__(self, *, wait: int):
        # Not Throttled's own message, which adds an English "Expected available in ..." to ours.
        APIException.__init__(
            self, _("Similar ideas are still being looked up for you; try again in a moment."), "throttled"
        )
        self.wait = wait


class SimilarIdeasApi(APIView):
    """Published ideas resembling a draft, for the submission form to show while the citizen
    types; for a signed-in reader, each says whether it is theirs (`is_own`) and whether they
    already support it (`is_supported`), so the form invites them to support only the others.
    Reads only, but POST so a long draft never ends up in logs or URLs. A worker runs the
    model (`matching.lookup`): 429 when the client already has a lookup running or the workers
    are at their limit, 503 when they do not answer in time."""

    permission_classes = [AllowAny]
    throttle_classes = [FailOpenScopedRateThrottle]
    throttle_scope = "similar"
    waits_for_worker = True

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(
            max_length=TITLE_MAX_LENGTH, required=False, allow_blank=True, label=gettext_lazy("title")
        )
        problem = serializers.CharField(
            max_length=TEXT_MAX_LENGTH, required=False, allow_blank=True, label=gettext_lazy("problem")
        )
        proposal = serializers.CharField(
            max_length=TEXT_MAX_LENGTH,
            required=False,
            allow_blank=True,
            label=gettext_lazy("what AI could do"),
        )
        limit = serializers.IntegerField(min_value=1, max_value=10, default=5)

    @extend_schema(
        request=InputSerializer, responses={200: DuplicateSerializer(many=True)}, tags=["matching"]
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            candidates = lookup.similar_ideas_for_draft(
                client=self._client(request), **serializer.validated_data
            )
        except SlotTaken:
            raise LookupBusy(wait=math.ceil(settings.SIMILAR_LOOKUP_WAIT_SECONDS)) from None
        return Response(_duplicates_data(candidates, request))

    def _client(self, request) -> str:
        """Who asks, for the per-client cap: the user, or the address of someone signed out
        (read as the throttle reads it, behind the same proxies)."""
        if request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return f"address:{self.get_throttles()[0].get_ident(request)}"


class IdeaDuplicatesApi(APIView):
    """Published ideas that may say the same as this one: for staff reviewing merges, and for
    the author, who may prefer to support an existing idea."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: DuplicateSerializer(many=True)}, tags=["matching"])
    def get(self, request, idea_id: int):
        if request.user.is_city_staff:
            idea = get_object_or_404(Idea, pk=idea_id)
        else:
            # The same refusal for someone else's idea and for a missing one, so the answer does
            # not tell whether an unpublished idea with this id exists.
            idea = Idea.objects.filter(pk=idea_id, author=request.user).first()
            if idea is None:
                raise forbidden(_("Only city staff and the idea's author can see its likely duplicates."))
        return Response(_duplicates_data(selectors.duplicates_for_idea(idea=idea, limit=10), request))


class InterestProposalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Match
        fields = ["proposal_plan", "proposal_data_needed", "proposal_duration_weeks", "message"]


class IdeaInterestsApi(PaginatedApiMixin, APIView):
    """The companies interested in an idea. Anyone who can see the idea sees their names; the
    idea's author and city staff also see each company's pilot proposal."""

    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer):
        company = CompanyBriefSerializer()
        interested_at = serializers.DateTimeField(source="feedback_at")
        proposal = serializers.SerializerMethodField()

        @extend_schema_field(InterestProposalSerializer(allow_null=True))
        def get_proposal(self, match) -> dict | None:
            if not self.context["show_proposals"]:
                return None
            return InterestProposalSerializer(match).data

    @extend_schema(responses={200: OutputSerializer(many=True)}, tags=["matching"])
    def get(self, request, idea_id: int):
        idea = idea_get(idea_id=idea_id, user=request.user)
        interests = selectors.idea_interest_list(idea=idea, user=request.user)
        context = {"show_proposals": selectors.can_see_interest_proposals(idea=idea, user=request.user)}
        return self.paginated_response(
            request, interests, lambda page: self.OutputSerializer(page, many=True, context=context).data
        )
