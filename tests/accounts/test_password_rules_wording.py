"""The password rules and refusals read in the site's own Korean, not in Django's stock
translation ("통상적으로 자주 사용되는 …"); English keeps Django's words. Every validator of
AUTH_PASSWORD_VALIDATORS is covered."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

RULES = {
    "ko": [
        "아이디나 이메일 같은 다른 정보와 비슷한 비밀번호는 쓸 수 없습니다.",
        "비밀번호는 8자 이상이어야 합니다.",
        "너무 흔한 비밀번호는 쓸 수 없습니다.",
        "숫자로만 된 비밀번호는 쓸 수 없습니다.",
    ],
    "en": [
        "Your password can’t be too similar to your other personal information.",
        "Your password must contain at least 8 characters.",
        "Your password can’t be a commonly used password.",
        "Your password can’t be entirely numeric.",
    ],
}
STOCK_KOREAN = [
    "통상적으로",
    "유사한 비밀번호",
    "최소 8자 이상",
    "이루어진 비밀번호",
    "너무 흔히 사용되는",
    "전부 숫자",
]


def test_every_validator_in_the_settings_is_one_this_wording_covers():
    assert [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS] == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_rules_under_the_password_field(client, language):
    client.cookies["django_language"] = language

    html = client.get("/accounts/signup/").content.decode()

    rules = html[html.index('id="id_password_helptext"') : html.index('name="password"')]
    for rule in RULES[language]:
        assert f"<li>{rule}</li>" in rules
    assert not any(stock in html for stock in STOCK_KOREAN)


@pytest.mark.parametrize(
    ("language", "username", "password", "refusals"),
    [
        (
            "ko",
            "minji",
            "1234",
            [
                "비밀번호가 너무 짧습니다. 8자 이상으로 정해 주세요.",
                "너무 흔한 비밀번호입니다. 다른 비밀번호를 정해 주세요.",
                "숫자로만 된 비밀번호입니다. 글자도 섞어 주세요.",
            ],
        ),
        ("ko", "gwangjuminji", "gwangjuminji1", ["비밀번호가 아이디 항목과 너무 비슷합니다."]),
        (
            "en",
            "minji",
            "1234",
            [
                "This password is too short. It must contain at least 8 characters.",
                "This password is too common.",
                "This password is entirely numeric.",
            ],
        ),
        ("en", "gwangjuminji", "gwangjuminji1", ["The password is too similar to the username."]),
    ],
)
def test_the_refusals(client, language, username, password, refusals):
    client.cookies["django_language"] = language

    html = client.post(
        "/accounts/signup/",
        {"username": username, "password": password, "password_again": password, "privacy_consent": "on"},
    ).content.decode()

    for refusal in refusals:
        assert refusal in html
    assert not any(stock in html for stock in STOCK_KOREAN)
