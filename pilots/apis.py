"""Interest in ideas, pilots and their life, volunteering, data donation consent, my data."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import SAFE_METHODS, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.apis import PersonSerializer, StaffPersonSerializer
from companies.apis import CompanyBriefSerializer
from companies.models import Company
from core.bilingual import shown_label, shown_text
from core.pagination import PaginatedApiMixin
from core.permissions import IsCityStaff
from ideas.apis import IdeaBriefSerializer
from ideas.models import District, Idea

from . import selectors, services
from .models import (
    CANCELLATION_REASON_MAX_LENGTH,
    Pilot,
    PilotConsent,
    PilotDataRequest,
    PilotMilestone,
    PilotStage,
    PilotUpdate,
    PilotVolunteer,
)


class RunsPilots(IsCityStaff):
    message = _("Only city staff can run pilots.")


class RunsPilotsOrReadOnly(RunsPilots):
    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or super().has_permission(request, view)


def visible_pilot(request, pilot_id: int) -> Pilot:
    """The pilot, if the caller may see it; 404 otherwise, as for a pilot that does not exist."""
    return get_object_or_404(Pilot.objects.visible_to(request.user), pk=pilot_id)


def _pilot_response(request, pilot_id: int, status_code=status.HTTP_200_OK) -> Response:
    pilot = selectors.pilot_get(pilot_id=pilot_id, user=request.user)
    return Response(PilotDetailOutputSerializer(pilot).data, status=status_code)


# --- Serializers shared by several views ----------------------------------------------------


LANGUAGE_HELP = (
    "The language the text before it is written in: the reader's (Accept-Language), or ko where "
    "staff wrote it in Korean only."
)
# A client that edits what it reads takes the text as written from `texts`: the shown one may be
# the English, and written back as the Korean it would replace it.
SHOWN_HELP = "In the reader's language (Accept-Language); `texts` has each language as written, to edit."


def language_of(source: str) -> serializers.CharField:
    return serializers.CharField(source=f"{source}.language", help_text=LANGUAGE_HELP)


class MilestoneTextsSerializer(serializers.Serializer):
    title = serializers.CharField()


class MilestoneAllTextsSerializer(serializers.Serializer):
    ko = MilestoneTextsSerializer()
    en = MilestoneTextsSerializer(help_text="Empty strings where staff gave no English.")


class MilestoneOutputSerializer(serializers.ModelSerializer):
    """The title in the reader's language, followed by the language it is in, as the pilot's;
    `texts` has both as written."""

    title = serializers.CharField(source="shown_title", help_text=SHOWN_HELP)
    title_language = language_of("shown_title")
    texts = serializers.SerializerMethodField()

    class Meta:
        model = PilotMilestone
        fields = ["id", "title", "title_language", "texts", "due_date", "is_done"]

    @extend_schema_field(MilestoneAllTextsSerializer)
    def get_texts(self, milestone: PilotMilestone) -> dict:
        return {"ko": {"title": milestone.title}, "en": {"title": milestone.title_en}}


class PilotUpdateTextsSerializer(serializers.Serializer):
    body = serializers.CharField()


class PilotUpdateAllTextsSerializer(serializers.Serializer):
    ko = PilotUpdateTextsSerializer()
    en = PilotUpdateTextsSerializer(help_text="Empty strings where staff gave no English.")


class PilotUpdateOutputSerializer(serializers.ModelSerializer):
    """The news in the reader's language, followed by the language it is in, as the pilot's
    texts; `texts` has both as written."""

    body = serializers.CharField(source="shown_body", help_text=SHOWN_HELP)
    body_language = language_of("shown_body")
    texts = serializers.SerializerMethodField()
    author = PersonSerializer(allow_null=True)

    class Meta:
        model = PilotUpdate
        fields = ["id", "body", "body_language", "texts", "author", "created_at"]

    @extend_schema_field(PilotUpdateAllTextsSerializer)
    def get_texts(self, update: PilotUpdate) -> dict:
        return {"ko": {"body": update.body}, "en": {"body": update.body_en}}


class DataFieldOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The key of this value in a reading, e.g. systolic.")
    label = serializers.CharField(help_text="In the reader's language, or Korean if written in Korean only.")
    label_language = serializers.CharField(help_text=LANGUAGE_HELP)
    unit = serializers.CharField(help_text="In the reader's language, or Korean if given in Korean only.")
    min = serializers.FloatField(help_text="Lowest valid value; a reading below it is refused.")
    max = serializers.FloatField(help_text="Highest valid value; a reading above it is refused.")

    def to_representation(self, field: dict) -> dict:
        label = shown_label(field)
        # A unit without English is given as it is, unmarked, as on the pages.
        unit = shown_text(str(field.get("unit") or ""), str(field.get("unit_en") or "")).text
        return super().to_representation(
            {**field, "label": label.text, "label_language": label.language, "unit": unit}
        )


class DataRequestTextsSerializer(serializers.Serializer):
    category_label = serializers.CharField()
    purpose = serializers.CharField()
    recipient = serializers.CharField()
    consent_text = serializers.CharField()
    fields = serializers.DictField(child=serializers.CharField(), help_text="Field code to name.")
    units = serializers.DictField(child=serializers.CharField(), help_text="Field code to unit.")


class DataRequestAllTextsSerializer(serializers.Serializer):
    ko = DataRequestTextsSerializer()
    en = DataRequestTextsSerializer(help_text="Empty strings where staff gave no English.")


class PilotCompanySerializer(CompanyBriefSerializer):
    """A company of a pilot, named to every reader of the pilot, as it took part; its slug and
    summary only to a reader who may open its page. A company whose verification staff withdrew
    since is no longer public: the public gets its name alone."""

    slug = serializers.SlugField(allow_null=True, help_text="Null when the reader may not open the company.")
    summary = serializers.CharField(
        allow_null=True, help_text="Null when the reader may not open the company."
    )

    def to_representation(self, company: Company) -> dict:
        data = super().to_representation(company)
        # The selectors read whether the reader may open it (`Company.objects.with_visibility`).
        if not company.is_visible:
            data["slug"] = data["summary"] = None
        return data


class DataRequestOutputSerializer(serializers.ModelSerializer):
    """The texts in the reader's language, each followed by the language it is in: a text staff
    wrote in Korean only is given in Korean. `texts` has both as written."""

    category_label = serializers.CharField(source="shown_category_label")
    category_label_language = language_of("shown_category_label")
    fields = DataFieldOutputSerializer(many=True, help_text="What one reading holds.")
    purpose = serializers.CharField(source="shown_purpose")
    purpose_language = language_of("shown_purpose")
    recipient = serializers.CharField(source="shown_recipient")
    recipient_language = language_of("shown_recipient")
    recipient_companies = PilotCompanySerializer(
        many=True, help_text="The pilot's companies that may read what is donated."
    )
    consent_text = serializers.CharField(
        source="shown_consent_text", help_text="What a volunteer agrees to by consenting now."
    )
    consent_text_language = language_of("shown_consent_text")
    texts = serializers.SerializerMethodField()
    is_current = serializers.SerializerMethodField(
        help_text="False once the request was replaced: it then takes no new consent nor donation."
    )

    class Meta:
        model = PilotDataRequest
        fields = [
            "id",
            "category_code",
            "category_label",
            "category_label_language",
            "fields",
            "purpose",
            "purpose_language",
            "recipient",
            "recipient_language",
            "recipient_companies",
            "retention_days",
            "consent_text",
            "consent_text_language",
            "texts",
            "created_at",
            "is_current",
            "replaced_at",
            "replaced_by",
        ]

    def get_is_current(self, data_request: PilotDataRequest) -> bool:
        return data_request.replaced_at is None

    @extend_schema_field(DataRequestAllTextsSerializer)
    def get_texts(self, data_request: PilotDataRequest) -> dict:
        fields = [field for field in data_request.fields if isinstance(field, dict)]
        return {
            "ko": {
                "category_label": data_request.category_label,
                "purpose": data_request.purpose,
                "recipient": data_request.recipient,
                "consent_text": data_request.consent_text,
                "fields": {field.get("code", ""): field.get("label", "") for field in fields},
                "units": {field.get("code", ""): field.get("unit") or "" for field in fields},
            },
            "en": {
                "category_label": data_request.category_label_en,
                "purpose": data_request.purpose_en,
                "recipient": data_request.recipient_en,
                "consent_text": data_request.consent_text_en,
                "fields": {field.get("code", ""): field.get("label_en") or "" for field in fields},
                "units": {field.get("code", ""): field.get("unit_en") or "" for field in fields},
            },
        }


class PilotTextsSerializer(serializers.Serializer):
    title = serializers.CharField()
    venue = serializers.CharField()


class PilotAllTextsSerializer(serializers.Serializer):
    ko = PilotTextsSerializer()
    en = PilotTextsSerializer(help_text="Empty strings where staff gave no English.")


class PilotOutputSerializer(serializers.ModelSerializer):
    """The title and the venue in the reader's language, each followed by the language it is in:
    a text staff wrote in Korean only is given in Korean. `texts` has both as written."""

    title = serializers.CharField(source="shown_title", help_text=SHOWN_HELP)
    title_language = language_of("shown_title")
    venue = serializers.CharField(
        source="shown_venue", help_text=f"{SHOWN_HELP} Empty where staff gave no venue."
    )
    venue_language = language_of("shown_venue")
    texts = serializers.SerializerMethodField()
    idea = IdeaBriefSerializer(
        source="visible_idea", allow_null=True, help_text="Null when the reader may not see the idea."
    )
    companies = PilotCompanySerializer(many=True)
    stage_display = serializers.CharField(source="get_stage_display")
    district_display = serializers.CharField(source="get_district_display")
    progress = serializers.IntegerField(help_text="Percentage of milestones done, 0 without milestones.")
    volunteers_count = serializers.IntegerField()
    is_following = serializers.BooleanField(help_text="Whether the reader follows the pilot's news.")

    class Meta:
        model = Pilot
        fields = [
            "id",
            "title",
            "title_language",
            "texts",
            "idea",
            "companies",
            "district",
            "district_display",
            "venue",
            "venue_language",
            "stage",
            "stage_display",
            "progress",
            "volunteers_count",
            "is_following",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(PilotAllTextsSerializer)
    def get_texts(self, pilot: Pilot) -> dict:
        return {
            "ko": {"title": pilot.title, "venue": pilot.venue},
            "en": {"title": pilot.title_en, "venue": pilot.venue_en},
        }


class PilotDetailTextsSerializer(PilotTextsSerializer):
    description = serializers.CharField()


class PilotDetailAllTextsSerializer(serializers.Serializer):
    ko = PilotDetailTextsSerializer()
    en = PilotDetailTextsSerializer(help_text="Empty strings where staff gave no English.")


class PilotDetailOutputSerializer(PilotOutputSerializer):
    """The description too in the reader's language, followed by the language it is in, as the
    title; `texts` has it as written."""

    description = serializers.CharField(source="shown_description")
    description_language = language_of("shown_description")
    milestones = MilestoneOutputSerializer(many=True)
    updates = PilotUpdateOutputSerializer(many=True)
    data_requests = DataRequestOutputSerializer(many=True)

    class Meta(PilotOutputSerializer.Meta):
        fields = [
            *PilotOutputSerializer.Meta.fields,
            "description",
            "description_language",
            "cancellation_reason",
            "milestones",
            "updates",
            "data_requests",
        ]

    @extend_schema_field(PilotDetailAllTextsSerializer)
    def get_texts(self, pilot: Pilot) -> dict:
        texts = super().get_texts(pilot)
        texts["ko"]["description"] = pilot.description
        texts["en"]["description"] = pilot.description_en
        return texts


class ConsentOutputSerializer(serializers.ModelSerializer):
    pilot = serializers.IntegerField(source="data_request.pilot_id")
    category_code = serializers.CharField(source="data_request.category_code")
    category_label = serializers.CharField(source="data_request.shown_category_label")
    category_label_language = language_of("data_request.shown_category_label")
    consent_text = serializers.CharField(help_text="Exactly the text agreed to.")
    language = serializers.CharField(help_text="The language of the text agreed to.")
    is_active = serializers.BooleanField()

    class Meta:
        model = PilotConsent
        fields = [
            "id",
            "pilot",
            "data_request",
            "category_code",
            "category_label",
            "category_label_language",
            "consent_text",
            "language",
            "given_at",
            "withdrawn_at",
            "is_active",
        ]


# --- Pilots ---------------------------------------------------------------------------------


class PilotListCreateApi(PaginatedApiMixin, APIView):
    """Pilots, newest first. Anyone reads them, except those in planning, which only staff see.
    Staff create a pilot from an idea and one or more verified companies."""

    permission_classes = [RunsPilotsOrReadOnly]

    class FilterSerializer(serializers.Serializer):
        stage = serializers.ChoiceField(choices=PilotStage.choices, required=False, label=_("stage"))
        idea = serializers.IntegerField(required=False, label=_("idea"))

    class InputSerializer(serializers.Serializer):
        idea = serializers.PrimaryKeyRelatedField(queryset=Idea.objects.all(), label=_("idea"))
        companies = serializers.SlugRelatedField(
            queryset=Company.objects.all(),
            slug_field="slug",
            many=True,
            allow_empty=False,
            label=_("companies"),
        )
        title = serializers.CharField(max_length=150, label=_("title"))
        title_en = serializers.CharField(
            max_length=150, required=False, allow_blank=True, default="", label=_("title in English")
        )
        description = serializers.CharField(max_length=5000, label=_("description"))
        description_en = serializers.CharField(
            max_length=5000, required=False, allow_blank=True, default="", label=_("description in English")
        )
        district = serializers.ChoiceField(
            choices=District.choices,
            required=False,
            label=_("district"),
            help_text="Defaults to the idea's district.",
        )
        venue = serializers.CharField(max_length=200, required=False, allow_blank=True, label=_("venue"))
        venue_en = serializers.CharField(
            max_length=200, required=False, allow_blank=True, default="", label=_("venue in English")
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: PilotOutputSerializer(many=True)},
        tags=["pilots"],
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        pilots = selectors.pilot_list(
            user=request.user,
            stage=filters.validated_data.get("stage"),
            idea_id=filters.validated_data.get("idea"),
        )
        return self.paginated_response(
            request, pilots, lambda page: PilotOutputSerializer(page, many=True).data
        )

    @extend_schema(request=InputSerializer, responses={201: PilotDetailOutputSerializer}, tags=["pilots"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pilot = services.pilot_create(by=request.user, **serializer.validated_data)
        return _pilot_response(request, pilot.pk, status.HTTP_201_CREATED)


class PilotDetailApi(APIView):
    """A pilot with its stage, progress, milestones, updates, companies and the data it asks for."""

    permission_classes = [RunsPilotsOrReadOnly]

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=150, label=_("title"))
        title_en = serializers.CharField(max_length=150, allow_blank=True, label=_("title in English"))
        description = serializers.CharField(max_length=5000, label=_("description"))
        description_en = serializers.CharField(
            max_length=5000, allow_blank=True, label=_("description in English")
        )
        district = serializers.ChoiceField(choices=District.choices, label=_("district"))
        venue = serializers.CharField(max_length=200, allow_blank=True, label=_("venue"))
        venue_en = serializers.CharField(max_length=200, allow_blank=True, label=_("venue in English"))

    @extend_schema(responses={200: PilotDetailOutputSerializer}, tags=["pilots"])
    def get(self, request, pilot_id: int):
        return _pilot_response(request, pilot_id)

    @extend_schema(request=InputSerializer, responses={200: PilotDetailOutputSerializer}, tags=["pilots"])
    def patch(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.pilot_edit(pilot=pilot, by=request.user, **serializer.validated_data)
        return _pilot_response(request, pilot.pk)


class PilotStageApi(APIView):
    """Move a pilot to its next stage, or cancel it with a reason (staff). Those who may see
    the pilot are told: a pilot cancelled in planning was never public, and only the city staff
    who follow it hear of it."""

    permission_classes = [RunsPilots]

    class InputSerializer(serializers.Serializer):
        stage = serializers.ChoiceField(choices=PilotStage.choices, label=_("stage"))
        reason = serializers.CharField(
            max_length=CANCELLATION_REASON_MAX_LENGTH,
            required=False,
            allow_blank=True,
            label=_("reason for cancellation"),
        )

    @extend_schema(request=InputSerializer, responses={200: PilotDetailOutputSerializer}, tags=["pilots"])
    def post(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.pilot_change_stage(pilot=pilot, by=request.user, **serializer.validated_data)
        return _pilot_response(request, pilot.pk)


class MilestoneInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=150, label=_("title"))
    # The default is not applied to a PATCH that leaves the field out (a partial serializer).
    title_en = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default="", label=_("title in English")
    )
    due_date = serializers.DateField(label=_("due date"))
    is_done = serializers.BooleanField(default=False, label=_("done"))


class PilotMilestonesApi(APIView):
    """Add a milestone to a pilot (staff); the pilot's progress is the share of milestones done."""

    permission_classes = [RunsPilots]

    class InputSerializer(MilestoneInputSerializer):
        pass

    @extend_schema(request=InputSerializer, responses={201: PilotDetailOutputSerializer}, tags=["pilots"])
    def post(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.pilot_milestone_add(pilot=pilot, by=request.user, **serializer.validated_data)
        return _pilot_response(request, pilot.pk, status.HTTP_201_CREATED)


class PilotMilestoneDetailApi(APIView):
    """Change a milestone (mark it done, move its date) or remove it (staff)."""

    permission_classes = [RunsPilots]

    class InputSerializer(MilestoneInputSerializer):
        pass

    def _milestone(self, request, pilot_id: int, milestone_id: int) -> PilotMilestone:
        pilot = visible_pilot(request, pilot_id)
        return get_object_or_404(PilotMilestone.objects.select_related("pilot"), pilot=pilot, pk=milestone_id)

    @extend_schema(request=InputSerializer, responses={200: PilotDetailOutputSerializer}, tags=["pilots"])
    def patch(self, request, pilot_id: int, milestone_id: int):
        milestone = self._milestone(request, pilot_id, milestone_id)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.pilot_milestone_change(milestone=milestone, by=request.user, **serializer.validated_data)
        return _pilot_response(request, pilot_id)

    @extend_schema(request=None, responses={204: None}, tags=["pilots"])
    def delete(self, request, pilot_id: int, milestone_id: int):
        milestone = self._milestone(request, pilot_id, milestone_id)
        services.pilot_milestone_remove(milestone=milestone, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PilotUpdatesApi(APIView):
    """Post public news from a pilot (staff); the idea's followers and the pilot's volunteers
    and followers are notified. 409 for a pilot in planning, and for one cancelled before it
    went public, which no one but staff can read."""

    permission_classes = [RunsPilots]

    class InputSerializer(serializers.Serializer):
        body = serializers.CharField(max_length=5000, label=_("update"))
        body_en = serializers.CharField(
            max_length=5000, required=False, allow_blank=True, default="", label=_("update in English")
        )

    @extend_schema(request=InputSerializer, responses={201: PilotUpdateOutputSerializer}, tags=["pilots"])
    def post(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        update = services.pilot_update_post(pilot=pilot, by=request.user, **serializer.validated_data)
        return Response(PilotUpdateOutputSerializer(update).data, status=status.HTTP_201_CREATED)


# --- Volunteering and consent ---------------------------------------------------------------


class PilotFollowApi(APIView):
    """POST to follow the pilot's news (its stage changes and public updates, as notifications),
    DELETE to stop. Signed-in users, for a pilot they can see; both answer the pilot."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: PilotDetailOutputSerializer}, tags=["pilots"])
    def post(self, request, pilot_id: int):
        services.pilot_follow(pilot=visible_pilot(request, pilot_id), user=request.user)
        return _pilot_response(request, pilot_id)

    @extend_schema(request=None, responses={200: PilotDetailOutputSerializer}, tags=["pilots"])
    def delete(self, request, pilot_id: int):
        services.pilot_unfollow(pilot=visible_pilot(request, pilot_id), user=request.user)
        return _pilot_response(request, pilot_id)


class PilotVolunteersApi(PaginatedApiMixin, APIView):
    """Every volunteer of a pilot, who they are and every consent they gave and withdrew (staff)."""

    permission_classes = [RunsPilots]

    class OutputSerializer(serializers.ModelSerializer):
        user = StaffPersonSerializer()
        email = serializers.EmailField(source="user.email")
        consents = ConsentOutputSerializer(many=True)
        is_active = serializers.BooleanField()

        class Meta:
            model = PilotVolunteer
            fields = [
                "id",
                "user",
                "email",
                "share_identity",
                "joined_at",
                "left_at",
                "is_active",
                "consents",
            ]

    @extend_schema(responses={200: OutputSerializer(many=True)}, tags=["pilots"])
    def get(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        return self.paginated_response(
            request,
            selectors.pilot_volunteer_list(pilot=pilot),
            lambda page: self.OutputSerializer(page, many=True).data,
        )
