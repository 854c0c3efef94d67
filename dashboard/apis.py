from django.contrib.auth import logout
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from core.permissions import IsCityStaff
from ideas.models import Comment, Idea, Report
from pilots.apis import ConsentOutputSerializer
from pilots.models import PilotVolunteer

from . import selectors
from . import services as dashboard


class ReadsDashboard(IsCityStaff):
    message = gettext_lazy("Only city staff can see the dashboard and exports.")


class DashboardApi(APIView):
    """Figures for the staff dashboard."""

    permission_classes = [ReadsDashboard]

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, tags=["dashboard"])
    def get(self, request):
        return Response(dashboard.dashboard_figures())


class ExportApi(APIView):
    """CSV export (UTF-8 with a byte order mark, so Excel shows Korean text): ideas, matches,
    interests or pilots."""

    permission_classes = [ReadsDashboard]

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY}, tags=["dashboard"])
    def get(self, request, name: str):
        if name not in dashboard.EXPORTS:
            raise Http404
        response = HttpResponse(dashboard.export_csv(name), content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
        return response


# --- My data ---------------------------------------------------------------------------------


class ExportAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "email",
            "first_name",
            "last_name",
            "display_name",
            "real_name",
            "preferred_language",
            "is_staff",
            "date_joined",
            "last_login",
        ]


class ExportIdeaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Idea
        fields = [
            "id",
            "title",
            "problem",
            "proposal",
            "category",
            "district",
            "beneficiaries",
            "language",
            "status",
            "rejection_reason",
            "created_at",
            "updated_at",
            "published_at",
        ]


class ExportCommentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Comment
        fields = ["id", "idea", "parent", "body", "is_removed", "created_at", "updated_at"]


NO_LONGER_SEEN = "Null once you may no longer see it (hidden, or no longer public): its id stays."


class ExportIdeaLinkSerializer(serializers.Serializer):
    idea = serializers.IntegerField(source="idea_id")
    idea_title = serializers.CharField(allow_null=True, help_text=f"The idea's title. {NO_LONGER_SEEN}")
    created_at = serializers.DateTimeField()


class ExportReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "idea", "comment", "reason", "details", "created_at"]


class ExportMembershipSerializer(serializers.Serializer):
    company = serializers.CharField(source="company.slug")
    role = serializers.CharField()
    created_at = serializers.DateTimeField()


class ExportInvitationSerializer(serializers.Serializer):
    company = serializers.CharField(source="company.slug")
    role = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    responded_at = serializers.DateTimeField(allow_null=True)


# The download holds what the product holds, as written: the pilot's title in Korean and in
# English, not the one the language of the request would pick.
class ExportVolunteeringSerializer(serializers.ModelSerializer):
    pilot_title = serializers.CharField(source="pilot.title")
    pilot_title_en = serializers.CharField(
        source="pilot.title_en", help_text="Empty where staff gave no English."
    )

    class Meta:
        model = PilotVolunteer
        fields = ["pilot", "pilot_title", "pilot_title_en", "share_identity", "joined_at", "left_at"]


class ExportPilotFollowSerializer(serializers.Serializer):
    pilot = serializers.IntegerField(source="pilot_id")
    pilot_title = serializers.CharField(allow_null=True, help_text=f"The pilot's title. {NO_LONGER_SEEN}")
    pilot_title_en = serializers.CharField(
        allow_null=True, help_text=f"Empty where staff gave no English. {NO_LONGER_SEEN}"
    )
    created_at = serializers.DateTimeField()


class ExportNotificationSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class ExportPreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()


class ExportReadingSerializer(serializers.Serializer):
    measured_at = serializers.DateTimeField()
    values = serializers.DictField(child=serializers.FloatField())


class ExportDonationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pilot = serializers.IntegerField(source="data_request.pilot_id")
    category_code = serializers.CharField(source="data_request.category_code")
    category_label = serializers.CharField(source="data_request.shown_category_label")
    source = serializers.CharField()
    station = serializers.CharField(source="station.shown_name", allow_null=True, default=None)
    created_at = serializers.DateTimeField()
    delete_after = serializers.DateTimeField()
    readings = ExportReadingSerializer(many=True)


class ExportDonationReadSerializer(serializers.Serializer):
    pilot = serializers.IntegerField(source="read.pilot_id")
    company = serializers.CharField(source="read.company.name")
    category_code = serializers.CharField(source="data_request.category_code")
    read_at = serializers.DateTimeField(source="read.read_at")
    kind = serializers.CharField(
        source="read.kind",
        help_text="readings: your readings were read; identities: your name and email were seen.",
    )
    rows = serializers.IntegerField(help_text="How many of your readings the read returned.")
    times = serializers.IntegerField(
        source="read.repeats",
        help_text="How many times the same question came to the same answer, from read_at to last_read_at.",
    )
    last_read_at = serializers.DateTimeField(source="read.last_read_at", allow_null=True)


class ExportDonationResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    pilot = serializers.IntegerField(source="pilot_id")
    company = serializers.CharField(source="company.name")
    donation = serializers.IntegerField(source="donation_id", allow_null=True)
    text = serializers.CharField()
    value = serializers.DecimalField(max_digits=12, decimal_places=3, allow_null=True)
    unit = serializers.CharField()
    level = serializers.CharField()
    created_at = serializers.DateTimeField()


class ExportDonationDeletionSerializer(serializers.Serializer):
    pilot = serializers.IntegerField(source="data_request.pilot_id")
    category_code = serializers.CharField(source="data_request.category_code")
    reason = serializers.CharField()
    donations = serializers.IntegerField()
    readings = serializers.IntegerField()
    deleted_at = serializers.DateTimeField()


class MyDataApi(APIView):
    """Everything the product holds about me, as one JSON download."""

    permission_classes = [IsAuthenticated]
    # A download, not a page: the browsable API would wrap it in HTML.
    renderer_classes = [JSONRenderer]

    class OutputSerializer(serializers.Serializer):
        account = ExportAccountSerializer()
        ideas = ExportIdeaSerializer(many=True)
        comments = ExportCommentSerializer(many=True)
        supports = ExportIdeaLinkSerializer(many=True)
        follows = ExportIdeaLinkSerializer(many=True)
        reports = ExportReportSerializer(many=True)
        company_memberships = ExportMembershipSerializer(many=True)
        company_invitations = ExportInvitationSerializer(many=True)
        volunteering = ExportVolunteeringSerializer(many=True)
        pilot_follows = ExportPilotFollowSerializer(many=True)
        consents = ConsentOutputSerializer(many=True)
        notifications = ExportNotificationSerializer(many=True)
        notification_preferences = ExportPreferenceSerializer(many=True)
        donations = ExportDonationSerializer(many=True)
        donation_reads = ExportDonationReadSerializer(many=True)
        donation_results = ExportDonationResultSerializer(many=True)
        donation_deletions = ExportDonationDeletionSerializer(many=True)

    @extend_schema(responses={200: OutputSerializer}, tags=["auth"])
    def get(self, request):
        document = self.OutputSerializer(selectors.user_data_export(user=request.user)).data
        return Response(document, headers={"Content-Disposition": 'attachment; filename="my-data.json"'})


class AccountCloseApi(APIView):
    """Close my account: what only I could see, my donations and my memberships are deleted, what
    I published stays as a former member's, and the account can no longer sign in. Refused (409)
    while I am a company's only owner."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        password = serializers.CharField(write_only=True, label=gettext_lazy("password"))

    @extend_schema(request=InputSerializer, responses={204: None}, tags=["auth"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dashboard.account_close(user=request.user, password=serializer.validated_data["password"])
        if request.auth is None:
            logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)
