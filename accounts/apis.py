from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api.errors import ApplicationError

from .models import Language, User
from .services import user_change_password, user_sign_up, user_token_get_or_create


class UserOutputSerializer(serializers.ModelSerializer):
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "email", "display_name", "preferred_language", "roles"]


def _authenticate_or_fail(request, username: str, password: str) -> User:
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ApplicationError(
            _("The username or password is not correct."),
            code="authentication_failed",
            status_code=status.HTTP_400_BAD_REQUEST,
        )
    return user


class SignUpApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    class InputSerializer(serializers.Serializer):
        username = serializers.RegexField(r"^[\w.@+-]+$", max_length=150, label=_("username"))
        email = serializers.EmailField(required=False, allow_blank=True, label=_("email"))
        password = serializers.CharField(write_only=True, max_length=128, label=_("password"))
        display_name = serializers.CharField(
            required=False, allow_blank=True, max_length=60, label=_("display name")
        )
        preferred_language = serializers.ChoiceField(
            choices=Language.choices, required=False, label=_("preferred language")
        )

    @extend_schema(request=InputSerializer, responses={201: UserOutputSerializer}, tags=["auth"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_sign_up(**serializer.validated_data)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class LoginApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(label=_("username"))
        password = serializers.CharField(write_only=True, label=_("password"))

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
    """Exchange a username and password for an API token (for scripts and mobile clients)."""

    permission_classes = [AllowAny]
    authentication_classes = []

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(label=_("username"))
        password = serializers.CharField(write_only=True, label=_("password"))

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
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: UserOutputSerializer}, tags=["auth"])
    def get(self, request):
        return Response(UserOutputSerializer(request.user).data)


class PasswordChangeApi(APIView):
    permission_classes = [IsAuthenticated]

    class InputSerializer(serializers.Serializer):
        old_password = serializers.CharField(write_only=True, label=_("current password"))
        new_password = serializers.CharField(write_only=True, max_length=128, label=_("new password"))

    @extend_schema(request=InputSerializer, responses={204: None}, tags=["auth"])
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_change_password(user=request.user, **serializer.validated_data)
        if request.auth is None:
            update_session_auth_hash(request, user)
        return Response(status=status.HTTP_204_NO_CONTENT)
