"""Browser tests: Playwright driving Debian's Chromium against the live test server."""

import os
import shutil
import time
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


# A language of the site and the browser's own words in it: a date field's "연도. 월. 일." rather
# than "mm/dd/yyyy", a file field's "파일 선택" rather than "Choose File".
BROWSER_LOCALES = {"ko": "ko-KR", "en": "en-US"}


@pytest.fixture
def browser_language(request) -> str:
    """The language the browser speaks: the test's `language` parameter where it has one (a test
    that reads the site in English sees an English browser), else Korean, the site's default. A
    test may override this fixture to choose another."""
    callspec = getattr(request.node, "callspec", None)
    language = callspec.params.get("language") if callspec is not None else None
    return language if language in BROWSER_LOCALES else "ko"


def _sessions_of_others() -> list[tuple]:
    """Sessions on the test database other than this thread's own connections: the application
    each belongs to, when it started, its state and its last statement."""
    import psycopg

    ours = {c.connection.info.backend_pid for c in connections.all(initialized_only=True) if c.connection}
    where = connections["default"].settings_dict
    # Asked from the server's maintenance database, so the question adds no session of its own.
    with psycopg.connect(
        dbname="postgres",
        host=where["HOST"],
        port=where["PORT"] or None,
        user=where["USER"],
        password=where["PASSWORD"] or None,
    ) as admin:
        rows = admin.execute(
            "SELECT pid, application_name, backend_start, state, left(query, 200) FROM pg_stat_activity"
            " WHERE datname = %s",
            [where["NAME"]],
        ).fetchall()
    return [row[1:] for row in rows if row[0] not in ours]


@pytest.fixture(autouse=True)
def _no_session_left_connected():
    """A test leaves nothing connected to the test database once it is over: a connection left
    open keeps the database from being dropped at the end of the run, and the run only warns then,
    without saying which test left it. A request the live server was still answering when the
    browser closed is given a moment to end and close its own."""
    yield
    deadline = time.monotonic() + 5
    while (left := _sessions_of_others()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not left, f"Still connected to the test database after the test: {left}"


@pytest.fixture
def browser_page(live_server, browser_language):
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium).")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around
    # it are plain synchronous calls, so Django's guard against async contexts does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        locale = BROWSER_LOCALES[browser_language]
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                f"--lang={locale}",
            ],
            # Chromium on Linux takes the language of its own words from LANGUAGE, not from --lang;
            # both are given. Its translations come with Debian's chromium-l10n.
            env={**os.environ, "LANGUAGE": locale.replace("-", "_")},
        )
        # The context's locale is what pages read (navigator.language, Intl) and what the browser
        # sends as Accept-Language: the same language as the browser's own words.
        page = browser.new_page(
            viewport={"width": 390, "height": 844}, base_url=live_server.url, locale=locale
        )
        page.set_default_timeout(30_000)
        yield page
        # While Playwright's event loop runs in this thread, Django keeps the thread's database
        # connections per async context rather than per thread: the ORM calls the test made opened
        # a connection that the test database's own teardown, which runs once the loop has stopped,
        # neither sees nor closes, and the database could not be dropped. It is closed here, where
        # it is still in view.
        connections.close_all()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def screenshot(page, name: str) -> Path:
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit] >> nth=-1")
    page.wait_for_url("**/")


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page) -> list[dict]:
    """What axe-core finds wrong on the page as it stands: each rule with its impact and the
    elements that break it. WCAG 2.2's target size (24 px, off by default in axe) is checked too."""
    if not AXE.is_file():
        pytest.fail("axe-core is missing: `make test` installs it (npm ci from package-lock.json).")
    # Evaluated through the browser's debugging protocol, which the site's Content-Security-Policy
    # (no inline script) does not govern, so the page is checked exactly as it is served.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {
                resultTypes: ["violations"], rules: {"target-size": {enabled: true}},
            });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }"""
    )
