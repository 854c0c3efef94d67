from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.fields import SkipField
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import ApplicationError
from core.forms import MAX_ROW_ID
from core.pagination import PaginatedApiMixin
from core.permissions import IsCityStaff
from core.throttling import FailOpenScopedRateThrottle

from .lockout import lockout_message
from .models import (
    USERNAME_CHARACTERS_REFUSED,
    USERNAME_MAX_LENGTH,
    USERNAME_PATTERN,
    AuditAction,
    AuditEntry,
    Language,
    NotificationKind,
    User,
)
from .selectors import audit_entry_list, notification_list
from .services import (
    user_change_password,
    user_sign_up,
    user_sign_up_problems,
    user_token_get_or_create,
    user_update_profile,
)


class UserOutputSerializer(serializers.ModelSerializer):
    """The signed-in user's own account."""

    roles = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "display_name", "real_name", "preferred_language", "roles"]


class PersonSerializer(serializers.Serializer):
    """Someone as the public sees them: the display name only."""

    id = serializers.IntegerField(
        source="public_id",
        allow_null=True,
        help_text="null for a former member: what they wrote is no longer tied to one account.",
    )
    name = serializers.CharField(source="__str__")


class StaffPersonSerializer(PersonSerializer):
    """Someone as city staff see them, in staff-only responses: with the username and real name."""

    username = serializers.CharField()
    real_name = serializers.CharField()


class LockedOut(exceptions.APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"

    def __init__(self) -> None:
        super().__init__(lockout_message())
        # DRF's handler turns `wait` into Retry-After; this failure started the cool-off anew.
        self.wait = int(settings.AXES_COOLOFF_TIME.total_seconds())


def _authenticate_or_fail(request, username: str, password: str) -> User:
    user = authenticate(request, username=username, password=password)
    if user is None:
        # django-axes flags a client it has locked out, whether or not the password was right.
        if getattr(request, "axes_locked_out", False):
            raise LockedOut()
        raise ApplicationError(
            _("The username or password is not correct."),
            code="authentication_failed",
        )
    return user


class SessionSignInApi(APIView):
    """A view that signs a browser in. It checks CSRF although nobody is signed in yet: otherwise
    a page elsewhere could post a form that signs its visitor into the poster's account, and
    what they then type would go to that account. A client without a session reads the token
    from `GET /api/v1/auth/csrf/` and sends it in the X-CSRFToken header."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [FailOpenScopedRateThrottle]
    # Read by the OpenAPI schema, which documents the 403 a missing CSRF token gets.
    checks_csrf = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        SessionAuthentication().enforce_csrf(request)


class CsrfTokenApi(APIView):
    """The CSRF token (also set as the csrftoken cookie) that session log-in and sign-up need."""

    permission_classes = [AllowAny]
    authentication_classes = []

    class OutputSerializer(serializers.Serializer):
        csrf_token = serializers.CharField()

    @extend_schema(responses={200: OutputSerializer}, tags=["auth"])
    def get(self, request):
        return Response({"csrf_token": get_token(request)})


class SignUpApi(SessionSignInApi):
    throttle_scope = "signup"

    class InputSerializer(serializers.Serializer):
        username = serializers.RegexField(
            USERNAME_PATTERN,
            max_length=USERNAME_MAX_LENGTH,
            label=gettext_lazy("username"),
            error_messages={"invalid": USERNAME_CHARACTERS_REFUSED},
        )
        email = serializers.EmailField(required=False, allow_blank=True, label=gettext_lazy("email"))
        password = serializers.CharField(write_only=True, max_length=128, label=gettext_lazy("password"))
        display_name = serializers.CharField(
            required=False, allow_blank=True, max_length=60, label=gettext_lazy("display name")
        )
        preferred_language = serializers.ChoiceField(
            choices=Language.choices,
            required=False,
            label=gettext_lazy("preferred language"),
            help_text=gettext_lazy(
                "The language of notifications and emails. Without it, the language this request "
                "is answered in (from Accept-Language), or Korean."
            ),
        )

        def to_internal_value(self, data):
            """The fields' own checks and the account's (a taken username, a weak password:
            user_sign_up_problems) in one answer, as on the sign-up page, so that a client does
            not hear of the next problem only once it has fixed the last."""
            try:
                values, refused = super().to_internal_value(data), {}
            except serializers.ValidationError as error:
                if not isinstance(data, Mapping) or not isinstance(error.detail, dict):
                    raise
                values, refused = self._values_that_pass(data, error.detail), dict(error.detail)
            problems = user_sign_up_problems(
                username=values.get("username"),
                email=values.get("email"),
                password=values.get("password"),
                display_name=values.get("display_name"),
            )
            for field, messages in problems.items():
                refused[field] = [*refused.get(field, []), *messages]
            if refused:
                raise serializers.ValidationError(refused)
            return values

        def _values_that_pass(self, data: Mapping, refused: Mapping) -> dict:
            values = {}
            for name, field in self.fields.items():
                if name in refused:
                    continue
                try:
                    values[name] = field.run_validation(field.get_value(data))
                except (serializers.ValidationError, SkipField):
                    pass
            return values

    @extend_schema(request=InputSerializer, responses={201: UserOutputSerializer}, tags=["auth"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Not told otherwise, the new account reads what this answer is written in, as on the
        # sign-up page: a client sending Accept-Language: en gets an English account.
        user = user_sign_up(
            **{"preferred_language": Language.of_request(request), **serializer.validated_data}
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginApi(SessionSignInApi):
    # Log-in and token requests both check a password, so they share one budget per address.
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=USERNAME_MAX_LENGTH, label=gettext_lazy("username"))
        password = serializers.CharField(write_only=True, label=gettext_lazy("password"))

    @extend_schema(request=InputSerializer, responses={200: UserOutputSerializer}, tags=["auth"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = _authenticate_or_fail(request, **serializer.validated_data)
        login(request, user)
        return Response(UserOutputSerializer(user).data)


class LogoutApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request):
        if request.auth is not None:
            request.auth.delete()
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenApi(APIView):
    """Exchange a username and password for an API token (for scripts and mobile clients). It
    sets no cookie, so unlike session log-in it needs no CSRF token."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [FailOpenScopedRateThrottle]
    throttle_scope = "login"

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=USERNAME_MAX_LENGTH, label=gettext_lazy("username"))
        password = serializers.CharField(write_only=True, label=gettext_lazy("password"))

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, tags=["auth"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = _authenticate_or_fail(request, **serializer.validated_data)
        token = user_token_get_or_create(user=user)
        return Response({"token": token.key})


class MeApi(APIView):
    """My account: GET it, PATCH my display name (shown publicly), real name (seen by city staff
    only), email or preferred language."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        display_name = serializers.CharField(
            max_length=60, required=False, label=gettext_lazy("display name")
        )
        real_name = serializers.CharField(
            max_length=100, required=False, allow_blank=True, label=gettext_lazy("real name")
        )
        email = serializers.EmailField(required=False, allow_blank=True, label=gettext_lazy("email"))
        preferred_language = serializers.ChoiceField(
            choices=Language.choices, required=False, label=gettext_lazy("preferred language")
        )

    @extend_schema(responses={200: UserOutputSerializer}, tags=["auth"])
    def get(self, request):
        return Response(UserOutputSerializer(request.user).data)

    @extend_schema(request=InputSerializer, responses={200: UserOutputSerializer}, tags=["auth"])
    def patch(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_update_profile(user=request.user, **serializer.validated_data)
        return Response(UserOutputSerializer(user).data)


class PasswordChangeApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        old_password = serializers.CharField(write_only=True, label=gettext_lazy("current password"))
        new_password = serializers.CharField(
            write_only=True, max_length=128, label=gettext_lazy("new password")
        )

    @extend_schema(request=InputSerializer, responses={204: None}, tags=["auth"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_change_password(user=request.user, **serializer.validated_data)
        if request.auth is None:
            update_session_auth_hash(request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    body = serializers.CharField()
    link = serializers.CharField()
    is_read = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_is_read(self, notification) -> bool:
        return notification.read_at is not None


class NotificationListApi(PaginatedApiMixin, APIView):
    """My notifications, newest first; `?unread=true` for the unread ones."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("unread", bool, description="Only the unread ones.")],
        responses={200: NotificationOutputSerializer(many=True)},
        tags=["notifications"],
    )
    def get(self, request):
        notifications = notification_list(
            user=request.user, unread_only=request.query_params.get("unread") in ("1", "true")
        )
        return self.paginated_response(
            request, notifications, lambda page: NotificationOutputSerializer(page, many=True).data
        )


class NotificationReadApi(APIView):
    """Mark some (`ids`) or all of my notifications read."""

    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        ids = serializers.ListField(
            child=serializers.IntegerField(), required=False, label=gettext_lazy("notifications")
        )

    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, tags=["notifications"])
    def post(self, request):
        from .notifications import notification_mark_read

        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = notification_mark_read(
            user=request.user, notification_ids=serializer.validated_data.get("ids")
        )
        return Response({"marked": marked})


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NotificationKind.choices, label=gettext_lazy("kind"))
    label = serializers.CharField(read_only=True)
    in_app = serializers.BooleanField(label=gettext_lazy("in the app"))
    email = serializers.BooleanField(label=gettext_lazy("by email"))


class NotificationPreferencesApi(APIView):
    """Which notifications I get, in the app and by email."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PreferenceSerializer(many=True)}, tags=["notifications"])
    def get(self, request):
        from .notifications import preferences_for

        return Response(PreferenceSerializer(preferences_for(user=request.user), many=True).data)

    @extend_schema(
        request=PreferenceSerializer(many=True),
        responses={200: PreferenceSerializer(many=True)},
        tags=["notifications"],
    )
    def put(self, request):
        from .notifications import preferences_update

        serializer = PreferenceSerializer(data=request.data, many=True)
        serializer.is_valid(raise_exception=True)
        return Response(
            PreferenceSerializer(
                preferences_update(user=request.user, changes=serializer.validated_data), many=True
            ).data
        )


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.__str__", default=None)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "actor",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "before",
            "after",
            "created_at",
        ]


class ReadsAuditLog(IsCityStaff):
    message = gettext_lazy("Only city staff can read the audit log.")


class AuditLogApi(PaginatedApiMixin, APIView):
    """Every staff action, newest first (staff only). Filter with `?target_type=idea&target_id=1`."""

    permission_classes = [ReadsAuditLog]

    class FilterSerializer(serializers.Serializer):
        target_type = serializers.CharField(max_length=40, required=False, label=gettext_lazy("target type"))
        target_id = serializers.IntegerField(
            min_value=1, max_value=MAX_ROW_ID, required=False, label=gettext_lazy("target id")
        )
        action = serializers.ChoiceField(
            choices=AuditAction.choices, required=False, label=gettext_lazy("action")
        )

    @extend_schema(
        parameters=[FilterSerializer],
        responses={200: AuditEntrySerializer(many=True)},
        tags=["moderation"],
    )
    def get(self, request):
        # An empty parameter (a form's unset filter) means no filter.
        filters = self.FilterSerializer(data={k: v for k, v in request.query_params.items() if v})
        filters.is_valid(raise_exception=True)
        entries = audit_entry_list(**filters.validated_data)
        return self.paginated_response(
            request, entries, lambda page: AuditEntrySerializer(page, many=True).data
        )
