"""A username longer than any account's is refused on the username field at every log-in, on the
pages, the admin and the API, before django-axes records the attempt (in a column of 255)."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TOO_LONG = "x" * 300


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/", "/api/auth/login/"])
def test_a_log_in_page_names_the_username_field(path):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    response = client.post(path, {"username": TOO_LONG, "password": "wrong-guess"})

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "Ensure this value has at most 150 characters (it has 300)."
    ]
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("path", ["/api/v1/auth/login/", "/api/v1/auth/token/"])
@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Ensure this field has no more than 150 characters."), ("ko", "글자 수가 150 이하")],
)
def test_the_api_names_the_username_field(path, language, message):
    response = APIClient().post(
        path, {"username": "가" * 200, "password": "wrong-guess"}, HTTP_ACCEPT_LANGUAGE=language
    )

    assert response.status_code == 400
    assert message in response.json()["error"]["fields"]["username"][0]
    assert not AccessAttempt.objects.exists()


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_log_in_page_says_it_in_the_sites_korean(path):
    # Django's own Korean read "이 값이 최대 150 개의 글자인지 확인하세요(입력값 300 자)."
    response = Client(HTTP_ACCEPT_LANGUAGE="ko").post(path, {"username": TOO_LONG, "password": "wrong-guess"})

    assert response.context["form"].errors["username"] == ["150자 이하로 써 주세요. 지금 300자입니다."]
