from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis import PersonSerializer
from accounts.rules import require_city_staff
from core.errors import forbidden
from core.meaning_search import FoundBy
from core.pagination import PaginatedApiMixin, SearchedPagination
from core.serializer_fields import TypedCharField

from . import selectors, services
from .filters import ORDERINGS, IdeaFilter
from .models import (
    BENEFICIARIES_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    REJECTION_REASON_MAX_LENGTH,
    REPORT_DETAILS_MAX_LENGTH,
    REPORT_REASONS,
    REVIEW_DETAILS_MISSING,
    STAFF_EDIT_REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Category,
    Comment,
    District,
    Idea,
    MatchingState,
    Report,
)


class IdeaBriefSerializer(serializers.ModelSerializer):
    """An idea as other apps' responses name it."""

    class Meta:
        model = Idea
        fields = ["id", "title", "category", "district", "language", "status"]


class IdeaOutputSerializer(serializers.ModelSerializer):
    author = PersonSerializer()
    status_display = serializers.CharField(source="get_status_display")
    category_display = serializers.CharField(source="get_category_display")
    district_display = serializers.CharField(source="get_district_display")
    supports_count = serializers.IntegerField()
    comments_count = serializers.IntegerField(
        help_text="The comments and replies anyone may read: neither removed nor hidden."
    )
    is_supported = serializers.SerializerMethodField()
    is_following = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    matching_state = serializers.ChoiceField(choices=MatchingState.choices, allow_null=True)
    rejection_reason = serializers.CharField(source="shown_rejection_reason", read_only=True)
    moderation_note = serializers.CharField(source="shown_moderation_note", read_only=True)
    found_by = serializers.SerializerMethodField()

    class Meta:
        model = Idea
        fields = [
            "id",
            "title",
            "problem",
            "proposal",
            "category",
            "category_display",
            "district",
            "district_display",
            "beneficiaries",
            "language",
            "status",
            "status_display",
            "rejection_reason",
            "moderation_note",
            "merged_into",
            "author",
            "staff_edited_at",
            "staff_edit_reason",
            "supports_count",
            "comments_count",
            "is_supported",
            "is_following",
            "can_edit",
            "matching_state",
            "created_at",
            "updated_at",
            "published_at",
            "found_by",
        ]

    @extend_schema_field(
        serializers.ChoiceField(
            choices=FoundBy.choices,
            allow_null=True,
            help_text="Only in the results of a search (q), null otherwise: why the idea is among them. "
            "all_words: it contains every word; some_words: some of them; meaning: found by meaning "
            "alone, close; loosely: found by meaning alone, only loosely related.",
        )
    )
    def get_found_by(self, idea) -> str | None:
        return getattr(idea, "search_found", None)

    def get_is_supported(self, idea) -> bool:
        return bool(getattr(idea, "is_supported", False))

    def get_is_following(self, idea) -> bool:
        return bool(getattr(idea, "is_following", False))

    def get_can_edit(self, idea) -> bool:
        return idea.can_be_edited_by(self.context["request"].user)


class IdeaInputSerializer(serializers.Serializer):
    title = TypedCharField(min_length=5, max_length=TITLE_MAX_LENGTH, label=_("title"))
    problem = TypedCharField(min_length=10, max_length=TEXT_MAX_LENGTH, label=_("problem"))
    proposal = TypedCharField(min_length=10, max_length=TEXT_MAX_LENGTH, label=_("what AI could do"))
    category = serializers.ChoiceField(choices=Category.choices, label=_("category"))
    district = serializers.ChoiceField(choices=District.choices, label=_("district"))
    beneficiaries = TypedCharField(
        max_length=BENEFICIARIES_MAX_LENGTH, required=False, allow_blank=True, label=_("who benefits")
    )


def _get_visible_idea(request, idea_id: int) -> Idea:
    return selectors.idea_get(idea_id=idea_id, user=request.user)


def _idea_response(request, idea_id: int, status_code=status.HTTP_200_OK) -> Response:
    idea = selectors.idea_get(idea_id=idea_id, user=request.user)
    return Response(IdeaOutputSerializer(idea, context={"request": request}).data, status=status_code)


class IdeaSearchedPagination(SearchedPagination):
    """The idea list's page: its `search` also says whether any idea contains the words and, when
    none does, what the list page says first (`selectors.IdeaSearchOutcome`)."""

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        search = paginated["properties"]["search"]
        search["properties"].update(
            {
                "words_found": {
                    "type": "string",
                    "enum": [FoundBy.ALL_WORDS.value, FoundBy.SOME_WORDS.value, None],
                    "nullable": True,
                    "description": "all_words when some idea (among those filtered) contains every "
                    "word, some_words when some idea contains only some of them, null when none "
                    "contains any: the results are then found by meaning alone.",
                },
                "close_in_meaning": {
                    "type": "boolean",
                    "description": "Whether some idea found by meaning alone is close (found_by "
                    "meaning), not only loosely related.",
                },
                "summary": {
                    "type": "string",
                    "description": "What the list page says before the results, in the reader's "
                    "language: that no idea contains the words, and then whether the ideas shown "
                    "may be close in meaning or none is. Empty when ideas contain the words, or "
                    "when only the words were searched for (notice says so).",
                },
            }
        )
        search["required"] = [*search["required"], "words_found", "close_in_meaning", "summary"]
        return paginated


class IdeaListCreateApi(PaginatedApiMixin, APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = IdeaSearchedPagination

    class InputSerializer(IdeaInputSerializer):
        draft = serializers.BooleanField(default=False, label=_("save as draft"))
        repeat = serializers.BooleanField(
            default=False,
            label=_("submit again"),
            help_text=_(
                "Without it, the same title, problem and proposal sent again by the same author "
                "within IDEA_REPEAT_WINDOW_MINUTES is refused with 409 `repeated_submission`."
            ),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description="Text search: ideas containing every word first, then those containing "
                "some of the words (at least half), then ideas close in meaning in any language (when "
                "the matcher answers; see `search` in the response and `found_by` on each idea).",
            ),
            OpenApiParameter("category", str, enum=Category.values),
            OpenApiParameter("district", str, enum=District.values),
            OpenApiParameter(
                "status", str, description="Citizens may filter by public statuses; staff by any."
            ),
            OpenApiParameter("mine", bool),
            OpenApiParameter(
                "ordering",
                str,
                enum=[value for value, _label in ORDERINGS],
                description="Without it: the newest first, or with q the best matches first.",
            ),
        ],
        responses={200: IdeaOutputSerializer(many=True)},
        tags=["ideas"],
    )
    def get(self, request):
        queryset = selectors.idea_list(user=request.user)
        filterset = IdeaFilter(request.query_params, queryset=queryset, request=request)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        response = self.paginated_response(
            request,
            filterset.qs,
            lambda page: IdeaOutputSerializer(page, many=True, context={"request": request}).data,
        )
        if filterset.search is not None:
            response.data["search"] = selectors.idea_search_outcome(
                search=filterset.search, found=filterset.qs
            ).described()
        return response

    @extend_schema(request=InputSerializer, responses={201: IdeaOutputSerializer}, tags=["ideas"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        idea = services.idea_submit(author=request.user, **serializer.validated_data)
        return _idea_response(request, idea.pk, status.HTTP_201_CREATED)


class IdeaDetailApi(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    class InputSerializer(IdeaInputSerializer):
        edit_reason = TypedCharField(
            max_length=STAFF_EDIT_REASON_MAX_LENGTH,
            required=False,
            allow_blank=True,
            label=_("reason for changing the author's words"),
            help_text="City staff who change the title, problem, proposal or beneficiaries of an idea "
            "someone else wrote say why, or are refused with 400 naming `edit_reason`: the author is "
            "notified with it, and the idea shows it (`staff_edited_at`, `staff_edit_reason`). Not "
            "needed for the category or the district alone, nor for the author's own edits.",
        )

    @extend_schema(responses={200: IdeaOutputSerializer}, tags=["ideas"])
    def get(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        return Response(IdeaOutputSerializer(idea, context={"request": request}).data)

    @extend_schema(request=InputSerializer, responses={200: IdeaOutputSerializer}, tags=["ideas"])
    def patch(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        services.require_idea_editor(idea, request.user)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.idea_update(idea=idea, user=request.user, **serializer.validated_data)
        return _idea_response(request, idea.pk)

    @extend_schema(
        request=None,
        responses={204: None},
        description="The author deletes an idea nobody else can see: a draft, one waiting for review or "
        "a rejected one, with its comments, supports and follows. 403 for anyone else (404 if they cannot "
        "see it); 409 for an idea that is public or merged, or that a pilot was made from or other ideas "
        "were merged into.",
        tags=["ideas"],
    )
    def delete(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        services.idea_delete(idea=idea, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class IdeaSubmitApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: IdeaOutputSerializer}, tags=["ideas"])
    def post(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        services.idea_submit_draft(idea=idea, user=request.user)
        return _idea_response(request, idea.pk)


class IdeaPublishApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: IdeaOutputSerializer}, tags=["moderation"])
    def post(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        services.idea_publish(idea=idea, by=request.user)
        return _idea_response(request, idea.pk)


class IdeaRejectApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        reason = TypedCharField(max_length=REJECTION_REASON_MAX_LENGTH, label=_("reason"))

    @extend_schema(request=InputSerializer, responses={200: IdeaOutputSerializer}, tags=["moderation"])
    def post(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        # Refused before the body is read: who may not moderate is not told what a rejection needs.
        require_city_staff(request.user, message=_("Only city staff can moderate."))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.idea_reject(idea=idea, by=request.user, **serializer.validated_data)
        return _idea_response(request, idea.pk)


class IdeaSupportApi(APIView):
    """POST to support an idea, DELETE to withdraw the support."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: IdeaOutputSerializer}, tags=["ideas"])
    def post(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        services.idea_support(idea=idea, user=request.user)
        return _idea_response(request, idea.pk)

    @extend_schema(request=None, responses={200: IdeaOutputSerializer}, tags=["ideas"])
    def delete(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        services.idea_unsupport(idea=idea, user=request.user)
        return _idea_response(request, idea.pk)


class IdeaFollowApi(APIView):
    """POST to follow an idea's news, DELETE to stop."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: IdeaOutputSerializer}, tags=["ideas"])
    def post(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        services.idea_follow(idea=idea, user=request.user)
        return _idea_response(request, idea.pk)

    @extend_schema(request=None, responses={200: IdeaOutputSerializer}, tags=["ideas"])
    def delete(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        services.idea_unfollow(idea=idea, user=request.user)
        return _idea_response(request, idea.pk)


class CommentOutputSerializer(serializers.ModelSerializer):
    author = PersonSerializer()
    body = serializers.SerializerMethodField()
    replies = serializers.SerializerMethodField(
        help_text="The replies the reader may see, oldest first; always empty for a reply."
    )
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "idea",
            "parent",
            "author",
            "body",
            "is_removed",
            "is_hidden",
            "can_edit",
            "replies",
            "created_at",
            "updated_at",
            "edited_at",
        ]

    def get_body(self, comment) -> str:
        return "" if comment.is_removed else comment.body

    def get_can_edit(self, comment) -> bool:
        return comment.can_be_edited_by(self.context["request"].user)

    def get_replies(self, comment) -> list[dict]:
        # Only the replies the reader may see, as the selectors read them (`shown_replies`).
        if comment.parent_id is not None:
            return []
        replies = getattr(comment, "shown_replies", [])
        return CommentOutputSerializer(replies, many=True, context=self.context).data


def _comment_response(request, comment_id: int, status_code=status.HTTP_200_OK) -> Response:
    comment = selectors.comment_get(comment_id=comment_id, user=request.user)
    return Response(CommentOutputSerializer(comment, context={"request": request}).data, status=status_code)


class IdeaCommentsApi(PaginatedApiMixin, APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    class InputSerializer(serializers.Serializer):
        body = TypedCharField(max_length=COMMENT_MAX_LENGTH, label=_("comment"))
        parent = serializers.IntegerField(required=False, allow_null=True, label=_("reply to"))

    @extend_schema(responses={200: CommentOutputSerializer(many=True)}, tags=["comments"])
    def get(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        return self.paginated_response(
            request,
            selectors.comment_list(idea=idea, user=request.user),
            lambda page: CommentOutputSerializer(page, many=True, context={"request": request}).data,
        )

    @extend_schema(request=InputSerializer, responses={201: CommentOutputSerializer}, tags=["comments"])
    def post(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        parent_id = serializer.validated_data.get("parent")
        parent = None
        if parent_id is not None:
            parent = Comment.objects.filter(pk=parent_id, idea=idea).first()
            if parent is None:
                raise serializers.ValidationError({"parent": [_("This comment does not exist.")]})
        comment = services.comment_create(
            idea=idea, author=request.user, body=serializer.validated_data["body"], parent=parent
        )
        return _comment_response(request, comment.pk, status.HTTP_201_CREATED)


class CommentDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        body = TypedCharField(max_length=COMMENT_MAX_LENGTH, label=_("comment"))

    def _get_comment(self, request, comment_id: int) -> Comment:
        comment = get_object_or_404(Comment.objects.select_related("idea", "author"), pk=comment_id)
        if not comment.idea.can_be_viewed_by(request.user):
            raise Http404
        return comment

    @extend_schema(request=InputSerializer, responses={200: CommentOutputSerializer}, tags=["comments"])
    def patch(self, request, comment_id: int):
        comment = self._get_comment(request, comment_id)
        services.require_comment_editor(comment, request.user)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.comment_update(comment=comment, user=request.user, **serializer.validated_data)
        return _comment_response(request, comment.pk)

    @extend_schema(request=None, responses={204: None}, tags=["comments"])
    def delete(self, request, comment_id: int):
        comment = self._get_comment(request, comment_id)
        services.comment_remove(comment=comment, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReportCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        idea = serializers.IntegerField(required=False, allow_null=True, label=_("idea"))
        comment = serializers.IntegerField(required=False, allow_null=True, label=_("comment"))
        reason = serializers.ChoiceField(choices=REPORT_REASONS, label=_("reason"))
        details = TypedCharField(
            required=False, allow_blank=True, max_length=REPORT_DETAILS_MAX_LENGTH, label=_("details")
        )

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        idea = serializers.IntegerField(source="idea_id", allow_null=True)
        comment = serializers.IntegerField(source="comment_id", allow_null=True)
        reason = serializers.CharField()
        created_at = serializers.DateTimeField()

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, tags=["moderation"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # What is reported is a field of the body: one the caller cannot see is an invalid field
        # (the same answer as one that does not exist), not a missing /reports/.
        idea = comment = None
        if data.get("idea") is not None:
            try:
                idea = selectors.reportable_idea_get(idea_id=data["idea"])
            except Idea.DoesNotExist:
                raise serializers.ValidationError({"idea": [_("This idea does not exist.")]}) from None
        if data.get("comment") is not None:
            try:
                comment = selectors.reportable_comment_get(comment_id=data["comment"])
            except Comment.DoesNotExist:
                raise serializers.ValidationError({"comment": [_("This comment does not exist.")]}) from None
        report = services.report_create(
            reporter=request.user,
            idea=idea,
            comment=comment,
            reason=data["reason"],
            details=data.get("details", ""),
        )
        return Response(self.OutputSerializer(report).data, status=status.HTTP_201_CREATED)


class IdeaReviewRequestApi(APIView):
    """The author of a hidden idea asks the moderators to look at it again, once, saying why; as
    the page /ideas/<id>/review/ does."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        details = TypedCharField(
            max_length=REPORT_DETAILS_MAX_LENGTH,
            label=_("What should the moderators know?"),
            help_text=_(
                "What you changed, or why the idea should be shown again. They read it beside the reports."
            ),
            error_messages={"required": REVIEW_DETAILS_MISSING, "blank": REVIEW_DETAILS_MISSING},
        )

    class OutputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Report
            fields = ["id", "idea", "details", "created_at"]

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        description="The author of a hidden idea asks the moderators to look at it again, saying why; the "
        "request waits in the moderators' report queue (`GET /api/v1/moderation/reports/`, reason `review`) "
        "and the author is told what they decide. 403 for anyone else (404 if they cannot see it); 409 for "
        "an idea that is not hidden, and `duplicate` when its author already asked.",
        tags=["ideas"],
    )
    def post(self, request, idea_id: int):
        idea = _get_visible_idea(request, idea_id)
        if idea.author_id != request.user.pk:
            raise forbidden(_("Only the author can ask for another look at this idea."))
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = services.idea_review_request(idea=idea, user=request.user, **serializer.validated_data)
        return Response(self.OutputSerializer(review).data, status=status.HTTP_201_CREATED)
