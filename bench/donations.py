"""Data donation benchmark: how many readings a donation station can post, and how long a
company's result takes to reach the donor's screen, through the real HTTP API served by gunicorn
with the production settings on 127.0.0.1 only.

`make bench-donations` runs `python -m bench.donations`, which

1. recreates the database `gwangju_ai_donations_bench` on the embedded PostgreSQL and starts an
   embedded Redis of its own (var/redis-donations-bench), so `make run`'s data is untouched;
2. migrates and sets up a running blood-pressure pilot with one company, one consenting donor
   per station and its one-time code, and the stations (registered as staff would);
3. starts gunicorn (config.settings.production) on a free loopback port, with the station
   throttle and the API's write throttle raised for the run (it says so), so the figures are the
   server's and not the limits';
4. readings: for each number of stations, every station opens a visit with its donor's code and
   posts readings back to back for a fixed time; every reading the server accepted (201) must
   then be stored exactly once and decrypt to the values sent;
5. results: in each trial the station posts a reading and the company posts a result about it
   with its token, at one of points spread evenly over the screen's poll cycle (a company answers
   on its own clock); a poller does what the kiosk does (the visit's screen endpoint, polled at
   the kiosk's own interval, read from its template; three kiosks share the trials, to finish
   sooner) and the time from the result's 201 to the first poll answer showing it is recorded.
   The same with a poller every 100 ms shows the server's part alone, and a donor loading My
   donations every 100 ms shows when the page has it;
6. stops gunicorn and its Redis whatever happened, and prints a table (or `--json`).

No Celery worker runs: a result's notification only queues up in the throwaway Redis.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from bench.servers import BASE_DIR, prepare_servers, start_gunicorn, stop_gunicorn, stop_redis

DATABASE = "gwangju_ai_donations_bench"
REDIS_NAME = "redis-donations-bench"
# High enough that no call of the run is ever throttled; the output names the configured rates.
RAISED_RATE = "1000000/minute"
CATEGORY = "blood_pressure"
BLOOD_PRESSURE_FIELDS = [
    {"code": "systolic", "label": "수축기 혈압", "unit": "mmHg", "min": 50, "max": 250},
    {"code": "diastolic", "label": "이완기 혈압", "unit": "mmHg", "min": 30, "max": 150},
    {"code": "pulse", "label": "맥박", "unit": "bpm", "min": 30, "max": 220},
]
KIOSK_TEMPLATE = BASE_DIR / "templates" / "donations" / "kiosk.html"
KIOSK_SCRIPT = BASE_DIR / "static" / "js" / "kiosk.js"
SERVER_POLL_SECONDS = 0.1
# Every result of one run carries this in its text, so a poller knows it when a screen shows it.
RUN_MARKER = f"BENCH-{secrets.token_hex(3).upper()}"
REQUEST_TIMEOUT = 30.0


def kiosk_poll_seconds() -> float:
    """The interval the kiosk polls its visit at: its template's data-poll-ms, else the
    script's own default. Read, not repeated here, so the bench follows the kiosk."""
    configured = re.search(r'data-poll-ms="(\d+)"', KIOSK_TEMPLATE.read_text(encoding="utf-8"))
    if configured is None:
        configured = re.search(r"dataset\.pollMs\)\s*\|\|\s*(\d+)", KIOSK_SCRIPT.read_text(encoding="utf-8"))
    if configured is None:
        raise RuntimeError(f"No poll interval found in {KIOSK_TEMPLATE} nor {KIOSK_SCRIPT}.")
    return int(configured.group(1)) / 1000


def percentile(values: list[float], share: float) -> float | None:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def milliseconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    body: bytes
    received: float

    def json(self) -> Any:
        return json.loads(self.body)


def http_call(
    base_url: str, method: str, path: str, *, headers: dict[str, str], body: dict | None = None
) -> Answer:
    """One request on a connection of its own, as gunicorn's sync workers close each one."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base_url + path, data=data, method=method)
    for name, value in {"Accept": "application/json", **headers}.items():
        request.add_header(name, value)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:
            content = response.read()
            return Answer(response.status, content, time.monotonic())
    except urllib.error.HTTPError as error:
        content = error.read()
        return Answer(error.code, content, time.monotonic())
    except OSError:
        return Answer(0, b"", time.monotonic())


def station_headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Station {key}", "Accept-Language": "ko"}


def reading_values(rng: random.Random) -> dict[str, float]:
    return {
        "systolic": float(rng.randint(95, 175)),
        "diastolic": float(rng.randint(55, 105)),
        "pulse": float(rng.randint(50, 120)),
    }


# --- data ----------------------------------------------------------------------------------


@dataclass
class Donor:
    station_key: str
    code: str


@dataclass
class Fixture:
    pilot_id: int
    company_token: str
    # One station and donor per station of the readings runs, and one per kiosk of the result
    # trials; the first kiosk's donor also loads My donations.
    donors: list[Donor]
    kiosk_donors: list[Donor]
    kiosk_donor_cookie: str
    configured_rates: dict[str, str]


def load_data(*, stations: int, kiosks: int) -> Fixture:
    import django

    django.setup()
    import io

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from companies.models import Company, MemberRole, Membership
    from donations import services as donation_services
    from ideas.models import Category, District, Idea, IdeaStatus
    from pilots import services as pilot_services
    from pilots.models import PilotStage

    quiet = io.StringIO()
    call_command("migrate", "--no-input", verbosity=0, stdout=quiet)
    # The manifest storage of production refuses to render a page whose static files were not collected.
    call_command("collectstatic", "--no-input", verbosity=0, stdout=quiet)

    staff = User.objects.create_user(username="bench-staff", display_name="시청 담당자", is_staff=True)
    company = Company.objects.create(
        name="빛고을헬스 벤치",
        slug="bench-health",
        summary="혈압 측정값을 실시간으로 분석합니다.",
        is_verified=True,
    )
    analyst = User.objects.create_user(username="bench-analyst", display_name="분석 담당")
    Membership.objects.create(company=company, user=analyst, role=MemberRole.OWNER)
    idea = Idea.objects.create(
        title="공원 산책길에서 혈압을 재고 바로 알려 주면 좋겠어요",
        problem="혈압을 재러 보건소에 갈 시간이 없는 주민이 많습니다.",
        proposal="공원 건강측정소에서 잰 혈압을 AI가 분석해 그 자리에서 알려 줍니다.",
        beneficiaries="공원을 걷는 주민",
        category=Category.HEALTH,
        district=District.BUK_GU,
        language="ko",
        author=User.objects.create_user(username="bench-author", display_name="제안한 시민"),
        status=IdeaStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    pilot = pilot_services.pilot_create(
        by=staff,
        idea=idea,
        companies=[company],
        title="운천저수지 공원 혈압 측정 실증",
        description="산책하는 시민이 혈압과 맥박을 기부하고 결과를 바로 받습니다.",
        venue="운천저수지 공원",
    )
    pilot = pilot_services.pilot_change_stage(pilot=pilot, by=staff, stage=PilotStage.RECRUITING)
    data_request = donation_services.data_request_add(
        pilot=pilot,
        by=staff,
        category_code=CATEGORY,
        category_label="혈압과 맥박",
        fields=BLOOD_PRESSURE_FIELDS,
        purpose="공원 건강측정소에서 혈압을 실시간으로 분석해 알려 드리기 위해",
        retention_days=30,
    )
    volunteers = []
    for number in range(stations + kiosks):
        user = User.objects.create_user(username=f"bench-donor-{number}", display_name=f"기부자 {number}")
        volunteer = pilot_services.pilot_volunteer_join(pilot=pilot, user=user)
        donation_services.consent_give(volunteer=volunteer, data_request=data_request)
        volunteers.append(volunteer)
    pilot = pilot_services.pilot_change_stage(pilot=pilot, by=staff, stage=PilotStage.RUNNING)
    donors = []
    for number, volunteer in enumerate(volunteers):
        registered = donation_services.station_register(
            pilot=pilot, by=staff, name=f"운천저수지 공원 {number + 1}번 측정소"
        )
        _code, code = donation_services.donor_code_issue(volunteer=volunteer)
        donors.append(Donor(station_key=registered.key, code=code))

    browser = Client()
    browser.force_login(volunteers[stations].user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    fixture = Fixture(
        pilot_id=pilot.pk,
        company_token=Token.objects.create(user=analyst).key,
        donors=donors[:stations],
        kiosk_donors=donors[stations:],
        kiosk_donor_cookie=cookie,
        configured_rates={"station": rates["station"], "writes": rates["writes"]},
    )
    # gunicorn's workers open their own connections; this process needs one again only to check.
    connections.close_all()
    return fixture


@dataclass
class Visit:
    id: int
    donor_id: str
    station_key: str


def visit_open(base_url: str, donor: Donor) -> Visit:
    answer = http_call(
        base_url,
        "POST",
        "/api/v1/station/visits/",
        headers=station_headers(donor.station_key),
        body={"code": donor.code},
    )
    if answer.status != 201:
        raise RuntimeError(f"Opening a visit answered {answer.status}: {answer.body[:300]!r}")
    data = answer.json()
    return Visit(id=data["id"], donor_id=data["donor_id"], station_key=donor.station_key)


# --- readings a station posts --------------------------------------------------------------


@dataclass
class Accepted:
    reading_id: int
    donation_id: int
    visit_id: int
    values: dict[str, float]


@dataclass
class ReadingsRun:
    stations: int
    seconds: float
    readings: int
    p50_ms: float | None
    p99_ms: float | None
    refused: dict[str, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.readings / self.seconds if self.seconds else 0.0


def readings_run(
    base_url: str, visits: list[Visit], *, warm_up: float, seconds: float, accepted: list[Accepted]
) -> ReadingsRun:
    """Every visit's station posts readings back to back; the answers that arrive within the
    measured window count. Each station finishes the request it is in, so every 201 is kept."""
    start = time.monotonic() + 0.2
    window_start, window_end = start + warm_up, start + warm_up + seconds
    latencies: list[float] = []
    refused: Counter[str] = Counter()
    lock = threading.Lock()

    def station(visit: Visit, seed: int) -> None:
        rng = random.Random(seed)
        path = f"/api/v1/station/visits/{visit.id}/readings/"
        headers = station_headers(visit.station_key)
        while time.monotonic() < start:
            time.sleep(0.001)
        while time.monotonic() < window_end:
            values = reading_values(rng)
            sent = time.monotonic()
            answer = http_call(
                base_url, "POST", path, headers=headers, body={"category": CATEGORY, "values": values}
            )
            in_window = sent >= window_start and answer.received <= window_end
            with lock:
                if answer.status == 201:
                    data = answer.json()
                    accepted.append(Accepted(data["id"], data["donation_id"], visit.id, values))
                    if in_window:
                        latencies.append((answer.received - sent) * 1000)
                else:
                    refused[str(answer.status or "no answer")] += 1

    threads = [
        threading.Thread(target=station, args=(visit, number), daemon=True)
        for number, visit in enumerate(visits)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ReadingsRun(
        stations=len(visits),
        seconds=seconds,
        readings=len(latencies),
        p50_ms=percentile(latencies, 0.5),
        p99_ms=percentile(latencies, 0.99),
        refused=dict(refused),
    )


@dataclass
class StoredCheck:
    accepted: int
    stored_once: int
    decrypted: int
    duplicates: int
    stored_without_reply: int

    @property
    def ok(self) -> bool:
        return (
            self.accepted > 0
            and self.stored_once == self.accepted
            and self.decrypted == self.accepted
            and not self.duplicates
        )


def check_stored(accepted: list[Accepted], visit_ids: list[int]) -> StoredCheck:
    """Looks up every accepted reading in the database: one row, in its own donation, of the visit
    it was posted to, decrypting to the values sent."""
    from django.db.models import Count

    from donations.models import Donation, Reading

    stored = {
        reading.pk: reading
        for reading in Reading.objects.filter(donation__visit_id__in=visit_ids).select_related("donation")
    }
    readings_per_donation = dict(
        Donation.objects.filter(visit_id__in=visit_ids)
        .annotate(rows=Count("readings"))
        .values_list("pk", "rows")
    )
    times_accepted = Counter(entry.reading_id for entry in accepted)
    stored_once = decrypted = 0
    for entry in accepted:
        reading = stored.get(entry.reading_id)
        if (
            reading is None
            or times_accepted[entry.reading_id] != 1
            or reading.donation_id != entry.donation_id
            or reading.donation.visit_id != entry.visit_id
            or readings_per_donation.get(entry.donation_id) != 1
        ):
            continue
        stored_once += 1
        if {code: float(value) for code, value in reading.values.items()} == entry.values:
            decrypted += 1
    return StoredCheck(
        accepted=len(accepted),
        stored_once=stored_once,
        decrypted=decrypted,
        duplicates=sum(1 for count in times_accepted.values() if count > 1),
        stored_without_reply=len(set(stored) - set(times_accepted)),
    )


# --- a company's result on the donor's screen ----------------------------------------------


class ScreenPoller(threading.Thread):
    """Loads a screen as a client does: a request, then `interval` seconds after its answer the
    next one (the kiosk's setTimeout). Notes when an answer first shows each watched marker."""

    def __init__(self, *, fetch: Callable[[], Answer], interval: float) -> None:
        super().__init__(daemon=True)
        self.fetch = fetch
        self.interval = interval
        self.stopping = threading.Event()
        self.changed = threading.Condition()
        self.watched: set[str] = set()
        self.first_seen: dict[str, float] = {}
        self.polls = 0
        self.last_answer = 0.0
        self.failures: Counter[str] = Counter()

    def watch(self, marker: str) -> None:
        with self.changed:
            self.watched.add(marker)

    def moment_in_cycle(self, phase: float) -> float:
        """The time `phase` seconds after an answer, the last one if that is still ahead, else the
        next one's: the next poll leaves `interval` after an answer, so a phase is a point of the
        cycle."""
        with self.changed:
            if time.monotonic() > self.last_answer + phase:
                answered = self.polls
                self.changed.wait_for(lambda: self.polls > answered, timeout=self.interval + REQUEST_TIMEOUT)
            return self.last_answer + phase

    def wait_for(self, marker: str, timeout: float) -> float | None:
        with self.changed:
            self.changed.wait_for(lambda: marker in self.first_seen, timeout=timeout)
            return self.first_seen.get(marker)

    def run(self) -> None:
        while not self.stopping.is_set():
            answer = self.fetch()
            with self.changed:
                self.polls += 1
                self.last_answer = answer.received
                if answer.status == 200:
                    for marker in self.watched - self.first_seen.keys():
                        if marker.encode() in answer.body:
                            self.first_seen[marker] = answer.received
                else:
                    self.failures[str(answer.status or "no answer")] += 1
                self.changed.notify_all()
            self.stopping.wait(self.interval)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=REQUEST_TIMEOUT + 5)


@dataclass
class Screen:
    """A donor at a station, and the screen that shows them their results."""

    visit: Visit
    fetch: Callable[[], Answer]


@dataclass
class ScreenRun:
    screen: str
    interval_ms: float
    screens: int
    trials: int
    seen: int
    p50_ms: float | None
    p95_ms: float | None
    max_ms: float | None
    polls: int
    failures: dict[str, int] = field(default_factory=dict)
    delays_ms: list[float] = field(default_factory=list)


def screen_trials(
    base_url: str, fixture: Fixture, screen: Screen, *, interval: float, phases: list[float], label: str
) -> tuple[list[float], Counter[str], int]:
    """For each phase: a reading from the station, then the company's result about it, posted
    `phase` seconds into the screen's poll cycle; returns the delays from the result's 201 to the
    first poll answer that shows it, what failed, and how many polls were made."""
    rng = random.Random(label)
    company = {"Authorization": f"Token {fixture.company_token}", "Accept-Language": "ko"}
    visit = screen.visit

    def post_reading() -> Answer:
        return http_call(
            base_url,
            "POST",
            f"/api/v1/station/visits/{visit.id}/readings/",
            headers=station_headers(visit.station_key),
            body={"category": CATEGORY, "values": reading_values(rng)},
        )

    poller = ScreenPoller(fetch=screen.fetch, interval=interval)
    poller.start()
    delays: list[float] = []
    failures: Counter[str] = Counter()
    try:
        reading = post_reading()
        for trial, phase in enumerate(phases):
            if reading.status != 201:
                failures[f"reading {reading.status or 'no answer'}"] += 1
                reading = post_reading()
                continue
            marker = f"{RUN_MARKER}-{label}-{trial:03d}"
            poller.watch(marker)
            time.sleep(max(0.0, poller.moment_in_cycle(phase) - time.monotonic()))
            result = http_call(
                base_url,
                "POST",
                f"/api/v1/pilots/{fixture.pilot_id}/donations/results/",
                headers=company,
                body={
                    "donor": visit.donor_id,
                    "donation": reading.json()["donation_id"],
                    "text": f"혈압이 정상 범위입니다. ({marker})",
                    "level": "normal",
                },
            )
            # The next trial's reading goes while the screen catches up, as a device's would.
            reading = post_reading()
            if result.status != 201:
                failures[f"result {result.status or 'no answer'}"] += 1
                continue
            seen_at = poller.wait_for(marker, timeout=3 * interval + 10)
            if seen_at is None:
                failures["never shown"] += 1
                continue
            delays.append((seen_at - result.received) * 1000)
    finally:
        poller.stop()
    failures.update(poller.failures)
    return delays, failures, poller.polls


def screen_run(
    base_url: str,
    fixture: Fixture,
    screens: list[Screen],
    *,
    name: str,
    interval: float,
    trials: int,
    label: str,
) -> ScreenRun:
    """`trials` results, posted at points spread evenly over the poll cycle (a company answers
    on its own clock, so every point is as likely), shared out among screens running at once."""
    phases = [(number + 0.5) / trials * interval for number in range(trials)]
    random.Random(label).shuffle(phases)
    outcomes: list[tuple[list[float], Counter[str], int]] = []
    lock = threading.Lock()

    def run(number: int, screen: Screen) -> None:
        outcome = screen_trials(
            base_url,
            fixture,
            screen,
            interval=interval,
            phases=phases[number :: len(screens)],
            label=f"{label}{number}",
        )
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(number, screen)) for number, screen in enumerate(screens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    delays = [delay for outcome in outcomes for delay in outcome[0]]
    failures: Counter[str] = Counter()
    for outcome in outcomes:
        failures.update(outcome[1])
    return ScreenRun(
        screen=name,
        interval_ms=interval * 1000,
        screens=len(screens),
        trials=trials,
        seen=len(delays),
        p50_ms=percentile(delays, 0.5),
        p95_ms=percentile(delays, 0.95),
        max_ms=max(delays) if delays else None,
        polls=sum(outcome[2] for outcome in outcomes),
        failures=dict(failures),
        delays_ms=sorted(round(delay, 1) for delay in delays),
    )


# --- report --------------------------------------------------------------------------------


def report(summary: dict) -> str:
    readings = summary["readings"]
    check = readings["check"]
    throttles = summary["throttles"]
    lines = [
        f"{summary['cpu_count']} CPU cores (load average {summary['load_average_before']:.2f} before the "
        f"run), gunicorn {summary['gunicorn_workers']} sync workers, config.settings.production, client on "
        "the same machine.",
        f"Throttles raised for the run: per station {throttles['station']['configured']} → "
        f"{throttles['station']['raised_to']}, API writes per user {throttles['writes']['configured']} → "
        f"{throttles['writes']['raised_to']}.",
        "",
        f"Readings a station posts: POST /api/v1/station/visits/<id>/readings/ back to back, "
        f"{readings['warm_up_seconds']:g} s warm-up, {readings['seconds']:g} s measured",
        f"{'stations':>8} {'readings/s':>11} {'per station':>12} {'p50 ms':>8} {'p99 ms':>8}  refused",
    ]
    for run in readings["runs"]:
        refused = ", ".join(f"{count} × {status}" for status, count in run["refused"].items()) or "0"
        lines.append(
            f"{run['stations']:>8} {run['per_second']:>11.1f} {run['per_second'] / run['stations']:>12.1f}"
            f" {milliseconds(run['p50_ms']):>8} {milliseconds(run['p99_ms']):>8}  {refused}"
        )
    lines.append(
        f"accepted (201) {check['accepted']}, stored exactly once {check['stored_once']}, "
        f"decrypt to the values sent {check['decrypted']}, duplicates {check['duplicates']}"
        + (
            f", stored without a reply {check['stored_without_reply']}"
            if check["stored_without_reply"]
            else ""
        )
    )
    screen = summary["screen"]
    lines += [
        "",
        f"A company's result on the donor's screen: {screen['trials']} results each, posted at points "
        "spread evenly over the poll cycle; from the result's 201 to the first answer showing it",
        f"{'screen':<52} {'polled every':>12} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'seen':>7}",
    ]
    for run in screen["runs"]:
        every = f"{run['interval_ms']:.0f} ms" + (f" ×{run['screens']}" if run["screens"] > 1 else "")
        seen = f"{run['seen']}/{run['trials']}"
        lines.append(
            f"{run['screen']:<52} {every:>12} {milliseconds(run['p50_ms']):>7}"
            f" {milliseconds(run['p95_ms']):>7} {milliseconds(run['max_ms']):>7} {seen:>7}"
        )
        for kind, count in run["failures"].items():
            lines.append(f"    {count} × {kind}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--stations", default="1,4", help="numbers of stations posting at once, comma-separated (1,4)"
    )
    parser.add_argument("--seconds", type=float, default=10, help="measured time of each readings run")
    parser.add_argument("--warm-up", type=float, default=2, help="unmeasured seconds before each run")
    parser.add_argument("--trials", type=int, default=30, help="results posted for each screen")
    parser.add_argument(
        "--kiosks", type=int, default=3, help="kiosks sharing the kiosk-interval trials, each with its donor"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--database", default=DATABASE, help="the throwaway database (dropped first)")
    parser.add_argument("--redis-name", default=REDIS_NAME, help="folder of the throwaway Redis under var/")
    options = parser.parse_args(argv)
    station_counts = sorted({int(number) for number in options.stations.split(",")})
    kiosk_interval = kiosk_poll_seconds()

    started = time.monotonic()

    def say(text: str) -> None:
        elapsed = time.monotonic() - started
        print(f"[{elapsed:4.0f} s] {text}", file=sys.stderr if options.json else sys.stdout, flush=True)

    load_before = os.getloadavg()
    os.environ.update(prepare_servers(database=options.database, redis_name=options.redis_name))
    gunicorn = None
    try:
        fixture = load_data(stations=max(station_counts), kiosks=options.kiosks)
        # Raised once the fixture has read the configured rates, for gunicorn only.
        os.environ.update({"API_STATION_RATE": RAISED_RATE, "API_WRITE_RATE": RAISED_RATE})
        log_path = BASE_DIR / "var" / f"{options.database}-gunicorn.log"
        gunicorn, base_url = start_gunicorn(workers=options.workers, log_path=log_path)
        say(
            f"gunicorn {options.workers} sync workers at {base_url} ({os.cpu_count()} CPU cores); "
            f"throttles per station and for API writes raised to {RAISED_RATE} for the run."
        )
        visits = [visit_open(base_url, donor) for donor in fixture.donors]
        accepted: list[Accepted] = []
        readings_runs = []
        for count in station_counts:
            run = readings_run(
                base_url, visits[:count], warm_up=options.warm_up, seconds=options.seconds, accepted=accepted
            )
            readings_runs.append(run)
            say(f"  {count} station(s): {run.per_second:.1f} readings/s, p50 {milliseconds(run.p50_ms)} ms")

        kiosk_visits = [visit_open(base_url, donor) for donor in fixture.kiosk_donors]

        def visit_screen(visit: Visit) -> Callable[[], Answer]:
            def fetch() -> Answer:
                path = f"/api/v1/station/visits/{visit.id}/"
                return http_call(base_url, "GET", path, headers=station_headers(visit.station_key))

            return fetch

        def my_donations() -> Answer:
            headers = {"Cookie": fixture.kiosk_donor_cookie, "Accept": "text/html"}
            return http_call(base_url, "GET", "/me/donations/", headers=headers)

        kiosks = [Screen(visit=visit, fetch=visit_screen(visit)) for visit in kiosk_visits]
        first = kiosk_visits[0]
        runs: list[tuple[str, list[Screen], float, str]] = [
            ("kiosk: GET /api/v1/station/visits/<id>/ (kiosk.js)", kiosks, kiosk_interval, "kiosk"),
            ("same endpoint, server side alone", kiosks[:1], SERVER_POLL_SECONDS, "server"),
            (
                "My donations: GET /me/donations/ (donor's session)",
                [Screen(visit=first, fetch=my_donations)],
                SERVER_POLL_SECONDS,
                "mine",
            ),
        ]
        screen_runs = []
        for name, screens, interval, label in runs:
            screen = screen_run(
                base_url, fixture, screens, name=name, interval=interval, trials=options.trials, label=label
            )
            screen_runs.append(screen)
            say(f"  {name}: p50 {milliseconds(screen.p50_ms)} ms, {screen.seen}/{screen.trials} seen")
    finally:
        if gunicorn is not None:
            stop_gunicorn(gunicorn)
        stop_redis(redis_name=options.redis_name)

    check = check_stored(accepted, [visit.id for visit in visits])
    summary = {
        "base_url": base_url,
        "cpu_count": os.cpu_count(),
        "load_average_before": load_before[0],
        "gunicorn_workers": options.workers,
        "throttles": {
            scope: {"configured": rate, "raised_to": RAISED_RATE}
            for scope, rate in fixture.configured_rates.items()
        },
        "readings": {
            "warm_up_seconds": options.warm_up,
            "seconds": options.seconds,
            "runs": [{**asdict(run), "per_second": run.per_second} for run in readings_runs],
            "check": {**asdict(check), "ok": check.ok},
        },
        "screen": {
            "trials": options.trials,
            "kiosk_poll_ms": kiosk_interval * 1000,
            "runs": [asdict(run) for run in screen_runs],
        },
    }
    failed = []
    if not check.ok:
        failed.append("an accepted reading is missing, stored twice or does not decrypt to what was sent")
    if any(run.seen != run.trials for run in screen_runs):
        failed.append("a result was refused or never reached a screen")
    summary["ok"] = not failed
    if options.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print()
        print(report(summary))
    for reason in failed:
        print(f"FAILED: {reason}.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
