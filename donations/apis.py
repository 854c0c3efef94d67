"""Data donation's API: data requests, volunteering and consent, stations, reads and results."""

from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from companies.models import Company
from core.errors import ApplicationError, not_found
from pilots import services as pilot_services
from pilots.apis import (
    ConsentOutputSerializer,
    DataRequestOutputSerializer,
    RunsPilots,
    RunsPilotsOrReadOnly,
)
from pilots.models import Pilot, PilotDataRequest, PilotVolunteer
from pilots.selectors import pilot_volunteer_get

from . import selectors, services
from .models import Station


def _visible_pilot(request, pilot_id: int) -> Pilot:
    return get_object_or_404(Pilot.objects.visible_to(request.user), pk=pilot_id)


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
    label = serializers.CharField(max_length=60, label=_("name"))
    unit = serializers.CharField(max_length=20, allow_blank=True, default="", label=_("unit"))
    min = serializers.FloatField(label=_("lowest valid value"))
    max = serializers.FloatField(label=_("highest valid value"))


class PilotDataRequestsApi(APIView):
    """GET: every data request of the pilot, the current ones first, then those replaced, kept
    with the consents given to them (anyone who can see the pilot). POST: ask the pilot's
    volunteers for one category of personal data (staff): what one reading holds (fields with
    units and valid ranges), why, for which of the pilot's companies, and for how long. The
    consent text volunteers agree to is written from these unless given, and is then kept as it
    is."""

    permission_classes = [RunsPilotsOrReadOnly]

    class InputSerializer(serializers.Serializer):
        category_code = serializers.SlugField(
            max_length=40, label=_("category code"), help_text="Short code, e.g. blood_pressure."
        )
        category_label = serializers.CharField(max_length=100, label=_("category"))
        fields = DataFieldSerializer(many=True, required=False, label=_("fields"))
        purpose = serializers.CharField(max_length=1000, label=_("purpose"))
        recipient = serializers.CharField(
            max_length=200,
            required=False,
            default="",
            label=_("recipient"),
            help_text="Defaults to the names of the recipient companies.",
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
            max_length=3000,
            required=False,
            default="",
            label=_("consent text"),
            help_text="Written from the other fields if left out.",
        )

    @extend_schema(responses={200: DataRequestOutputSerializer(many=True)}, tags=["donations"])
    def get(self, request, pilot_id: int):
        pilot = _visible_pilot(request, pilot_id)
        return Response(DataRequestOutputSerializer(selectors.data_request_list(pilot=pilot), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: DataRequestOutputSerializer}, tags=["donations"])
    def post(self, request, pilot_id: int):
        pilot = _visible_pilot(request, pilot_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data_request = services.data_request_add(pilot=pilot, by=request.user, **serializer.validated_data)
        return Response(DataRequestOutputSerializer(data_request).data, status=status.HTTP_201_CREATED)


class PilotDataRequestDetailApi(APIView):
    """GET: one data request, current or replaced (anyone who can see the pilot). PATCH: change
    it (staff). Until anyone has consented it is changed as it is; once anyone has, the change
    is a new request that replaces it, answered here with its new id: the volunteers who
    consented must consent again, and the old request keeps its consents and the text agreed to
    but takes no new consent nor donation. A consent text or recipient left out is written again
    from the changed request."""

    permission_classes = [RunsPilotsOrReadOnly]

    def _data_request(self, request, pilot_id: int, request_id: int) -> PilotDataRequest:
        pilot = _visible_pilot(request, pilot_id)
        return get_object_or_404(selectors.data_request_list(pilot=pilot), pk=request_id)

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
        return Response(DataRequestOutputSerializer(changed).data)


# --- Volunteering and consent ---------------------------------------------------------------


KEEP_DONATIONS_PARAMETER = OpenApiParameter(
    "keep_donations",
    bool,
    description="Keep what was already donated for the stated purpose until its retention ends, "
    "instead of deleting it now. No one can read it either way.",
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
        return _volunteering_response(_visible_pilot(request, pilot_id), request.user)

    @extend_schema(request=InputSerializer, responses={201: MyVolunteeringSerializer}, tags=["pilots"])
    def post(self, request, pilot_id: int):
        pilot = _visible_pilot(request, pilot_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        pilot_services.pilot_volunteer_join(pilot=pilot, user=request.user, **serializer.validated_data)
        return _volunteering_response(pilot, request.user, status.HTTP_201_CREATED)

    @extend_schema(request=ChangeSerializer, responses={200: MyVolunteeringSerializer}, tags=["pilots"])
    def patch(self, request, pilot_id: int):
        pilot = _visible_pilot(request, pilot_id)
        serializer = self.ChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        volunteer = _my_volunteering(pilot, request.user)
        pilot_services.pilot_volunteer_change(volunteer=volunteer, **serializer.validated_data)
        return _volunteering_response(pilot, request.user)

    @extend_schema(
        request=None,
        parameters=[KEEP_DONATIONS_PARAMETER],
        responses={200: MyVolunteeringSerializer},
        tags=["pilots"],
    )
    def delete(self, request, pilot_id: int):
        pilot = _visible_pilot(request, pilot_id)
        services.volunteer_leave(
            volunteer=_my_volunteering(pilot, request.user), keep_donations=_keeps_donations(request)
        )
        return _volunteering_response(pilot, request.user)


class PilotConsentApi(APIView):
    """POST to consent to donate one category of data (a volunteer, explicitly), DELETE to
    withdraw, which stops every read at once and deletes what was donated in that category unless
    `keep_donations=true` keeps it for the stated purpose until its retention ends. Every consent
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
        pilot = _visible_pilot(request, pilot_id)
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


# --- Staff: stations ------------------------------------------------------------------------


class StationOutputSerializer(serializers.ModelSerializer):
    is_active = serializers.BooleanField(help_text="False once revoked: its key no longer works.")

    class Meta:
        model = Station
        fields = ["id", "pilot", "name", "created_at", "last_seen_at", "revoked_at", "is_active"]


class RegisteredStationOutputSerializer(StationOutputSerializer):
    key = serializers.CharField(
        help_text="The station's key, in this answer only: only its hash is kept, so it can never "
        "be shown again. A lost key means revoking the station and registering it again."
    )

    class Meta(StationOutputSerializer.Meta):
        fields = [*StationOutputSerializer.Meta.fields, "key"]


class PilotStationsApi(APIView):
    """The pilot's donation stations, such as a health-check kiosk in a park (staff): GET lists
    them, those still working first; POST registers one and answers its key, once."""

    permission_classes = [RunsPilots]

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(
            max_length=150,
            label=_("place"),
            help_text="Where donors find it, e.g. Unchon reservoir park, gate 2.",
        )

    @extend_schema(responses={200: StationOutputSerializer(many=True)}, tags=["donations"])
    def get(self, request, pilot_id: int):
        pilot = _visible_pilot(request, pilot_id)
        return Response(StationOutputSerializer(selectors.station_list(pilot=pilot), many=True).data)

    @extend_schema(
        request=InputSerializer, responses={201: RegisteredStationOutputSerializer}, tags=["donations"]
    )
    def post(self, request, pilot_id: int):
        pilot = _visible_pilot(request, pilot_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        registered = services.station_register(pilot=pilot, by=request.user, **serializer.validated_data)
        response = Response(
            {**StationOutputSerializer(registered.station).data, "key": registered.key},
            status=status.HTTP_201_CREATED,
        )
        # The key must not outlive this answer in any cache along the way.
        add_never_cache_headers(response)
        return response


class PilotStationRevokeApi(APIView):
    """Revoke a station (staff): its key stops working at once and for good. Revoking a revoked
    station changes nothing."""

    permission_classes = [RunsPilots]

    @extend_schema(request=None, responses={200: StationOutputSerializer}, tags=["donations"])
    def post(self, request, pilot_id: int, station_id: int):
        pilot = _visible_pilot(request, pilot_id)
        station = get_object_or_404(Station, pilot=pilot, pk=station_id)
        return Response(
            StationOutputSerializer(services.station_revoke(station=station, by=request.user)).data
        )
