"""Pages about people, as they are seen: a forgotten password reset from the mail's link, a pilot
followed and found on My page, the profile page, and a company's past projects and members; in
Korean on a phone and in English on a desktop."""

import re

import pytest

from companies.models import CompanyReference, MemberRole, Membership
from pilots.models import PilotFollow, PilotStage
from tests.accounts.factories import PASSWORD, UserFactory
from tests.browser.conftest import log_in, screenshot
from tests.companies.factories import CompanyFactory, MembershipFactory, ReferenceFactory
from tests.matching.worker import wait_until
from tests.pilots.factories import PilotFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWS = [("ko", 390), ("en", 1280)]
NEW_PASSWORD = "무등산-새벽-산책-2026"


def _as(page, live_server, language: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.fixture
def mail_worker(tmp_path):
    """A Celery worker, as deployed, sending mail into a folder this test reads."""
    from config import celery_app
    from tests.matching.worker import Worker

    folder = tmp_path / "mail"
    folder.mkdir()
    celery_app.control.purge()
    worker = Worker(tmp_path, extra_env={"TEST_WORKER_EMAIL_DIR": str(folder)}).start()
    yield folder
    worker.stop()
    celery_app.control.purge()


def _mailed_bodies(folder) -> list[str]:
    import email
    import email.policy

    bodies = []
    for path in sorted(folder.glob("*.log")):
        # The file backend writes each message followed by a line of 79 dashes.
        for raw in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if raw.strip():
                message = email.message_from_bytes(raw, policy=email.policy.default)
                bodies.append(message.get_content())
    return bodies


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_a_citizen_resets_a_forgotten_password_from_the_mail(
    browser_page, live_server, settings, language, width, mail_worker
):
    settings.SITE_URL = live_server.url
    UserFactory(username="minji", email="minji@example.org")
    page = browser_page
    _as(page, live_server, language, width)

    page.goto("/accounts/login/")
    screenshot(page, f"log-in-{language}-{width}")
    page.click("a[href='/accounts/password_reset/']")
    page.fill("#id_email", "minji@example.org")
    screenshot(page, f"password-reset-request-{language}-{width}")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith("/accounts/password_reset/done/")
    screenshot(page, f"password-reset-done-{language}-{width}")

    # The worker makes the link and sends the mail.
    (body,) = wait_until(lambda: _mailed_bodies(mail_worker), 60, message="the reset mail")
    link = re.search(r"https?://\S+/accounts/reset/\S+/", body).group(0)
    page.goto(link)
    assert "minji" in page.inner_text("main")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD + "x")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator("main .errorlist").count() >= 1
    screenshot(page, f"password-reset-mismatch-{language}-{width}")
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.url.endswith("/accounts/reset/done/")
    screenshot(page, f"password-reset-complete-{language}-{width}")

    log_in(page, "minji", NEW_PASSWORD)
    assert page.locator("a[href='/me/']").count() == 1


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_a_citizen_follows_a_pilot_and_finds_it_on_my_page(browser_page, live_server, language, width):
    UserFactory(username="minji", display_name="씩씩한 다람쥐 4821")
    pilot = PilotFactory(title="북구 복약 알림 실증", stage=PilotStage.RUNNING)
    page = browser_page
    log_in(page, "minji", PASSWORD)
    _as(page, live_server, language, width)

    page.goto(f"/pilots/{pilot.pk}/")
    with page.expect_navigation():
        page.click("button[value=follow]")
    assert PilotFollow.objects.filter(pilot=pilot, user__username="minji").exists()
    # That the reader follows is said in words; the one button beside it says what it does.
    state, stop = {
        "ko": ("이 실증 사업의 소식을 구독하고 있습니다.", "이 실증 사업 구독 그만두기"),
        "en": ("You follow this pilot's news.", "Stop following this pilot"),
    }[language]
    assert page.locator(".follow-state").inner_text() == f"✓ {state}"
    assert page.locator("button[value=unfollow]").inner_text() == stop
    assert page.get_by_role("button", name=stop).get_attribute("aria-pressed") is None
    screenshot(page, f"pilot-followed-{language}-{width}")

    page.goto("/me/")
    assert "북구 복약 알림 실증" in page.inner_text("#followed-pilots")
    screenshot(page, f"my-page-followed-pilots-{language}-{width}")

    page.click("a[href='/me/profile/']")
    page.fill("#id_display_name", "무등산 부엉이")
    page.fill("#id_real_name", "김민지")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "무등산 부엉이" in page.inner_text("main")
    screenshot(page, f"profile-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), VIEWS)
def test_an_owner_edits_past_projects_and_manages_members(browser_page, live_server, language, width):
    owner = UserFactory(username="owner", display_name="빛고을 대표")
    company = CompanyFactory(name="빛고을케어", slug="bitgoeul-care", languages=["ko"])
    MembershipFactory(company=company, user=owner, role=MemberRole.OWNER)
    MembershipFactory(company=company, user=UserFactory(username="eunji", display_name="은지"), role="member")
    UserFactory(username="junho", display_name="준호")
    ReferenceFactory(company=company, title="북구 독거노인 복약 관리 시범사업")
    page = browser_page
    log_in(page, "owner", PASSWORD)
    _as(page, live_server, language, width)

    page.goto(f"/companies/{company.slug}/edit/")
    page.check("input[name=languages][value=en]")
    page.fill("#id_references-1-title", "동구 치매 예방 로봇 실증")
    page.fill("#id_references-1-year", "2025")
    page.fill("#id_references-1-description", "어르신 15명과 12주 동안")
    screenshot(page, f"company-profile-editor-{language}-{width}")
    with page.expect_navigation():
        page.click("button[value=save]")
    assert sorted(CompanyReference.objects.values_list("title", flat=True)) == [
        "동구 치매 예방 로봇 실증",
        "북구 독거노인 복약 관리 시범사업",
    ]
    company.refresh_from_db()
    assert company.languages == ["en", "ko"]
    screenshot(page, f"company-profile-saved-{language}-{width}")

    page.goto(f"/companies/{company.slug}/members/")
    page.fill("#id_username", "junho")
    with page.expect_navigation():
        page.click("button[value=invite]")
    assert "준호" in page.inner_text("main")
    eunji = Membership.objects.get(company=company, user__username="eunji")
    page.select_option(f"#role-{eunji.pk}", "owner")
    with page.expect_navigation():
        page.click(f"#member-{eunji.pk} button[value=role]")
    eunji.refresh_from_db()
    assert eunji.role == MemberRole.OWNER
    screenshot(page, f"company-members-{language}-{width}")
