"""Every main page, as each kind of person sees it, checked by axe-core (the npm package the
Makefile installs from package-lock.json): in Korean on a phone and in English on a desktop. A
"serious" or "critical" violation fails, and so does an ARIA or label reference to an id that is
not on the page; every violation, whatever its impact, is counted by rule in
test-artifacts/axe-summary.json."""

import json
from collections import Counter
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from companies.models import Company
from dashboard.management.commands.seed_demo import DEMO_PASSWORD
from ideas import services as idea_services
from ideas.models import Comment, Idea, IdeaStatus
from matching import services
from matching.selectors import matches_for_pilot
from pilots.models import Pilot, PilotStage, idea_can_become_pilot
from tests.browser.conftest import axe_violations, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = Path(__file__).resolve().parents[2] / "test-artifacts" / "axe-summary.json"
FAILING_IMPACTS = {"serious", "critical"}
VIEWS = [("ko", 390), ("en", 1280)]

Step = Callable | None  # what to do on the page before checking it (None: check it as loaded)


# axe passes an aria-describedby naming several ids when one of them exists; a help text or an error
# message whose id is misspelt is then never read out with its field. Every id named must exist.
DANGLING_REFERENCES = """() => {
  const attributes = ["aria-describedby", "aria-labelledby", "aria-controls", "for"];
  return [...document.querySelectorAll(attributes.map((a) => `[${a}]`).join(", "))].flatMap((el) =>
    attributes.flatMap((a) => (el.getAttribute(a) || "").split(/\\s+/).filter(Boolean)
      .filter((id) => !document.getElementById(id))
      .map((id) => `${el.tagName.toLowerCase()}#${el.id} ${a}="${id}"`)));
}"""


def _submit_empty(page) -> None:
    # The forms set novalidate, so the server's errors (with the fields named) are what shows.
    with page.expect_navigation():
        page.click("main form button[type=submit] >> nth=-1")


def _wrong_password(page) -> None:
    page.fill("#id_username", "nobody-by-this-name")
    page.fill("#id_password", "not-the-password")
    _submit_empty(page)


def _open_every_fold(page) -> None:
    # What is folded away is checked too: the moderation queue's reject and revise forms, and the
    # idea's whole text.
    page.evaluate("() => document.querySelectorAll('main details').forEach((d) => { d.open = true; })")


def _pages(
    idea: Idea,
    pilot: Pilot,
    company: Company,
    comment: Comment,
    own_idea: Idea,
    own_hidden: Idea,
    pilotable: Idea,
) -> dict[str | None, list[tuple[str, str, Step]]]:
    """Who looks (None: nobody signed in) and what they open: a name, the address, and a step."""
    return {
        None: [
            ("home", "/", None),
            ("idea-list", "/ideas/", None),
            ("idea", f"/ideas/{idea.pk}/", None),
            ("pilot-list", "/pilots/", None),
            ("pilot", f"/pilots/{pilot.pk}/", None),
            ("log-in", "/accounts/login/", None),
            ("log-in-refused", "/accounts/login/", _wrong_password),
            ("sign-up", "/accounts/signup/", None),
            ("sign-up-errors", "/accounts/signup/", _submit_empty),
            # Answered 404, as a page of the site: a link to what is not (or not yet) public.
            ("not-found", "/ideas/987654/", None),
        ],
        # The idea and the pilot again, with the forms a signed-in citizen gets (support, comment,
        # volunteer with consent).
        "citizen1": [
            ("idea-form", "/ideas/new/", None),
            ("idea-form-errors", "/ideas/new/", _submit_empty),
            ("my-page", "/me/", None),
            ("my-notifications", "/me/notifications/", None),
            ("idea-signed-in", f"/ideas/{idea.pk}/", None),
            ("pilot-signed-in", f"/pilots/{pilot.pk}/", None),
            ("company-register", "/companies/new/", None),
            ("company-register-errors", "/companies/new/", _submit_empty),
            ("comment-delete", f"/comments/{comment.pk}/delete/", None),
            ("idea-own-submitted", f"/ideas/{own_idea.pk}/", None),
            ("idea-delete", f"/ideas/{own_idea.pk}/delete/", None),
            ("idea-own-hidden", f"/ideas/{own_hidden.pk}/", None),
            ("idea-review-request", f"/ideas/{own_hidden.pk}/review/", None),
            ("idea-review-request-errors", f"/ideas/{own_hidden.pk}/review/", _submit_empty),
            ("account-close", "/me/close/", None),
            ("account-close-errors", "/me/close/", _submit_empty),
        ],
        "company1": [
            ("company-matches", f"/companies/{company.slug}/matches/", None),
            ("company-profile-editor", f"/companies/{company.slug}/edit/", None),
            # The company's only owner: the page says why the account cannot be closed yet.
            ("account-close-sole-owner", "/me/close/", None),
        ],
        "staff": [
            ("moderation", "/staff/moderation/", None),
            ("moderation-opened", "/staff/moderation/", _open_every_fold),
            ("dashboard", "/staff/dashboard/", None),
            ("audit-log", "/staff/audit/", None),
            ("pilot-create", f"/staff/ideas/{pilotable.pk}/pilot/", None),
            ("pilot-create-errors", f"/staff/ideas/{pilotable.pk}/pilot/", _submit_empty),
        ],
    }


def test_main_pages_have_no_serious_accessibility_violations(browser_page, live_server):
    call_command("seed_demo", stdout=StringIO())
    services.matching_sweep()  # the company's matches page then lists ideas, as in the demo
    idea = Idea.objects.filter(status=IdeaStatus.PUBLISHED).order_by("-pk").first()
    # A pilot recruiting participants: its page has the most to read and, signed in, to fill in.
    pilot = Pilot.objects.filter(went_public_at__isnull=False, stage=PilotStage.RECRUITING).first()
    company = Company.objects.get(memberships__user__username="company1")
    citizen = User.objects.get(username="citizen1")
    comment = idea_services.comment_create(idea=idea, author=citizen, body="저도 같은 생각이에요.")
    # Waiting for review, so its author may still delete it.
    own_idea = idea_services.idea_submit(
        author=citizen,
        title="동네 공원 가로등이 너무 어두워서 밤에 산책하기가 무서워요",
        problem="저녁 여덟 시만 넘어도 공원 산책로가 어두워서 넘어질까 봐 걱정됩니다.",
        proposal="사람이 지나갈 때만 밝아지는 조명을 AI가 조절해 주면 좋겠어요.",
        category="safety_disaster",
        district="nam_gu",
    )
    # Hidden by the moderators: its author may ask them to look again.
    own_hidden = Idea.objects.filter(author=citizen, status=IdeaStatus.PUBLISHED).exclude(pk=idea.pk).first()
    Idea.objects.filter(pk=own_hidden.pk).update(is_hidden=True)
    # An idea a pilot can be made from, with companies matched with it: its create page lists them
    # in their own group of boxes, above the other companies.
    pilotable = next(
        i for i in Idea.objects.order_by("pk") if idea_can_become_pilot(i) and matches_for_pilot(idea=i)
    )
    pages = _pages(idea, pilot, company, comment, own_idea, own_hidden, pilotable)
    page = browser_page

    counts: Counter[tuple[str, str]] = Counter()
    by_page: dict[str, dict[str, int]] = {}
    failures: list[str] = []
    for language, width in VIEWS:
        page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
        for username, visits in pages.items():
            page.context.clear_cookies()
            page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            if username:
                log_in(page, username, DEMO_PASSWORD)
            for name, url, step in visits:
                response = page.goto(url)
                expected = 404 if name == "not-found" else 200
                assert response.status == expected, f"{url} answered {response.status}"
                if step:
                    step(page)
                assert page.locator("html").get_attribute("lang") == language
                key = f"{name}-{language}-{width}"
                violations = axe_violations(page)
                by_page[key] = {v["id"]: len(v["nodes"]) for v in violations}
                for violation in violations:
                    counts[(violation["id"], violation["impact"] or "none")] += len(violation["nodes"])
                    if violation["impact"] in FAILING_IMPACTS:
                        failures += [
                            f"{key} {url}: {violation['impact']} {violation['id']} "
                            f"({violation['help']}) at {node['target']}: {node['summary']}"
                            for node in violation["nodes"]
                        ]
                dangling = page.evaluate(DANGLING_REFERENCES)
                if dangling:
                    counts[("dangling-id-reference", "serious")] += len(dangling)
                    by_page[key]["dangling-id-reference"] = len(dangling)
                    failures += [f"{key} {url}: serious dangling-id-reference at {d}" for d in dangling]
                screenshot(page, f"axe-{key}")

    summary = {
        "pages_checked": len(by_page),
        "by_rule": [
            {"rule": rule, "impact": impact, "count": count}
            for (rule, impact), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ],
        "by_impact": dict(Counter(impact for (_rule, impact) in counts.elements())),
        "by_page": by_page,
    }
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    print("\naxe violations (rule, impact: elements):")
    for row in summary["by_rule"]:
        print(f"  {row['rule']}, {row['impact']}: {row['count']}")
    print(f"  on {len(by_page)} pages; by impact: {summary['by_impact']}")

    assert len(by_page) == len(VIEWS) * sum(len(visits) for visits in pages.values())
    assert not failures, "\n".join(failures)


def test_the_check_finds_what_a_person_could_not_use(browser_page):
    # The same check on a page given an image without a text alternative and a button without a
    # name: both are critical for someone using a screen reader, and must be reported as such.
    page = browser_page
    page.goto("/accounts/login/")
    page.evaluate(
        """() => {
            const html = '<img src="/static/none.png"><button type="button"></button>';
            document.querySelector("main").insertAdjacentHTML("beforeend", html);
        }"""
    )
    found = {v["id"]: v["impact"] for v in axe_violations(page)}
    assert found.get("image-alt") == "critical"
    assert found.get("button-name") == "critical"
