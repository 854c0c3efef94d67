from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Language
from core.errors import forbidden
from core.pagination import PaginatedApiMixin, SearchedPagination
from core.throttling import FailOpenScopedRateThrottle

from . import selectors, services
from .filters import CompanyFilter
from .models import Company, CompanyInvitation, CompanyReference, MemberRole, Membership


class CompanyBriefSerializer(serializers.ModelSerializer):
    """A company as other apps' responses name it."""

    class Meta:
        model = Company
        fields = ["id", "slug", "name", "summary"]


class ReferenceOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = CompanyReference
        fields = ["id", "title", "year", "description"]


class CompanyOutputSerializer(serializers.ModelSerializer):
    references = ReferenceOutputSerializer(many=True)
    can_edit = serializers.SerializerMethodField()

    class Meta:
        model = Company
        fields = [
            "id",
            "slug",
            "name",
            "summary",
            "description",
            "website",
            "technologies",
            "domains",
            "languages",
            "references",
            "is_verified",
            "can_edit",
            "created_at",
            "updated_at",
        ]

    def get_can_edit(self, company) -> bool:
        return company.pk in self.context.get("editable_company_ids", set())


def _editable_company_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(user.memberships.values_list("company_id", flat=True))


def _serialize(request, company_or_page, **kwargs):
    context = {"request": request, "editable_company_ids": _editable_company_ids(request.user)}
    return CompanyOutputSerializer(company_or_page, context=context, **kwargs).data


def _tags(label):
    return serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=30, required=False, label=label
    )


class CompanyInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, label=_("name"))
    summary = serializers.CharField(max_length=300, label=_("summary"))
    description = serializers.CharField(
        max_length=8000, required=False, allow_blank=True, label=_("description")
    )
    website = serializers.URLField(required=False, allow_blank=True, label=_("website"))
    technologies = _tags(_("technologies"))
    domains = _tags(_("domains"))
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=Language.choices),
        required=False,
        label=_("languages"),
    )


def _get_visible_company(request, slug: str) -> Company:
    return selectors.company_get(slug=slug, user=request.user)


class CompanyListCreateApi(PaginatedApiMixin, APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = SearchedPagination

    class InputSerializer(CompanyInputSerializer):
        slug = serializers.SlugField(max_length=70, required=False, allow_blank=True, label=_("slug"))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                str,
                description="Text search: companies whose name, summary or description contain every "
                "word first, then verified companies whose profile is close in meaning in any language "
                "(when the matcher answers; see `search` in the response).",
            ),
            OpenApiParameter("technology", str),
            OpenApiParameter("domain", str),
            OpenApiParameter("verified", bool),
            OpenApiParameter("mine", bool),
        ],
        responses={200: CompanyOutputSerializer(many=True)},
        tags=["companies"],
    )
    def get(self, request):
        filterset = CompanyFilter(
            request.query_params, queryset=selectors.company_list(user=request.user), request=request
        )
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        response = self.paginated_response(
            request, filterset.qs, lambda page: _serialize(request, page, many=True)
        )
        if filterset.search is not None:
            response.data["search"] = filterset.search.described()
        return response

    throttle_scope = "registrations"

    def get_throttles(self) -> list:
        # Registering has a budget of its own (each company waits for staff); listing has none.
        if self.request.method == "POST":
            return [*super().get_throttles(), FailOpenScopedRateThrottle()]
        return super().get_throttles()

    @extend_schema(request=InputSerializer, responses={201: CompanyOutputSerializer}, tags=["companies"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        company = services.company_create(owner=request.user, **serializer.validated_data)
        company = selectors.company_get(slug=company.slug, user=request.user)
        return Response(_serialize(request, company), status=status.HTTP_201_CREATED)


class CompanyDetailApi(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]

    class InputSerializer(CompanyInputSerializer):
        slug = serializers.SlugField(
            max_length=70,
            required=False,
            allow_blank=True,
            label=_("slug"),
            help_text=_(
                "The page's address: its owners may change it until the city verifies the company "
                "(403 for another member, 409 once verified); empty, it is made from the name. The "
                "old address then answers 404."
            ),
        )

    @extend_schema(responses={200: CompanyOutputSerializer}, tags=["companies"])
    def get(self, request, slug: str):
        return Response(_serialize(request, _get_visible_company(request, slug)))

    @extend_schema(request=InputSerializer, responses={200: CompanyOutputSerializer}, tags=["companies"])
    def patch(self, request, slug: str):
        company = _get_visible_company(request, slug)
        services.require_profile_editor(company, request.user)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.company_update(company=company, user=request.user, **serializer.validated_data)
        # Under its new address when the update changed it.
        return Response(_serialize(request, _get_visible_company(request, company.slug)))


class CompanyVerifyApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        verified = serializers.BooleanField(default=True, label=_("verified"))

    @extend_schema(request=InputSerializer, responses={200: CompanyOutputSerializer}, tags=["companies"])
    def post(self, request, slug: str):
        company = _get_visible_company(request, slug)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.company_set_verified(company=company, by=request.user, **serializer.validated_data)
        return Response(_serialize(request, _get_visible_company(request, slug)))


class ReferenceInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=150, label=_("title"))
    year = serializers.IntegerField(
        min_value=1990, max_value=2100, required=False, allow_null=True, label=_("year")
    )
    description = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, label=_("description")
    )


class ReferenceListCreateApi(APIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    InputSerializer = ReferenceInputSerializer

    @extend_schema(responses={200: ReferenceOutputSerializer(many=True)}, tags=["companies"])
    def get(self, request, slug: str):
        company = _get_visible_company(request, slug)
        return Response(ReferenceOutputSerializer(company.references.all(), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: ReferenceOutputSerializer}, tags=["companies"])
    def post(self, request, slug: str):
        company = _get_visible_company(request, slug)
        services.require_profile_editor(company, request.user)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reference = services.reference_create(company=company, user=request.user, **serializer.validated_data)
        return Response(ReferenceOutputSerializer(reference).data, status=status.HTTP_201_CREATED)


class ReferenceDetailApi(APIView):
    permission_classes = [IsAuthenticated]
    InputSerializer = ReferenceInputSerializer

    def _get_reference(self, request, slug: str, reference_id: int) -> CompanyReference:
        company = _get_visible_company(request, slug)
        reference = company.references.filter(pk=reference_id).first()
        if reference is None:
            raise Http404
        return reference

    @extend_schema(request=InputSerializer, responses={200: ReferenceOutputSerializer}, tags=["companies"])
    def patch(self, request, slug: str, reference_id: int):
        reference = self._get_reference(request, slug, reference_id)
        services.require_profile_editor(reference.company, request.user)
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        reference = services.reference_update(
            reference=reference, user=request.user, **serializer.validated_data
        )
        return Response(ReferenceOutputSerializer(reference).data)

    @extend_schema(request=None, responses={204: None}, tags=["companies"])
    def delete(self, request, slug: str, reference_id: int):
        reference = self._get_reference(request, slug, reference_id)
        services.reference_delete(reference=reference, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberOutputSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")
    display_name = serializers.CharField(source="user.display_name")

    class Meta:
        model = Membership
        fields = ["id", "username", "display_name", "role", "created_at"]


def _require_member_or_staff(request, company: Company) -> None:
    if not company.is_member_or_staff(request.user):
        raise forbidden(_("Only the company's members can see its members."))


class InvitationOutputSerializer(serializers.ModelSerializer):
    company = CompanyBriefSerializer()
    username = serializers.CharField(source="user.username")
    display_name = serializers.CharField(source="user.display_name")

    class Meta:
        model = CompanyInvitation
        fields = ["id", "company", "username", "display_name", "role", "status", "created_at"]


class MemberListCreateApi(APIView):
    """GET lists the members. POST (owners) changes an existing member's role (200), or invites
    someone else (201, an invitation): they become a member only once they accept it."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150, label=_("username"))
        role = serializers.ChoiceField(choices=MemberRole.choices, default=MemberRole.MEMBER, label=_("role"))

    @extend_schema(responses={200: MemberOutputSerializer(many=True)}, tags=["companies"])
    def get(self, request, slug: str):
        company = _get_visible_company(request, slug)
        _require_member_or_staff(request, company)
        return Response(MemberOutputSerializer(selectors.member_list(company=company), many=True).data)

    @extend_schema(
        request=InputSerializer,
        responses={200: MemberOutputSerializer, 201: InvitationOutputSerializer},
        tags=["companies"],
    )
    def post(self, request, slug: str):
        company = _get_visible_company(request, slug)
        services.require_member_manager(company, request.user)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        added = services.member_add(company=company, by=request.user, **serializer.validated_data)
        if isinstance(added, Membership):
            return Response(MemberOutputSerializer(added).data)
        return Response(InvitationOutputSerializer(added).data, status=status.HTTP_201_CREATED)


class MemberDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["companies"])
    def delete(self, request, slug: str, membership_id: int):
        company = _get_visible_company(request, slug)
        membership = company.memberships.filter(pk=membership_id).select_related("company").first()
        if membership is None:
            raise Http404
        services.member_remove(membership=membership, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListApi(APIView):
    """The company's invitations not answered yet (its members and staff)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: InvitationOutputSerializer(many=True)}, tags=["companies"])
    def get(self, request, slug: str):
        company = _get_visible_company(request, slug)
        _require_member_or_staff(request, company)
        return Response(
            InvitationOutputSerializer(selectors.invitation_list(company=company), many=True).data
        )


class InvitationDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["companies"])
    def delete(self, request, slug: str, invitation_id: int):
        """An owner withdraws an invitation not answered yet."""
        company = _get_visible_company(request, slug)
        _require_member_or_staff(request, company)
        invitation = get_object_or_404(CompanyInvitation, pk=invitation_id, company=company)
        services.member_invitation_withdraw(invitation=invitation, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyInvitationListApi(APIView):
    """Invitations to join a company that I have not answered yet."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: InvitationOutputSerializer(many=True)}, tags=["companies"])
    def get(self, request):
        return Response(
            InvitationOutputSerializer(selectors.my_invitation_list(user=request.user), many=True).data
        )


def _my_invitation(request, invitation_id: int) -> CompanyInvitation:
    # Someone else's invitation is as missing as one that does not exist.
    return get_object_or_404(CompanyInvitation, pk=invitation_id, user=request.user)


class MyInvitationAcceptApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: MemberOutputSerializer}, tags=["companies"])
    def post(self, request, invitation_id: int):
        membership = services.member_invitation_accept(
            invitation=_my_invitation(request, invitation_id), user=request.user
        )
        return Response(MemberOutputSerializer(membership).data)


class MyInvitationDeclineApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["companies"])
    def post(self, request, invitation_id: int):
        services.member_invitation_decline(
            invitation=_my_invitation(request, invitation_id), user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
