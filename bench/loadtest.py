"""Load benchmark: requests per second and latency of the main pages and API, served by gunicorn
with the production settings, measured with locust on 127.0.0.1 only.

`make loadtest` runs `python -m bench.loadtest`, which

1. recreates the database `gwangju_ai_load` on the embedded PostgreSQL and starts an embedded
   Redis of its own (var/redis-load), so the data and task queue of `make run` are untouched;
2. migrates, loads the demo data and adds a few thousand ideas with supports, comments and
   company matches, so lists and pages hold what a busy site shows;
3. starts gunicorn (config.settings.production: DEBUG off, static files from whitenoise; workers
   as gunicorn.conf.py sets them unless --workers / --threads say otherwise) on a free loopback
   port;
4. measures each view alone for a fixed time with a fixed number of users sending requests back
   to back, then a mixed run of readers and citizens submitting ideas through the API;
5. checks that every idea the server accepted (201) is stored exactly once;
6. stops gunicorn and its Redis whatever happened, and prints a table.

No Celery worker runs: a submitted idea is saved by the request and matched later, so the
matcher's tasks only queue up in the throwaway Redis. The similar-ideas lookup (which runs the
embedding model) is left out on purpose.
"""

from __future__ import annotations

import argparse
import collections
import io
import itertools
import os
import random
import runpy
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

# locust patches the standard library with gevent when imported; Django is imported only inside
# the functions below, once the environment for the production settings is in place.
import gevent
from locust import FastHttpUser, User, between, constant, task
from locust.env import Environment

from bench.servers import BASE_DIR, http_status, prepare_servers, start_gunicorn, stop_gunicorn, stop_redis

DATABASE = "gwangju_ai_load"
REDIS_NAME = "redis-load"
# Every write of one run carries this in its title, so the check finds exactly this run's writes.
RUN_MARKER = f"LOAD-{secrets.token_hex(4)}"
# Users start at this rate (locust warns above 100 a second) and run for WARM_UP_SECONDS after the
# last has started before a measurement window opens, so spawning is not measured.
SPAWN_RATE = 100
WARM_UP_SECONDS = 3.0
CHEAPEST_CANDIDATES = ("/health/", "/accounts/login/")


@dataclass
class Fixture:
    """What the simulated users need to know about the data loaded."""

    idea_ids: list[int]
    company_slug: str
    member_cookie: str
    writer_tokens: list[str]
    texts: list[tuple[str, str]]
    idea_count: int


@dataclass
class Result:
    name: str
    users: str
    requests: int
    failures: int
    seconds: float
    p50: float
    p99: float
    failure_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


# --- servers and data ----------------------------------------------------------------------


def load_data(*, extra_ideas: int, citizens: int, writers: int) -> Fixture:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.models import User as Account
    from companies.models import Company, Membership
    from ideas.models import MATCHABLE_STATUSES, PUBLIC_STATUSES, Comment, Idea, IdeaStatus, Support
    from matching.models import Match, MatchStrength

    quiet = io.StringIO()
    call_command("migrate", "--no-input", verbosity=0, stdout=quiet)
    # Its own file: the demo station's key in `make run`'s would not open this database's station.
    call_command("seed_demo", donations_file=BASE_DIR / "var" / "loadtest-demo-donations.json", stdout=quiet)
    # The manifest storage of production refuses to render a page whose static files were not collected.
    call_command("collectstatic", "--no-input", verbosity=0, stdout=quiet)

    rng = random.Random(2026)
    demo = list(Idea.objects.order_by("pk"))
    no_password = make_password(None)
    people = Account.objects.bulk_create(
        Account(
            username=f"load-citizen-{n}",
            display_name=f"시민 {n}",
            email=f"load-citizen-{n}@example.org",
            password=no_password,
        )
        for n in range(citizens)
    )
    statuses = [IdeaStatus.PUBLISHED] * 16 + [IdeaStatus.MATCHED] * 2 + [IdeaStatus.SUBMITTED] * 2
    new_ideas = []
    for n in range(extra_ideas):
        source = rng.choice(demo)
        status = rng.choice(statuses)
        new_ideas.append(
            Idea(
                title=f"{source.title[:100]} ({n + 1})",
                problem=source.problem,
                proposal=source.proposal,
                beneficiaries=source.beneficiaries,
                category=source.category,
                district=source.district,
                language=source.language,
                author=rng.choice(people),
                status=status,
            )
        )
    ideas = Idea.objects.bulk_create(new_ideas, batch_size=500)
    with connection.cursor() as cursor:
        # Spread the ideas over a year, as a list sorted by date would see them.
        cursor.execute(
            "UPDATE ideas_idea SET created_at = now() - random() * interval '365 days' WHERE id >= %s",
            [ideas[0].pk],
        )
        cursor.execute(
            "UPDATE ideas_idea SET published_at = created_at + interval '1 day', updated_at = created_at"
            " WHERE id >= %s AND status <> %s",
            [ideas[0].pk, IdeaStatus.SUBMITTED],
        )
    public = [idea for idea in ideas if idea.status in PUBLIC_STATUSES]
    supports, comments = [], []
    for idea in public:
        # A few ideas draw most supporters, as on any petition site.
        for person in rng.sample(people, min(len(people), int(rng.paretovariate(1.2)) - 1)):
            supports.append(Support(idea=idea, user=person))
        for _ in range(rng.randint(0, 3)):
            comments.append(Comment(idea=idea, author=rng.choice(people), body=rng.choice(demo).proposal))
    Support.objects.bulk_create(supports, batch_size=2000, ignore_conflicts=True)
    Comment.objects.bulk_create(comments, batch_size=2000)

    # The matcher does not run here: each verified company gets ranked suggestions as it would.
    matchable = [idea for idea in ideas if idea.status in MATCHABLE_STATUSES]
    per_idea: collections.Counter[int] = collections.Counter()
    matches = []
    for company in Company.objects.filter(is_verified=True):
        picked = rng.sample(matchable, min(len(matchable), 2 * settings.MATCHES_PER_COMPANY))
        for rank, idea in enumerate(picked, start=1):
            per_idea[idea.pk] += 1
            matches.append(
                Match(
                    idea=idea,
                    company=company,
                    score=round(1.0 - rank / 100, 3),
                    # The page shows the strong and possible ones (with a form each), as the
                    # matcher would rank a busy company's best ideas; the rest are behind a link.
                    strength=MatchStrength.STRONG
                    if rank <= 5
                    else MatchStrength.POSSIBLE
                    if rank <= settings.MATCHES_PER_COMPANY
                    else MatchStrength.WEAK,
                    rank_for_company=rank if rank <= settings.MATCHES_PER_COMPANY else None,
                    rank_for_idea=per_idea[idea.pk]
                    if per_idea[idea.pk] <= settings.MATCHES_PER_IDEA
                    else None,
                    reason={
                        "idea_field": "problem",
                        "idea_text": idea.problem[:80],
                        "company_field": "technology",
                        "company_text": (company.technologies or [company.summary])[0],
                    },
                )
            )
    Match.objects.bulk_create(matches, batch_size=2000)

    writer_accounts = Account.objects.bulk_create(
        Account(username=f"load-writer-{n}", display_name=f"작성자 {n}", password=no_password)
        for n in range(writers)
    )
    tokens = [Token.objects.create(user=account).key for account in writer_accounts]

    membership = Membership.objects.select_related("company", "user").get(user__username="company1")
    browser = Client()
    browser.force_login(membership.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"

    fixture = Fixture(
        idea_ids=list(
            Idea.objects.filter(status__in=PUBLIC_STATUSES, is_hidden=False).values_list("pk", flat=True)
        ),
        company_slug=membership.company.slug,
        member_cookie=cookie,
        writer_tokens=tokens,
        texts=[(idea.problem, idea.proposal) for idea in demo],
        idea_count=Idea.objects.count(),
    )
    print(
        f"Loaded {fixture.idea_count} ideas ({len(fixture.idea_ids)} public), {len(supports)} supports, "
        f"{len(comments)} comments, {len(matches)} matches, "
        f"{len(people) + len(writer_accounts)} extra accounts."
    )
    # gunicorn's workers open their own connections; this process needs one again only to check.
    connections.close_all()
    return fixture


def check_writes(accepted: list[tuple[str, int]]) -> tuple[int, int, int, int]:
    """Return (accepted, stored exactly once, duplicated, stored without an accepted reply)."""
    from ideas.models import Idea

    stored = collections.Counter()
    ids: dict[str, set[int]] = collections.defaultdict(set)
    for pk, title in Idea.objects.filter(title__startswith=f"{RUN_MARKER} ").values_list("pk", "title"):
        marker = title.split(" ", 2)[1]
        stored[marker] += 1
        ids[marker].add(pk)
    accepted_markers = {marker for marker, _pk in accepted}
    exactly_once = sum(1 for marker, pk in accepted if stored[marker] == 1 and ids[marker] == {pk})
    duplicated = sum(1 for count in stored.values() if count > 1)
    unreplied = sum(1 for marker in stored if marker not in accepted_markers)
    return len(accepted), exactly_once, duplicated, unreplied


# --- simulated users -----------------------------------------------------------------------


def get_user(path: str, *, name: str, headers: dict[str, str] | None = None) -> type[User]:
    """A user class requesting `path` (a string, or a callable returning one) back to back."""

    def fetch(self: FastHttpUser) -> None:
        url = path() if callable(path) else path
        self.client.get(url, name=name, headers=headers)

    return type(
        "GetUser",
        (FastHttpUser,),
        {"wait_time": constant(0), "tasks": [fetch], "network_timeout": 60.0, "connection_timeout": 60.0},
    )


def mixed_users(
    fixture: Fixture, *, readers: int, writers: int, accepted: list[tuple[str, int]]
) -> list[type[User]]:
    rng = random.Random(7)
    tokens = list(fixture.writer_tokens)

    def idea_path() -> str:
        return f"/ideas/{rng.choice(fixture.idea_ids)}/"

    class Reader(FastHttpUser):
        fixed_count = readers
        wait_time = between(1, 3)
        network_timeout = connection_timeout = 60.0

        @task(3)
        def idea_list(self) -> None:
            self.client.get(f"/ideas/?page={rng.randint(1, 5)}", name="/ideas/")

        @task(2)
        def idea_list_api(self) -> None:
            self.client.get(f"/api/v1/ideas/?page={rng.randint(1, 5)}", name="/api/v1/ideas/")

        @task(4)
        def idea_page(self) -> None:
            self.client.get(idea_path(), name="/ideas/<id>/")

        @task(1)
        def idea_api(self) -> None:
            self.client.get(f"/api/v1/ideas/{rng.choice(fixture.idea_ids)}/", name="/api/v1/ideas/<id>/")

    class Writer(FastHttpUser):
        fixed_count = writers
        # About 30 writes a minute each, under the API's write throttle of 60 a minute per user.
        wait_time = between(1, 3)
        network_timeout = connection_timeout = 60.0

        def on_start(self) -> None:
            self.token = tokens.pop()
            self.number = len(tokens)
            self.sequence = 0

        @task
        def submit_idea(self) -> None:
            self.sequence += 1
            marker = f"{self.number:02d}-{self.sequence:05d}"
            problem, proposal = rng.choice(fixture.texts)
            body = {
                "title": f"{RUN_MARKER} {marker} 버스 도착 알림이 더 정확했으면 해요",
                "problem": problem,
                "proposal": proposal,
                "category": "mobility",
                "district": rng.choice(["dong_gu", "seo_gu", "nam_gu", "buk_gu", "gwangsan_gu"]),
            }
            with self.client.post(
                "/api/v1/ideas/",
                json=body,
                headers={"Authorization": f"Token {self.token}"},
                name="POST /api/v1/ideas/",
                catch_response=True,
            ) as response:
                if response.status_code == 201:
                    accepted.append((marker, response.json()["id"]))
                    response.success()
                else:
                    response.failure(f"HTTP {response.status_code}")

    return [Reader, Writer]


def measure(
    base_url: str, user_classes: list[type[User]], *, users: int, seconds: float, name: str, users_label: str
) -> tuple[Result, dict[str, Result]]:
    """Run the users for WARM_UP_SECONDS, then count `seconds` of requests; return the total and
    each request name's figures."""
    env = Environment(user_classes=user_classes, host=base_url, stop_timeout=15)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=min(users, SPAWN_RATE))
    gevent.sleep(users / SPAWN_RATE + WARM_UP_SECONDS)
    env.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(seconds)
    elapsed = time.monotonic() - started

    def result(entry, label: str) -> Result:
        return Result(
            name=label,
            users=users_label,
            requests=entry.num_requests,
            failures=entry.num_failures,
            seconds=elapsed,
            p50=entry.get_response_time_percentile(0.5) or 0.0,
            p99=entry.get_response_time_percentile(0.99) or 0.0,
        )

    total = result(env.stats.total, name)
    total.failure_kinds = {
        f"{error.name}: {error.error}": error.occurrences for error in env.stats.errors.values()
    }
    parts = {
        entry_name: result(entry, entry_name) for (entry_name, _method), entry in env.stats.entries.items()
    }
    # Writers finish the request they are in, so every 201 they receive is recorded.
    runner.stop()
    runner.quit()
    return total, parts


def gunicorn_label(*, workers: int | None, threads: int | None) -> str:
    """What gunicorn runs, from the options given and gunicorn.conf.py for the others."""
    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    workers = config["workers"] if workers is None else workers
    if threads is None:
        threads = config["threads"] if config["worker_class"] == "gthread" else 1
    return f"{workers} gthread workers of {threads} threads" if threads > 1 else f"{workers} sync workers"


# --- report --------------------------------------------------------------------------------


def row(result: Result, cheapest_rps: float | None) -> str:
    ratio = f"{result.rps / cheapest_rps:9.2f}" if cheapest_rps else f"{'':>9}"
    return (
        f"{result.name:<44} {result.users:>9} {result.rps:8.1f} {result.p50:8.0f} {result.p99:8.0f}"
        f" {result.failures:7d} {ratio}"
    )


HEADER = (
    f"{'scenario':<44} {'users':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7} {'× cheapest':>9}"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20, help="measured time of each single view")
    parser.add_argument("--users", type=int, default=20, help="users of each single-view run")
    parser.add_argument("--mixed-seconds", type=float, default=30, help="measured time of the mixed run")
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--extra-ideas", type=int, default=2000)
    parser.add_argument("--workers", type=int, help="gunicorn worker processes (default: gunicorn.conf.py's)")
    parser.add_argument(
        "--threads",
        type=int,
        help="threads per worker: 1 for sync workers, more for gthread ones (default: gunicorn.conf.py's)",
    )
    options = parser.parse_args(argv)

    load_before = os.getloadavg()
    os.environ.update(prepare_servers(database=DATABASE, redis_name=REDIS_NAME))
    gunicorn = None
    try:
        fixture = load_data(extra_ideas=options.extra_ideas, citizens=300, writers=options.writers)
        log_path = BASE_DIR / "var" / "loadtest-gunicorn.log"
        gunicorn, base_url = start_gunicorn(
            workers=options.workers,
            threads=options.threads,
            log_path=log_path,
            ready_path=CHEAPEST_CANDIDATES[-1],
        )
        workers_label = gunicorn_label(workers=options.workers, threads=options.threads)
        cheapest_path = next(p for p in CHEAPEST_CANDIDATES if http_status(base_url + p) == 200)
        rng = random.Random(11)
        member = {"Cookie": fixture.member_cookie}
        misses = itertools.count()
        views: list[tuple[str, str | Callable[[], str], dict[str, str] | None]] = [
            (f"GET {cheapest_path} (cheapest)", cheapest_path, None),
            ("GET /ideas/", "/ideas/", None),
            ("GET /api/v1/ideas/", "/api/v1/ideas/", None),
            ("GET /ideas/<id>/", lambda: f"/ideas/{rng.choice(fixture.idea_ids)}/", None),
            # The same, each request a miss of the page cache (its key holds the query string): what
            # rendering the page costs, however many of the random ideas the run above repeated.
            (
                "GET /ideas/<id>/?miss=<n> (uncached)",
                lambda: f"/ideas/{rng.choice(fixture.idea_ids)}/?miss={next(misses)}",
                None,
            ),
            (
                "GET /companies/<slug>/matches/ (member)",
                f"/companies/{fixture.company_slug}/matches/",
                member,
            ),
        ]
        print(
            f"gunicorn {workers_label} at {base_url}, config.settings.production; "
            f"{os.cpu_count()} CPUs, load average before {load_before[0]:.2f}.\n"
            f"Each view: {options.users} users back to back, {WARM_UP_SECONDS:.0f} s warm-up, "
            f"{options.seconds:.0f} s measured."
        )
        print(HEADER)
        results: list[Result] = []
        for name, path, headers in views:
            user_class = get_user(path, name=name, headers=headers)
            total, _parts = measure(
                base_url,
                [user_class],
                users=options.users,
                seconds=options.seconds,
                name=name,
                users_label=str(options.users),
            )
            results.append(total)
            print(row(total, results[0].rps), flush=True)
            for kind, count in total.failure_kinds.items():
                print(f"    {count} × {kind}")

        accepted: list[tuple[str, int]] = []
        print(
            f"Mixed: {options.readers} readers and {options.writers} writers, each waiting 1–3 s between "
            f"requests; {options.mixed_seconds:.0f} s measured."
        )
        mixed, parts = measure(
            base_url,
            mixed_users(fixture, readers=options.readers, writers=options.writers, accepted=accepted),
            users=options.readers + options.writers,
            seconds=options.mixed_seconds,
            name=f"mixed: {options.readers} readers + {options.writers} writers",
            users_label=str(options.readers + options.writers),
        )
    finally:
        if gunicorn is not None:
            stop_gunicorn(gunicorn)
        stop_redis(redis_name=REDIS_NAME)

    count, stored, duplicated, unreplied = check_writes(accepted)
    cheapest = results[0].rps
    # The mixed run's rate is set by its users' pauses, so it is no measure against the cheapest view.
    lines = [HEADER, *(row(r, cheapest) for r in results), row(mixed, None)]
    for name in sorted(parts):
        part = parts[name]
        part.name = f"  {name}"
        part.users = ""
        lines.append(row(part, None))
    lines.append(f"writes accepted {count}, stored {stored}, duplicates {duplicated}")
    print()
    print("\n".join(lines))
    for kind, number in mixed.failure_kinds.items():
        print(f"    {number} × {kind}")
    if unreplied:
        print(f"({unreplied} more ideas were stored whose reply the run stopped before reading.)")
    if stored != count or duplicated:
        print("FAILED: an accepted write is missing or stored twice.", file=sys.stderr)
        return 1
    if not count:
        print("FAILED: no write was accepted, so none could be checked.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
