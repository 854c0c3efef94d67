from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis import StaffPersonSerializer
from core.pagination import PaginatedApiMixin
from core.permissions import IsCityStaff
from core.serializer_fields import TypedCharField

from . import selectors, services
from .apis import CommentOutputSerializer, IdeaOutputSerializer, _comment_response, _idea_response
from .models import MODERATION_NOTE_MAX_LENGTH, Comment, Idea, IdeaStatus, Report


class StaffIdeaOutputSerializer(IdeaOutputSerializer):
    """An idea as the moderation queue shows it to staff: who wrote it, not only their nickname."""

    author = StaffPersonSerializer()


class Moderates(IsCityStaff):
    message = _("Only city staff can moderate.")


class StaffApi(APIView):
    permission_classes = [Moderates]

    def idea(self, idea_id: int) -> Idea:
        return get_object_or_404(Idea, pk=idea_id)


class ModerationQueueApi(PaginatedApiMixin, StaffApi):
    """Submitted ideas waiting for a decision, oldest first."""

    @extend_schema(responses={200: StaffIdeaOutputSerializer(many=True)}, tags=["moderation"])
    def get(self, request):
        queue = (
            selectors.idea_list(user=request.user)
            .filter(status=IdeaStatus.SUBMITTED)
            .order_by("created_at", "id")
        )
        return self.paginated_response(
            request,
            queue,
            lambda page: StaffIdeaOutputSerializer(page, many=True, context={"request": request}).data,
        )


class ReportOutputSerializer(serializers.ModelSerializer):
    reporter = serializers.CharField(source="reporter.__str__")
    # Staff only: who reported, beyond the nickname the public sees.
    reporter_account = serializers.CharField(source="reporter.staff_label")
    target_type = serializers.SerializerMethodField()
    target_id = serializers.SerializerMethodField()
    target_text = serializers.SerializerMethodField()
    target_hidden = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "reason",
            "details",
            "reporter",
            "reporter_account",
            "target_type",
            "target_id",
            "target_text",
            "target_hidden",
            "created_at",
            "resolved_at",
            "resolution",
        ]

    def _target(self, report):
        return report.idea if report.idea_id else report.comment

    def get_target_type(self, report) -> str:
        return "idea" if report.idea_id else "comment"

    def get_target_id(self, report) -> int:
        return self._target(report).pk

    def get_target_text(self, report) -> str:
        target = self._target(report)
        return target.title if report.idea_id else target.body

    def get_target_hidden(self, report) -> bool:
        return self._target(report).is_hidden


class ReportQueueApi(PaginatedApiMixin, StaffApi):
    """Open reports of abuse, newest first; `?all=true` includes handled ones."""

    @extend_schema(
        parameters=[OpenApiParameter("all", bool, description="Include the reports already handled.")],
        responses={200: ReportOutputSerializer(many=True)},
        tags=["moderation"],
    )
    def get(self, request):
        reports = Report.objects.select_related("reporter", "idea", "comment").order_by("-created_at", "-id")
        if request.query_params.get("all") not in ("1", "true"):
            reports = reports.filter(resolved_at__isnull=True)
        return self.paginated_response(
            request, reports, lambda page: ReportOutputSerializer(page, many=True).data
        )


class ReportDismissApi(StaffApi):
    @extend_schema(request=None, responses={200: ReportOutputSerializer}, tags=["moderation"])
    def post(self, request, report_id: int):
        report = services.report_dismiss(report=get_object_or_404(Report, pk=report_id), by=request.user)
        return Response(ReportOutputSerializer(report).data)


class IdeaRequestRevisionApi(StaffApi):
    class InputSerializer(serializers.Serializer):
        note = TypedCharField(max_length=MODERATION_NOTE_MAX_LENGTH, label=_("what to revise"))

    @extend_schema(request=InputSerializer, responses={200: IdeaOutputSerializer}, tags=["moderation"])
    def post(self, request, idea_id: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        idea = services.idea_request_revision(
            idea=self.idea(idea_id), by=request.user, **serializer.validated_data
        )
        return _idea_response(request, idea.pk)


class IdeaVisibilityApi(StaffApi):
    """POST hides an idea, DELETE shows it again."""

    @extend_schema(request=None, responses={200: IdeaOutputSerializer}, tags=["moderation"])
    def post(self, request, idea_id: int):
        idea = services.content_hide(target=self.idea(idea_id), by=request.user)
        return _idea_response(request, idea.pk)

    @extend_schema(request=None, responses={200: IdeaOutputSerializer}, tags=["moderation"])
    def delete(self, request, idea_id: int):
        idea = services.content_restore(target=self.idea(idea_id), by=request.user)
        return _idea_response(request, idea.pk)


class CommentVisibilityApi(StaffApi):
    """POST hides a comment, DELETE shows it again."""

    @extend_schema(request=None, responses={200: CommentOutputSerializer}, tags=["moderation"])
    def post(self, request, comment_id: int):
        comment = services.content_hide(target=get_object_or_404(Comment, pk=comment_id), by=request.user)
        return _comment_response(request, comment.pk)

    @extend_schema(request=None, responses={200: CommentOutputSerializer}, tags=["moderation"])
    def delete(self, request, comment_id: int):
        comment = services.content_restore(target=get_object_or_404(Comment, pk=comment_id), by=request.user)
        return _comment_response(request, comment.pk)


class IdeaMergeApi(StaffApi):
    """Merge this idea into `target`."""

    class InputSerializer(serializers.Serializer):
        target = serializers.IntegerField(label=_("merge into"))

    @extend_schema(request=InputSerializer, responses={200: IdeaOutputSerializer}, tags=["moderation"])
    def post(self, request, idea_id: int):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = Idea.objects.filter(pk=serializer.validated_data["target"]).first()
        if target is None:
            raise serializers.ValidationError({"target": [_("This idea does not exist.")]})
        services.idea_merge(source=self.idea(idea_id), target=target, by=request.user)
        return _idea_response(request, target.pk)


class IdeaUnmergeApi(StaffApi):
    @extend_schema(request=None, responses={200: IdeaOutputSerializer}, tags=["moderation"])
    def post(self, request, idea_id: int):
        idea = services.idea_unmerge(idea=self.idea(idea_id), by=request.user)
        return _idea_response(request, idea.pk)
