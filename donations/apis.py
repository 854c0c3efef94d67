"""Data donation's API: data requests, volunteering and consent, stations, reads and results."""

from django.conf import settings
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from companies.models import Company
from core.errors import ApplicationError, forbidden, not_found
from core.forms import MAX_ROW_ID
from core.pagination import PaginatedApiMixin
from pilots import services as pilot_services
from pilots.apis import (
    LANGUAGE_HELP,
    ConsentOutputSerializer,
    DataFieldOutputSerializer,
    DataRequestOutputSerializer,
    RunsPilots,
    RunsPilotsOrReadOnly,
    language_of,
    visible_pilot,
)
from pilots.models import CONSENT_TEXT_MAX_LENGTH, Pilot, PilotDataRequest, PilotVolunteer
from pilots.selectors import pilot_donation_summary, pilot_volunteer_get

from . import selectors, services
from .authentication import IsStation, StationAuthentication, StationRateThrottle
from .fields import parse_fields
from .models import (
    RESULT_TEXT_MAX_LENGTH,
    STATION_NAME_MAX_LENGTH,
    DonationResult,
    Reading,
    ResultLevel,
    Station,
    StationVisit,
)
from .qr import qr_svg_data_uri
from .validators import MEASURED_IN_FUTURE, measured_at_error

# --- Staff: data requests -------------------------------------------------------------------


class DataFieldSerializer(serializers.Serializer):
    code = serializers.RegexField(
        r"^[a-z][a-z0-9_]{0,39}$",
        label=_("code"),
        help_text="Short code, e.g. systolic.",
        error_messages={
            "invalid": _("Start with a small letter; then small letters, digits and _, such as systolic.")
        },
    )
    label = serializers.CharField(max_length=60, label=_("name"), help_text="In Korean.")
    label_en = serializers.CharField(
        max_length=60,
        allow_blank=True,
        default="",
        label=_("name in English"),
        help_text="Readers of English see the Korean name, said to be Korean only, without it.",
    )
    unit = serializers.CharField(
        max_length=20, allow_blank=True, default="", label=_("unit"), help_text="In Korean."
    )
    unit_en = serializers.CharField(
        max_length=20,
        allow_blank=True,
        default="",
        label=_("unit in English"),
        help_text="Readers of English see the Korean unit as it is without it; none is needed for "
        "units read alike in both, such as mmHg.",
    )
    min = serializers.FloatField(label=_("lowest valid value"))
    max = serializers.FloatField(label=_("highest valid value"))


def _data_request_response(request, pilot: Pilot, data_request_id: int, status_code=status.HTTP_200_OK):
    data_request = selectors.data_request_get(pilot=pilot, data_request_id=data_request_id, user=request.user)
    return Response(DataRequestOutputSerializer(data_request).data, status=status_code)


class PilotDataRequestsApi(APIView):
    """GET: every data request of the pilot, the current ones first, then those replaced, kept
    with the consents given to them (anyone who can see the pilot). POST: ask the pilot's
    volunteers for one category of personal data (staff): what one reading holds (fields with
    units and valid ranges), why, for which of the pilot's companies, and for how long, in Korean
    and optionally in English (`_en`; readers of English are shown the Korean, said to be Korean
    only, where it is left out). The consent text volunteers agree to is written from these in
    both languages unless given, and is then kept as it is."""

    permission_classes = [RunsPilotsOrReadOnly]

    class InputSerializer(serializers.Serializer):
        category_code = serializers.SlugField(
            max_length=40, label=_("category code"), help_text="Short code, e.g. blood_pressure."
        )
        category_label = serializers.CharField(max_length=100, label=_("category"))
        category_label_en = serializers.CharField(
            max_length=100, required=False, allow_blank=True, default="", label=_("category in English")
        )
        fields = DataFieldSerializer(many=True, required=False, label=_("fields"))
        purpose = serializers.CharField(max_length=1000, label=_("purpose"))
        purpose_en = serializers.CharField(
            max_length=1000, required=False, allow_blank=True, default="", label=_("purpose in English")
        )
        recipient = serializers.CharField(
            max_length=200,
            required=False,
            default="",
            label=_("recipient"),
            help_text="Defaults to the names of the recipient companies.",
        )
        recipient_en = serializers.CharField(
            max_length=200,
            required=False,
            allow_blank=True,
            default="",
            label=_("recipient in English"),
            help_text="For a recipient written out; company names read the same in both languages.",
        )
        recipient_companies = serializers.SlugRelatedField(
            slug_field="slug",
            queryset=Company.objects.all(),
            many=True,
            required=False,
            label=_("recipient companies"),
            help_text="Slugs of the pilot's companies that may read the data; all of them if left out.",
        )
        retention_days = serializers.IntegerField(min_value=1, max_value=3650, label=_("kept for (days)"))
        consent_text = serializers.CharField(
            max_length=CONSENT_TEXT_MAX_LENGTH,
            required=False,
            default="",
            label=_("consent text"),
            help_text="Written from the other fields if left out.",
        )
        consent_text_en = serializers.CharField(
            max_length=CONSENT_TEXT_MAX_LENGTH,
            required=False,
            allow_blank=True,
            default="",
            label=_("consent text in English"),
            help_text="Written from the other fields if left out, unless consent_text is given: a "
            "Korean text of staff's own is then shown to readers of English, said to be Korean only.",
        )

    @extend_schema(responses={200: DataRequestOutputSerializer(many=True)}, tags=["donations"])
    def get(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        data_requests = selectors.data_request_list(pilot=pilot, user=request.user)
        return Response(DataRequestOutputSerializer(data_requests, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: DataRequestOutputSerializer}, tags=["donations"])
    def post(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data_request = services.data_request_add(pilot=pilot, by=request.user, **serializer.validated_data)
        return _data_request_response(request, pilot, data_request.pk, status.HTTP_201_CREATED)


class PilotDataRequestDetailApi(APIView):
    """GET: one data request, current or replaced (anyone who can see the pilot). PATCH: change
    it (staff). Until anyone has consented it is changed as it is; once anyone has, the change
    is a new request that replaces it, answered here with its new id: the volunteers who
    consented must consent again, and the old request keeps its consents and the text agreed to
    but takes no new consent nor donation. A consent text or recipient left out is written again
    from the changed request."""

    permission_classes = [RunsPilotsOrReadOnly]

    def _data_request(self, request, pilot_id: int, request_id: int) -> PilotDataRequest:
        pilot = visible_pilot(request, pilot_id)
        return get_object_or_404(selectors.data_request_list(pilot=pilot, user=request.user), pk=request_id)

    @extend_schema(responses={200: DataRequestOutputSerializer}, tags=["donations"])
    def get(self, request, pilot_id: int, request_id: int):
        data_request = self._data_request(request, pilot_id, request_id)
        return Response(DataRequestOutputSerializer(data_request).data)

    @extend_schema(
        request=PilotDataRequestsApi.InputSerializer(partial=True),
        responses={200: DataRequestOutputSerializer},
        tags=["donations"],
    )
    def patch(self, request, pilot_id: int, request_id: int):
        data_request = self._data_request(request, pilot_id, request_id)
        serializer = PilotDataRequestsApi.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changed = services.data_request_change(
            data_request=data_request, by=request.user, **serializer.validated_data
        )
        return _data_request_response(request, changed.pilot, changed.pk)


# --- Volunteering and consent ---------------------------------------------------------------


KEEP_DONATIONS_PARAMETER = OpenApiParameter(
    "keep_donations",
    bool,
    description="Keep what was already donated, where only the donor sees it, until its retention ends, "
    "instead of deleting it now. No company can read it either way.",
)


def _keeps_donations(request) -> bool:
    value = request.query_params.get("keep_donations", "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise ApplicationError(
            _("keep_donations must be true or false."),
            fields={"keep_donations": [_("Must be true or false.")]},
        )
    return value in ("true", "1")


class MyVolunteeringSerializer(serializers.ModelSerializer):
    consents = ConsentOutputSerializer(many=True)
    is_active = serializers.BooleanField()

    class Meta:
        model = PilotVolunteer
        fields = ["pilot", "share_identity", "joined_at", "left_at", "is_active", "consents"]


def _my_volunteering(pilot: Pilot, user, *, active: bool = True) -> PilotVolunteer:
    try:
        return pilot_volunteer_get(pilot=pilot, user=user, active=active)
    except PilotVolunteer.DoesNotExist:
        raise not_found(_("You do not take part in this pilot.")) from None


def _volunteering_response(pilot: Pilot, user, status_code=status.HTTP_200_OK) -> Response:
    volunteer = _my_volunteering(pilot, user, active=False)
    return Response(MyVolunteeringSerializer(volunteer).data, status=status_code)


class PilotVolunteerApi(APIView):
    """My part in a pilot: GET it with my consents, POST to volunteer (while the pilot
    recruits), PATCH whether the companies may know who I am, DELETE to leave, which withdraws
    my consents (and deletes my donations unless `keep_donations=true`)."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        share_identity = serializers.BooleanField(
            default=False, label=_("share my name and email with the pilot's companies")
        )

    class ChangeSerializer(serializers.Serializer):
        share_identity = serializers.BooleanField(
            label=_("share my name and email with the pilot's companies")
        )

    @extend_schema(responses={200: MyVolunteeringSerializer}, tags=["pilots"])
    def get(self, request, pilot_id: int):
        return _volunteering_response(visible_pilot(request, pilot_id), request.user)

    @extend_schema(request=InputSerializer, responses={201: MyVolunteeringSerializer}, tags=["pilots"])
    def post(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pilot_services.pilot_volunteer_join(pilot=pilot, user=request.user, **serializer.validated_data)
        return _volunteering_response(pilot, request.user, status.HTTP_201_CREATED)

    @extend_schema(request=ChangeSerializer, responses={200: MyVolunteeringSerializer}, tags=["pilots"])
    def patch(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        volunteer = _my_volunteering(pilot, request.user)
        serializer = self.ChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pilot_services.pilot_volunteer_change(volunteer=volunteer, **serializer.validated_data)
        return _volunteering_response(pilot, request.user)

    @extend_schema(
        request=None,
        parameters=[KEEP_DONATIONS_PARAMETER],
        responses={200: MyVolunteeringSerializer},
        tags=["pilots"],
    )
    def delete(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        services.volunteer_leave(
            volunteer=_my_volunteering(pilot, request.user), keep_donations=_keeps_donations(request)
        )
        return _volunteering_response(pilot, request.user)


class PilotConsentApi(APIView):
    """POST to consent to donate one category of data (a volunteer, explicitly), DELETE to
    withdraw, which stops every read at once and deletes what was donated in that category unless
    `keep_donations=true` keeps it, where only the donor sees it, until its retention ends. Every consent
    is kept with the exact text agreed to; a withdrawal is recorded."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        agree = serializers.BooleanField(
            label=_("I agree"), help_text="Must be true: consent is never implied."
        )

        def validate_agree(self, value: bool) -> bool:
            if not value:
                raise serializers.ValidationError(_("Consent must be given explicitly."))
            return value

    def _resolve(self, request, pilot_id: int, request_id: int) -> tuple[PilotVolunteer, PilotDataRequest]:
        pilot = visible_pilot(request, pilot_id)
        data_request = get_object_or_404(PilotDataRequest, pilot=pilot, pk=request_id)
        return _my_volunteering(pilot, request.user), data_request

    @extend_schema(request=InputSerializer, responses={201: ConsentOutputSerializer}, tags=["pilots"])
    def post(self, request, pilot_id: int, request_id: int):
        volunteer, data_request = self._resolve(request, pilot_id, request_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.consent_give(volunteer=volunteer, data_request=data_request)
        return Response(ConsentOutputSerializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        parameters=[KEEP_DONATIONS_PARAMETER],
        responses={200: ConsentOutputSerializer},
        tags=["pilots"],
    )
    def delete(self, request, pilot_id: int, request_id: int):
        volunteer, data_request = self._resolve(request, pilot_id, request_id)
        consent = services.consent_withdraw(
            volunteer=volunteer, data_request=data_request, keep_donations=_keeps_donations(request)
        )
        return Response(ConsentOutputSerializer(consent).data)


# --- Companies: reading donations and sending results ---------------------------------------


class ReadsDonationsMixin:
    """A view for the pilot's companies that receive its data; `?company=` names the one acted
    for by someone in several of them."""

    company_parameter = OpenApiParameter(
        "company",
        str,
        description="Slug of the company you act for; needed only if you are a member of several "
        "of the pilot's companies.",
    )

    def reader_company(self, request, pilot: Pilot) -> Company:
        slug = request.query_params.get("company", "")
        return selectors.data_reader_company(pilot=pilot, user=request.user, company_slug=slug)


class DonorSerializer(serializers.Serializer):
    donor_id = serializers.CharField(help_text="The donor's pseudonym in this pilot; never reused.")
    name = serializers.CharField(
        allow_null=True, help_text="Only if the donor chose to share their identity with the companies."
    )
    email = serializers.EmailField(
        allow_null=True, help_text="Only if the donor chose to share their identity with the companies."
    )
    language = serializers.CharField(help_text="The language the donor reads the site in (ko or en).")

    def to_representation(self, volunteer: PilotVolunteer) -> dict:
        user = volunteer.user
        return {
            "donor_id": volunteer.donor_id,
            "name": str(user) if volunteer.share_identity else None,
            "email": user.email if volunteer.share_identity else None,
            "language": user.preferred_language,
        }


class DonatedReadingsApi(ReadsDonationsMixin, PaginatedApiMixin, APIView):
    """Donated readings a company of the pilot receives, oldest first, values decrypted: only
    under a consent still given and within retention. Poll with `?since_id=` the last id seen.
    Every read is recorded (who, when, how many rows of which donor) and shown to the donors."""

    permission_classes = [IsAuthenticated]

    class FilterSerializer(serializers.Serializer):
        category = serializers.SlugField(max_length=40, required=False, label=_("category"))
        since_id = serializers.IntegerField(
            min_value=0, max_value=MAX_ROW_ID, required=False, label=_("after reading id")
        )
        donor = serializers.CharField(max_length=16, required=False, label=_("donor id"))
        company = serializers.SlugField(max_length=50, required=False, label=_("company"))

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        donation = serializers.IntegerField(source="donation_id")
        donor = DonorSerializer(source="volunteer")
        category = serializers.CharField(source="data_request.category_code")
        measured_at = serializers.DateTimeField()
        donated_at = serializers.DateTimeField(source="donation.created_at")
        values = serializers.DictField(child=serializers.FloatField())

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: OutputSerializer(many=True)},
        tags=["donations"],
    )
    def get(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        filters = self.FilterSerializer(data={k: v for k, v in request.query_params.items() if v})
        filters.is_valid(raise_exception=True)
        query = filters.validated_data
        company = self.reader_company(request, pilot)
        data_requests = selectors.data_requests_to_read(
            pilot=pilot, company=company, category=query.get("category", "")
        )
        readings = selectors.readings_readable(
            data_requests=data_requests, since_id=query.get("since_id"), donor_id=query.get("donor", "")
        )
        paginator = self.pagination_class()
        # The rows and their record are one transaction: no read leaves unrecorded.
        with transaction.atomic():
            page = paginator.paginate_queryset(readings, request, view=self) or []
            data = self.OutputSerializer(page, many=True).data
            services.data_read_record(
                pilot=pilot,
                company=company,
                user=request.user,
                readings=page,
                query={
                    **{key: value for key, value in query.items() if key != "company"},
                    "page": paginator.page.number,
                    "page_size": paginator.get_page_size(request),
                },
            )
        return paginator.get_paginated_response(data)


class DonationCategorySerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="shown_category_label")
    consents_count = serializers.IntegerField()

    class Meta:
        model = PilotDataRequest
        fields = ["id", "category_code", "category_label", "consents_count"]


class IdentifiedVolunteerSerializer(serializers.Serializer):
    name = serializers.CharField(source="user.__str__")
    email = serializers.EmailField(source="user.email")
    categories = serializers.SerializerMethodField()

    def get_categories(self, volunteer) -> list[str]:
        return [consent.data_request.category_code for consent in volunteer.active_consents]


class PilotDonationsApi(APIView):
    """What the pilot's companies may know of the data donated: how many volunteers consented
    to each category, and the identity only of volunteers who chose to share it and still
    consent to a category the asking company receives (the pilot's company members; staff see
    every volunteer known to some company). A company's read of the names and emails is
    recorded, as a read of readings is, and shown to the volunteers named."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        volunteers_count = serializers.IntegerField()
        categories = DonationCategorySerializer(many=True)
        identified_volunteers = IdentifiedVolunteerSerializer(many=True)

    @extend_schema(
        parameters=[ReadsDonationsMixin.company_parameter],
        responses={200: OutputSerializer},
        tags=["pilots"],
    )
    def get(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        if not pilot.can_see_donations_by(request.user):
            raise forbidden(_("Only the pilot's companies and city staff can see its data donations."))
        summary = pilot_donation_summary(
            pilot=pilot, user=request.user, company_slug=request.query_params.get("company", "")
        )
        # The names and their record are one transaction: no name leaves unrecorded. Staff
        # asking as staff read no donated data (they cannot read readings either) and are not
        # recorded; they see every volunteer on the pilot's volunteer list anyway.
        with transaction.atomic():
            data = self.OutputSerializer(summary).data
            if summary.company is not None:
                services.identity_read_record(
                    pilot=pilot,
                    company=summary.company,
                    user=request.user,
                    # Evaluated by the serializer: the record names exactly the volunteers sent.
                    volunteers=summary.identified_volunteers,
                    query={},
                )
        return Response(data)


class DonationResultOutputSerializer(serializers.ModelSerializer):
    donor = serializers.CharField(source="volunteer.donor_id")

    class Meta:
        model = DonationResult
        fields = ["id", "donor", "donation", "text", "value", "unit", "level", "created_at"]


class DonationResultsApi(ReadsDonationsMixin, PaginatedApiMixin, APIView):
    """POST a result to a donor (a company of the pilot that receives their data, while they
    consent): a short text, optionally about one donation, with a value and a level. The donor
    is notified and sees it on My page and at the station. GET lists the results the company
    sent, newest first."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        donor = serializers.CharField(max_length=16, label=_("donor id"))
        donation = serializers.IntegerField(
            min_value=1, max_value=MAX_ROW_ID, required=False, allow_null=True, label=_("donation")
        )
        text = serializers.CharField(max_length=RESULT_TEXT_MAX_LENGTH, label=_("result"))
        value = serializers.DecimalField(
            max_digits=12, decimal_places=3, required=False, allow_null=True, label=_("value")
        )
        unit = serializers.CharField(
            max_length=20, required=False, allow_blank=True, default="", label=_("unit")
        )
        level = serializers.ChoiceField(
            choices=ResultLevel.choices, required=False, allow_blank=True, default="", label=_("level")
        )

    @extend_schema(
        parameters=[ReadsDonationsMixin.company_parameter],
        responses={200: DonationResultOutputSerializer(many=True)},
        tags=["donations"],
    )
    def get(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        company = self.reader_company(request, pilot)
        # Refuses a company of the pilot that receives none of its data, as a read would.
        selectors.data_requests_to_read(pilot=pilot, company=company)
        return self.paginated_response(
            request,
            selectors.donation_result_list(pilot=pilot, company=company),
            lambda page: DonationResultOutputSerializer(page, many=True).data,
        )

    @extend_schema(
        request=InputSerializer,
        parameters=[ReadsDonationsMixin.company_parameter],
        responses={201: DonationResultOutputSerializer},
        tags=["donations"],
    )
    def post(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        company = self.reader_company(request, pilot)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = services.donation_result_post(
            pilot=pilot,
            company=company,
            by=request.user,
            donor_id=data["donor"],
            donation_id=data.get("donation"),
            text=data["text"],
            value=data.get("value"),
            unit=data["unit"],
            level=data["level"],
        )
        return Response(DonationResultOutputSerializer(result).data, status=status.HTTP_201_CREATED)


# --- A donor's own data: the consent receipt ------------------------------------------------


class ReceiptPurposeSerializer(serializers.Serializer):
    purpose = serializers.CharField()
    consentType = serializers.CharField(help_text="Always EXPLICIT: consent is never implied.")
    piiCategory = serializers.ListField(child=serializers.CharField(), help_text="What one reading holds.")
    primaryPurpose = serializers.BooleanField()
    termination = serializers.CharField(help_text="The retention, as an ISO 8601 duration such as P30D.")
    thirdPartyDisclosure = serializers.BooleanField()
    thirdPartyName = serializers.CharField()


class ReceiptRecipientSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class ReceiptConsentSerializer(serializers.Serializer):
    consent_id = serializers.IntegerField()
    consent_text = serializers.CharField(help_text="Exactly the text agreed to.")
    language = serializers.CharField(help_text="The language of the text agreed to.")
    given_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    keeps_donations = serializers.BooleanField()
    is_active = serializers.BooleanField()


class ReceiptEventSerializer(serializers.Serializer):
    event = serializers.ChoiceField(choices=["granted", "withdrawn", "deleted"])
    at = serializers.DateTimeField()
    consent_id = serializers.IntegerField(required=False)
    keeps_donations = serializers.BooleanField(required=False)
    reason = serializers.CharField(required=False)
    donations = serializers.IntegerField(required=False)
    readings = serializers.IntegerField(required=False)


class ReceiptDeletionSerializer(serializers.Serializer):
    deleted_at = serializers.DateTimeField()
    reason = serializers.CharField()
    donations = serializers.IntegerField()
    readings = serializers.IntegerField()


class ReceiptServiceSerializer(serializers.Serializer):
    service = serializers.CharField(help_text="The data category.")
    category_code = serializers.CharField()
    data_request_id = serializers.IntegerField()
    replaced = serializers.BooleanField()
    purposes = ReceiptPurposeSerializer(many=True)
    recipients = ReceiptRecipientSerializer(many=True)
    retention_days = serializers.IntegerField()
    consent_text = serializers.CharField(help_text="Exactly the text last agreed to.")
    consents = ReceiptConsentSerializer(many=True)
    events = ReceiptEventSerializer(many=True)
    deletions = ReceiptDeletionSerializer(many=True)


class ReceiptPrincipalSerializer(serializers.Serializer):
    donor_id = serializers.CharField()
    username = serializers.CharField()
    email = serializers.CharField()
    share_identity = serializers.BooleanField()
    joined_at = serializers.DateTimeField()
    left_at = serializers.DateTimeField(allow_null=True)


class ReceiptControllerSerializer(serializers.Serializer):
    piiController = serializers.CharField()
    email = serializers.CharField()
    url = serializers.CharField()


class ReceiptPilotSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    title_en = serializers.CharField(allow_blank=True, help_text="Empty where staff gave no English.")
    url = serializers.CharField()


class MyConsentReceiptApi(APIView):
    """My consent receipt for one pilot, in the spirit of the Kantara Initiative's consent
    receipt (v1.1): who I am to the pilot, the controller, and per data category the purpose,
    recipients, retention, the exact text I agreed to, and every grant, withdrawal and deletion.
    Only for the volunteer themselves."""

    permission_classes = [IsAuthenticated]
    # A download, not a page: the browsable API would wrap it in HTML.
    renderer_classes = [JSONRenderer]

    class OutputSerializer(serializers.Serializer):
        version = serializers.CharField()
        jurisdiction = serializers.CharField()
        consentTimestamp = serializers.DateTimeField(allow_null=True, help_text="When I first consented.")
        collectionMethod = serializers.CharField()
        consentReceiptID = serializers.UUIDField()
        timestamp = serializers.DateTimeField(help_text="When this receipt was issued.")
        language = serializers.CharField()
        piiPrincipalId = serializers.CharField(help_text="My pseudonymous donor id in this pilot.")
        principal = ReceiptPrincipalSerializer()
        piiControllers = ReceiptControllerSerializer(many=True)
        policyUrl = serializers.CharField()
        pilot = ReceiptPilotSerializer()
        services = ReceiptServiceSerializer(many=True)

    @extend_schema(responses={200: OutputSerializer}, tags=["donations"])
    def get(self, request, pilot_id: int):
        try:
            volunteer = selectors.my_volunteering_get(user=request.user, pilot_id=pilot_id)
        except PilotVolunteer.DoesNotExist:
            raise not_found(_("You do not take part in this pilot.")) from None
        receipt = selectors.consent_receipt(volunteer=volunteer)
        return Response(
            self.OutputSerializer(receipt).data,
            headers={
                "Content-Disposition": f'attachment; filename="consent-receipt-pilot-{pilot_id}.json"',
                "Cache-Control": "no-store",
            },
        )


# --- Donation points: the station API -------------------------------------------------------


class StationApiMixin:
    """Called by a donation station with its key, never by a person's token or session."""

    authentication_classes = [StationAuthentication]
    permission_classes = [IsStation]
    throttle_classes = [StationRateThrottle]


# The station's screen speaks the language it asks in (Accept-Language); a name staff wrote in
# Korean only comes in Korean, and its `_language` says so, for the screen to tell the donor.


class CategorySerializer(serializers.Serializer):
    code = serializers.CharField(source="category_code")
    label = serializers.CharField(source="shown_category_label")
    label_language = language_of("shown_category_label")


class StationDataRequestSerializer(CategorySerializer):
    fields = DataFieldOutputSerializer(many=True)


class ReadingValueSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    label_language = serializers.CharField(help_text=LANGUAGE_HELP)
    unit = serializers.CharField()
    value = serializers.FloatField()


class StationReadingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    donation_id = serializers.IntegerField()
    category = serializers.CharField(source="data_request.category_code")
    category_label = serializers.CharField(source="data_request.shown_category_label")
    category_label_language = language_of("data_request.shown_category_label")
    measured_at = serializers.DateTimeField()
    values = serializers.SerializerMethodField()

    @extend_schema_field(ReadingValueSerializer(many=True))
    def get_values(self, reading: Reading) -> list[dict]:
        values = reading.values
        return [
            {
                "code": field.code,
                "label": field.shown_label.text,
                "label_language": field.shown_label.language,
                "unit": field.shown_unit,
                "value": values[field.code],
            }
            for field in parse_fields(reading.data_request.fields)
            if field.code in values
        ]


class StationResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    donation_id = serializers.IntegerField()
    company = serializers.CharField(source="company.name")
    text = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    value_stated = serializers.BooleanField(
        source="states_value", help_text="Whether the text already gives the value (then not shown again)."
    )
    unit = serializers.CharField()
    level = serializers.ChoiceField(choices=ResultLevel.choices, allow_blank=True)
    level_label = serializers.CharField(source="get_level_display", help_text="The level in words.")
    created_at = serializers.DateTimeField()


@extend_schema_field({"type": "object", "additionalProperties": {"type": "number"}})
class ReadingValuesField(serializers.DictField):
    """Field code to number; the numbers are checked against the data request's ranges."""


class MeasuredAtField(serializers.DateTimeField):
    """When a reading was measured, refused before it is moved to the server's time zone, which
    a date near year 1 or an offset beyond ±14:00 would overflow or the database would refuse.
    A date the move overflows otherwise lies near year 9999; one merely later than now is left to
    donation_store, which refuses it by its reading's number."""

    default_error_messages = {"overflow": MEASURED_IN_FUTURE}

    def enforce_timezone(self, value):
        if error := measured_at_error(value):
            raise serializers.ValidationError(error, code="invalid")
        return super().enforce_timezone(value)


def _categories(visit: StationVisit) -> list[PilotDataRequest]:
    return list(selectors.donor_consented_requests(volunteer=visit.volunteer))


def _station_visit(station: Station, visit_id: int) -> StationVisit:
    visit = selectors.station_visit_get(station=station, visit_id=visit_id)
    if visit is None:
        raise not_found(_("This station has no such visit."))
    return visit


def _visit_screen(visit: StationVisit) -> dict:
    is_open = visit.is_open
    return {
        "id": visit.pk,
        "is_open": is_open,
        "started_at": visit.started_at,
        "closes_at": visit.closes_at,
        "categories": _categories(visit) if is_open else [],
        "readings": selectors.visit_readings(visit=visit) if is_open else [],
        "results": selectors.visit_results(visit=visit) if is_open else [],
    }


class StationApi(StationApiMixin, APIView):
    """The calling station: its place, its pilot, and the data it may take now, field by field
    with units and valid ranges."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        name = serializers.CharField(source="shown_name", help_text="The place, in the screen's language.")
        name_language = language_of("shown_name")
        pilot_id = serializers.IntegerField()
        pilot_title = serializers.CharField(source="pilot.shown_title")
        pilot_title_language = language_of("pilot.shown_title")
        is_collecting = serializers.BooleanField(help_text="Whether the pilot takes donations now.")
        is_recruiting = serializers.BooleanField(
            help_text=(
                "Whether the pilot takes new volunteers now; if not, the station serves its volunteers only."
            )
        )
        pilot_url = serializers.CharField(help_text="The full address of the pilot's page.")
        pilot_url_qr = serializers.CharField(
            allow_null=True,
            help_text="While the pilot recruits, its page's address as a QR code (SVG data: URI); else null.",
        )
        data_requests = StationDataRequestSerializer(many=True)

    @extend_schema(responses={200: OutputSerializer}, tags=["stations"])
    def get(self, request):
        station: Station = request.auth
        pilot = station.pilot
        # The site's own address, not the one the tablet asked at: a passer-by's phone opens it.
        pilot_url = settings.SITE_URL.rstrip("/") + pilot.get_absolute_url()
        return Response(
            self.OutputSerializer(
                {
                    "id": station.pk,
                    "shown_name": station.shown_name,
                    "pilot_id": station.pilot_id,
                    "pilot": pilot,
                    "is_collecting": pilot.is_collecting,
                    "is_recruiting": pilot.is_recruiting,
                    "pilot_url": pilot_url,
                    "pilot_url_qr": qr_svg_data_uri(pilot_url) if pilot.is_recruiting else None,
                    "data_requests": selectors.station_data_requests(station=station),
                }
            ).data
        )


class StationVisitsApi(StationApiMixin, PaginatedApiMixin, APIView):
    """GET the station's visits (`open=true`: the one taking readings now, for the measuring
    device); POST a donor's one-time code to open a visit. The code works once; opening a visit
    closes the station's previous one. The answer names the donor only by their pseudonymous
    donor id, with the categories they consented to."""

    class FilterSerializer(serializers.Serializer):
        open = serializers.BooleanField(
            required=False, default=False, help_text="Only the visit taking readings now."
        )

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=20, label=_("donor code"))

    class ListOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        started_at = serializers.DateTimeField()
        closes_at = serializers.DateTimeField()
        is_open = serializers.BooleanField()
        readings_count = serializers.IntegerField()
        categories = serializers.SerializerMethodField()

        @extend_schema_field(serializers.ListField(child=serializers.CharField()))
        def get_categories(self, visit: StationVisit) -> list[str]:
            consents = visit.volunteer.active_consents  # type: ignore[attr-defined]
            return sorted({consent.data_request.category_code for consent in consents})

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        donor_id = serializers.CharField(source="volunteer.donor_id")
        started_at = serializers.DateTimeField()
        closes_at = serializers.DateTimeField()
        categories = serializers.SerializerMethodField(
            help_text="The categories the donor has an active consent for."
        )

        @extend_schema_field(CategorySerializer(many=True))
        def get_categories(self, visit: StationVisit) -> list[dict]:
            return CategorySerializer(_categories(visit), many=True).data

    @extend_schema(
        parameters=[FilterSerializer], responses={200: ListOutputSerializer(many=True)}, tags=["stations"]
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        visits = selectors.station_visits(station=request.auth, open_only=filters.validated_data["open"])
        return self.paginated_response(
            request, visits, lambda page: self.ListOutputSerializer(page, many=True).data
        )

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, tags=["stations"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visit = services.station_visit_open(station=request.auth, code=serializer.validated_data["code"])
        return Response(self.OutputSerializer(visit).data, status=status.HTTP_201_CREATED)


class StationVisitDetailApi(StationApiMixin, APIView):
    """What the station's screen shows the donor standing there: the readings taken in the visit
    and the results the pilot's companies posted for them. Once the visit closed it shows none:
    the donor has left the screen."""

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        is_open = serializers.BooleanField()
        started_at = serializers.DateTimeField()
        closes_at = serializers.DateTimeField()
        categories = CategorySerializer(many=True)
        readings = StationReadingSerializer(many=True)
        results = StationResultSerializer(many=True)

    @extend_schema(responses={200: OutputSerializer}, tags=["stations"])
    def get(self, request, visit_id: int):
        return Response(self.OutputSerializer(_visit_screen(_station_visit(request.auth, visit_id))).data)


class StationVisitCloseApi(StationApiMixin, APIView):
    """The donor is done (the kiosk's "next person"): the visit takes no more readings."""

    @extend_schema(request=None, responses={200: StationVisitDetailApi.OutputSerializer}, tags=["stations"])
    def post(self, request, visit_id: int):
        visit = services.station_visit_close(
            station=request.auth, visit=_station_visit(request.auth, visit_id)
        )
        return Response(StationVisitDetailApi.OutputSerializer(_visit_screen(visit)).data)


class StationVisitReadingsApi(StationApiMixin, APIView):
    """A reading the station took of the visit's donor, stored as a donation of its own, only
    under the donor's active consent to the category and within the data request's ranges;
    anything else is refused with the reason and nothing is stored."""

    class InputSerializer(serializers.Serializer):
        category = serializers.CharField(max_length=40, label=_("category"))
        values = ReadingValuesField(label=_("values"), help_text='Field code to number, e.g. {"pulse": 68}.')
        measured_at = MeasuredAtField(
            required=False, allow_null=True, label=_("measured"), help_text="Defaults to now."
        )

    @extend_schema(request=InputSerializer, responses={201: StationReadingSerializer}, tags=["stations"])
    def post(self, request, visit_id: int):
        visit = _station_visit(request.auth, visit_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        donation = services.station_reading_add(
            station=request.auth, visit=visit, **serializer.validated_data
        )
        reading = donation.readings.select_related("data_request").get()
        return Response(StationReadingSerializer(reading).data, status=status.HTTP_201_CREATED)


# --- Staff: stations ------------------------------------------------------------------------


class PilotStationOutputSerializer(serializers.ModelSerializer):
    """The place as staff wrote it, in Korean and in English (empty where they gave none)."""

    is_active = serializers.BooleanField(help_text="False once revoked: its key no longer works.")

    class Meta:
        model = Station
        fields = ["id", "pilot", "name", "name_en", "created_at", "last_seen_at", "revoked_at", "is_active"]


class RegisteredPilotStationOutputSerializer(PilotStationOutputSerializer):
    key = serializers.CharField(
        help_text="The station's key, in this answer only: only its hash is kept, so it can never "
        "be shown again. A lost key means revoking the station and registering it again."
    )

    class Meta(PilotStationOutputSerializer.Meta):
        fields = [*PilotStationOutputSerializer.Meta.fields, "key"]


class PilotStationsApi(APIView):
    """The pilot's donation stations, such as a health-check kiosk in a park (staff): GET lists
    them, those still working first; POST registers one and answers its key, once."""

    permission_classes = [RunsPilots]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(
            max_length=STATION_NAME_MAX_LENGTH,
            label=_("place"),
            help_text="Where donors find it, e.g. Unchon reservoir park, gate 2.",
        )
        name_en = serializers.CharField(
            max_length=STATION_NAME_MAX_LENGTH,
            required=False,
            allow_blank=True,
            default="",
            label=_("place in English"),
            help_text="Optional; readers of English see the Korean place, marked so, without it.",
        )

    @extend_schema(responses={200: PilotStationOutputSerializer(many=True)}, tags=["donations"])
    def get(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        return Response(PilotStationOutputSerializer(selectors.station_list(pilot=pilot), many=True).data)

    @extend_schema(
        request=InputSerializer, responses={201: RegisteredPilotStationOutputSerializer}, tags=["donations"]
    )
    def post(self, request, pilot_id: int):
        pilot = visible_pilot(request, pilot_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registered = services.station_register(pilot=pilot, by=request.user, **serializer.validated_data)
        response = Response(
            {**PilotStationOutputSerializer(registered.station).data, "key": registered.key},
            status=status.HTTP_201_CREATED,
        )
        # The key must not outlive this answer in any cache along the way.
        add_never_cache_headers(response)
        return response


class PilotStationDetailApi(APIView):
    """PATCH: correct a station's place (staff), in Korean, in English or both; a field left out
    stays as it is. The key does not change, so the device keeps working. A revoked station's
    place can no longer be changed."""

    permission_classes = [RunsPilots]

    @extend_schema(
        request=PilotStationsApi.InputSerializer(partial=True),
        responses={200: PilotStationOutputSerializer},
        tags=["donations"],
    )
    def patch(self, request, pilot_id: int, station_id: int):
        pilot = visible_pilot(request, pilot_id)
        station = get_object_or_404(Station, pilot=pilot, pk=station_id)
        serializer = PilotStationsApi.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        place = {"name": station.name, "name_en": station.name_en, **serializer.validated_data}
        return Response(
            PilotStationOutputSerializer(
                services.station_rename(station=station, by=request.user, **place)
            ).data
        )


class PilotStationRevokeApi(APIView):
    """Revoke a station (staff): its key stops working at once and for good. Revoking a revoked
    station changes nothing."""

    permission_classes = [RunsPilots]

    @extend_schema(request=None, responses={200: PilotStationOutputSerializer}, tags=["donations"])
    def post(self, request, pilot_id: int, station_id: int):
        pilot = visible_pilot(request, pilot_id)
        station = get_object_or_404(Station, pilot=pilot, pk=station_id)
        return Response(
            PilotStationOutputSerializer(services.station_revoke(station=station, by=request.user)).data
        )
