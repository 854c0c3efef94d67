"""Forgot password: the site's own pages, a mail through the configured backend, a link that
works once, and a new password that signs in (and ends the old API tokens)."""

import re

import pytest
from django.conf import settings
from django.core import mail
from rest_framework.authtoken.models import Token

from accounts.tasks import send_password_reset_email
from config import embedded
from tests.accounts.factories import UserFactory
from tests.conftest import refuse_to_queue

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-pass-2026"
REFUSING = "tests.accounts.email_backends.RefusingEmailBackend"


@pytest.fixture(autouse=True)
def tasks_run_in_the_test(request):
    """The mail is sent by a task; most tests here read it as if a worker had run it at once."""
    if "tasks_go_to_the_broker" not in request.fixturenames:
        request.getfixturevalue("tasks_run_at_once")
    yield


@pytest.fixture
def minji():
    return UserFactory(username="minji", email="minji@example.org", preferred_language="ko")


def _link(message) -> str:
    return re.search(r"https?://\S+(/accounts/reset/\S+/)", message.body).group(1)


def test_the_log_in_page_offers_the_reset(client):
    html = client.get("/accounts/login/").content.decode()

    assert 'href="/accounts/password_reset/"' in html


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_pages_are_the_sites_own_in_its_language(client, language):
    client.cookies["django_language"] = language

    html = client.get("/accounts/password_reset/").content.decode()

    assert "Django" not in html and 'class="site-header"' in html
    assert ("비밀번호를 잊으셨나요?" if language == "ko" else "Forgot your password?") in html


def test_a_citizen_resets_a_forgotten_password_and_logs_in_with_it(client, minji, settings):
    settings.SITE_URL = "https://ideas.example.kr"
    Token.objects.create(user=minji)

    response = client.post("/accounts/password_reset/", {"email": "MINJI@example.org"})

    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["minji@example.org"]
    assert "새 비밀번호" in message.subject and "minji" in message.body
    assert "https://ideas.example.kr/accounts/reset/" in message.body
    form_page = client.get(_link(message), follow=True)
    assert form_page.status_code == 200 and "id_new_password2" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]

    mismatch = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": "something-else-99"})
    assert mismatch.status_code == 200 and 'class="errorlist"' in mismatch.content.decode()
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302 and done["Location"] == "/accounts/reset/done/"
    minji.refresh_from_db()
    assert minji.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(user=minji).exists()
    client.logout()
    logged_in = client.post("/accounts/login/", {"username": "minji", "password": NEW_PASSWORD})
    assert logged_in.status_code == 302 and client.get("/me/").status_code == 200
    # The link works once.
    client.logout()
    again = client.get(_link(message), follow=True).content.decode()
    assert "id_new_password2" not in again and 'href="/accounts/password_reset/"' in again


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, minji):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_every_account_with_the_address_gets_its_own_link(client, minji):
    UserFactory(username="minji-work", email="minji@example.org")

    client.post("/accounts/password_reset/", {"email": "minji@example.org"})

    assert sorted(re.search(r": (\S+)\n", m.body).group(1) for m in mail.outbox) == ["minji", "minji-work"]


def test_a_bad_address_is_an_error_on_its_field(client):
    html = client.post("/accounts/password_reset/", {"email": "not an address"}).content.decode()

    assert html.index('class="errorlist"') > html.index('for="id_email"')
    assert mail.outbox == []


def test_the_page_leaves_the_mail_to_a_worker_and_answers_while_the_mail_server_is_down(
    client, minji, settings, queued_tasks
):
    settings.EMAIL_BACKEND = REFUSING
    client.cookies["django_language"] = "en"

    response = client.post("/accounts/password_reset/", {"email": "minji@example.org"})

    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    ((task, _args, kwargs),) = queued_tasks()
    assert task == "accounts.tasks.send_password_reset_email"
    # The one-time link is made by the worker: it never waits in the broker.
    assert "/accounts/reset/" not in str(kwargs) and "token" not in kwargs["context"]
    # Once the mail server answers, the worker sends the mail in the language its owner reads,
    # not the page's: whoever asked may not be the owner.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_password_reset_email.apply(kwargs=kwargs, throw=True)
    (message,) = mail.outbox
    assert message.to == ["minji@example.org"] and "새 비밀번호" in message.subject
    assert client.get(_link(message), follow=True).status_code == 200


def test_with_the_broker_down_the_page_sends_the_mail_itself(client, minji, caplog, tasks_go_to_the_broker):
    embedded.redis_stop(settings.BASE_DIR, "redis-test")
    try:
        response = client.post("/accounts/password_reset/", {"email": "minji@example.org"})
    finally:
        embedded.redis_url(settings.BASE_DIR, "redis-test")

    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["minji@example.org"]]
    assert "Could not queue a password reset mail" in caplog.text


@pytest.mark.parametrize(("page_language", "owner_language"), [("en", "ko"), ("ko", "en")])
@pytest.mark.parametrize("queue", ["up", "down"])
def test_the_mail_is_in_the_language_its_owner_reads_whatever_the_page(
    client, monkeypatch, page_language, owner_language, queue
):
    UserFactory(username="owner", email="owner@example.org", preferred_language=owner_language)
    if queue == "down":
        monkeypatch.setattr(send_password_reset_email, "delay", refuse_to_queue)
    client.cookies["django_language"] = page_language

    client.post("/accounts/password_reset/", {"email": "owner@example.org"})

    (message,) = mail.outbox
    if owner_language == "ko":
        assert "새 비밀번호" in message.subject and "계정" in message.body
    else:
        assert "new password" in message.subject and "Someone asked" in message.body


def test_one_client_address_may_ask_only_a_few_times_an_hour(client):
    for n in range(5):
        UserFactory(username=f"citizen{n}", email=f"citizen{n}@example.org")
        client.post("/accounts/password_reset/", {"email": f"citizen{n}@example.org"})
    UserFactory(username="citizen5", email="citizen5@example.org")
    client.cookies["django_language"] = "en"

    refused = client.post("/accounts/password_reset/", {"email": "citizen5@example.org"})

    html = refused.content.decode()
    assert refused.status_code == 200 and 'class="errorlist nonfield"' in html
    assert "Too many password reset requests from here" in html
    assert len(mail.outbox) == 5


def _ask_from(client, address: str, email: str):
    return client.post("/accounts/password_reset/", {"email": email}, REMOTE_ADDR=address)


@pytest.mark.parametrize("email", ["minji@example.org", "nobody@example.org"], ids=["account", "no_account"])
def test_asking_from_many_client_addresses_cannot_flood_one_mailbox(client, minji, email):
    client.cookies["django_language"] = "en"
    answers = [_ask_from(client, f"203.0.113.{n}", email) for n in range(1, 5)]
    # The same email typed otherwise is the same mailbox.
    shouted = _ask_from(client, "203.0.113.9", f"  {email.upper()}  ")

    # Three go through; then the answer is the same whether or not an account has the address.
    assert [a.status_code for a in answers] == [302, 302, 302, 200]
    assert all(a["Location"] == "/accounts/password_reset/done/" for a in answers[:3])
    for refused in (answers[3], shouted):
        html = refused.content.decode()
        assert 'class="errorlist nonfield"' in html
        assert "Too many password reset requests for this email address. Try again in an hour." in html
    assert len(mail.outbox) == (3 if email == "minji@example.org" else 0)
    # Another address is not held back.
    assert _ask_from(client, "203.0.113.10", "other@example.org").status_code == 302


def test_the_password_change_page_is_the_sites_own_and_ends_api_tokens(client, minji):
    from tests.accounts.factories import PASSWORD

    Token.objects.create(user=minji)
    client.force_login(minji)
    html = client.get("/accounts/password_change/").content.decode()
    assert "Django" not in html and 'class="site-header"' in html

    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    minji.refresh_from_db()
    assert minji.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(user=minji).exists()
    assert "Django" not in client.get(response["Location"]).content.decode()
