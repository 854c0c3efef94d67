"""The public sees a citizen's display name only (a nickname unless they chose one); the username
and real name are for the citizen and city staff."""

import importlib
import re

import pytest
from django.apps import apps

from accounts.models import User
from accounts.nicknames import nickname_generate
from ideas.models import IdeaStatus
from tests.accounts.factories import UserFactory
from tests.ideas.factories import CommentFactory, IdeaFactory

pytestmark = pytest.mark.django_db

KOREAN_NICKNAME = re.compile(r"^\S+( \S+)? \S+ \d{4}$")


@pytest.fixture
def minji():
    return UserFactory(username="minji.kim", display_name="햇살 다람쥐", real_name="김민지")


def test_a_nickname_is_made_in_the_citizens_language():
    korean = nickname_generate(language="ko")
    english = nickname_generate(language="en")

    assert KOREAN_NICKNAME.match(korean) and re.search("[가-힣]", korean)
    assert re.match(r"^[A-Z][a-z]+ [A-Z][a-z]+ \d{4}$", english)


def test_sign_up_without_a_display_name_gets_a_nickname_not_the_username(api):
    response = api().post(
        "/api/v1/auth/signup/", {"username": "park.junho", "password": "a-long-enough-pass-42"}
    )

    assert response.status_code == 201
    user = User.objects.get(username="park.junho")
    assert response.json()["display_name"] == user.display_name
    assert KOREAN_NICKNAME.match(user.display_name)
    assert "park" not in user.display_name and str(user) == user.display_name


def test_sign_up_refuses_a_display_name_someone_uses(api, minji):
    response = api().post(
        "/api/v1/auth/signup/",
        {"username": "copycat", "password": "a-long-enough-pass-42", "display_name": "햇살  다람쥐"},
    )

    assert response.status_code == 400
    assert "display_name" in response.json()["error"]["fields"]
    assert not User.objects.filter(username="copycat").exists()


def test_ideas_and_comments_show_the_display_name_only(client, api, minji):
    idea = IdeaFactory(author=minji, title="버스 정류장 알림")
    CommentFactory(idea=idea, author=minji, body="저도 필요해요")

    page = client.get(f"/ideas/{idea.pk}/").content.decode()
    detail = api().get(f"/api/v1/ideas/{idea.pk}/").json()
    comments = api().get(f"/api/v1/ideas/{idea.pk}/comments/").json()

    assert "햇살 다람쥐" in page
    assert "minji.kim" not in page and "김민지" not in page
    assert detail["author"] == {"id": minji.pk, "name": "햇살 다람쥐"}
    assert "minji.kim" not in str(comments) and "김민지" not in str(comments)
    assert "햇살 다람쥐" in str(comments)


def test_staff_see_who_wrote_a_submitted_idea(client, api, minji, staff_user, bob):
    IdeaFactory(author=minji, status=IdeaStatus.SUBMITTED, published_at=None)

    rows = api(staff_user).get("/api/v1/moderation/ideas/").json()["results"]
    client.force_login(staff_user)
    page = client.get("/staff/moderation/").content.decode()

    assert rows[0]["author"] == {
        "id": minji.pk,
        "name": "햇살 다람쥐",
        "username": "minji.kim",
        "real_name": "김민지",
    }
    assert "김민지 (minji.kim)" in page
    assert api(bob).get("/api/v1/moderation/ideas/").status_code == 403


def test_a_user_without_a_display_name_is_not_shown_by_username():
    user = UserFactory(username="lee.soonja", display_name="")

    assert "lee.soonja" not in str(user)
    assert str(user.pk) in str(user)


def test_a_citizen_changes_their_names_on_the_profile_page(client, minji, bob):
    client.force_login(minji)
    page = client.get("/me/").content.decode()
    assert 'href="/me/profile/"' in page

    response = client.post(
        "/me/profile/",
        {"display_name": "무등산 부엉이", "real_name": "", "email": "", "preferred_language": "en"},
    )

    assert response.status_code == 302
    minji.refresh_from_db()
    assert (minji.display_name, minji.real_name, minji.email, minji.preferred_language) == (
        "무등산 부엉이",
        "",
        "",
        "en",
    )


def test_the_profile_page_refuses_a_taken_or_empty_display_name_on_its_field(client, minji, bob):
    client.force_login(bob)
    form = {"real_name": "", "email": "", "preferred_language": "ko"}

    taken = client.post("/me/profile/", {**form, "display_name": "햇살 다람쥐"})
    empty = client.post("/me/profile/", {**form, "display_name": "  "})

    for response in (taken, empty):
        assert response.status_code == 200
        html = response.content.decode()
        assert html.index('class="errorlist"') > html.index('for="id_display_name"')
    bob.refresh_from_db()
    assert bob.display_name == "밥"


def test_the_profile_page_is_for_the_signed_in(client):
    response = client.get("/me/profile/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_api_changes_my_profile(api, minji, bob):
    response = api(minji).patch("/api/v1/auth/me/", {"display_name": "새 별명", "real_name": "김민지"})
    taken = api(bob).patch("/api/v1/auth/me/", {"display_name": "새 별명"})
    anonymous = api().patch("/api/v1/auth/me/", {"display_name": "누구"})

    assert response.status_code == 200
    assert response.json()["display_name"] == "새 별명"
    assert taken.status_code == 400 and "display_name" in taken.json()["error"]["fields"]
    assert anonymous.status_code in (401, 403)
    minji.refresh_from_db()
    bob.refresh_from_db()
    assert (minji.display_name, bob.display_name) == ("새 별명", "밥")


def test_existing_citizens_get_nicknames_and_their_typed_name_is_kept_for_staff():
    migration = importlib.import_module("accounts.migrations.0009_nicknames_for_existing_users")
    citizen = UserFactory(username="citizen1", display_name="김민지", preferred_language="ko")
    english = UserFactory(username="citizen3", display_name="", preferred_language="en")
    staff = UserFactory(username="staff", display_name="광주시 AI정책과", is_staff=True)

    migration.give_nicknames(apps, None)

    citizen.refresh_from_db()
    english.refresh_from_db()
    staff.refresh_from_db()
    assert citizen.real_name == "김민지" and KOREAN_NICKNAME.match(citizen.display_name)
    assert english.real_name == "" and re.match(r"^[A-Z][a-z]+ [A-Z][a-z]+ \d{4}$", english.display_name)
    assert (staff.display_name, staff.real_name) == ("광주시 AI정책과", "")


@pytest.mark.parametrize(
    ("language", "warning"),
    [
        ("en", "Without an email, a forgotten password cannot be reset."),
        ("ko", "이메일이 없으면 잊은 비밀번호를 재설정할 수 없습니다."),
    ],
)
def test_the_profile_page_says_a_password_cannot_be_reset_without_an_email(client, minji, language, warning):
    client.force_login(minji)
    client.cookies["django_language"] = language

    page = client.get("/me/profile/").content.decode()

    assert warning in page


@pytest.mark.parametrize(
    ("language", "who_sees_it"),
    [
        ("en", "City staff see it, and so do the members of the companies you belong to"),
        ("ko", "시 담당자와 내가 속한 기업의 구성원은 아이디를 볼 수 있고"),
    ],
)
def test_the_profile_says_who_sees_the_username(client, minji, language, who_sees_it):
    # Company members see each other's usernames and an owner invites by username: the profile
    # must not promise it is private.
    client.force_login(minji)
    client.cookies["django_language"] = language

    page = client.get("/me/profile/").content.decode()

    assert who_sees_it in page
    assert "stays private" not in page and "공개되지 않으며" not in page
