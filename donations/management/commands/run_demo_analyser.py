"""A stand-in for a pilot's company: reads donated blood pressure through the API, answers it.

It is a client like any company's, talking HTTP with an API token and nothing else: no database,
nothing of the product's code but the reader of the demo's settings file, so what it can do is
exactly what a company can. Its rules are
the usual home blood-pressure thresholds, enough for a demo and nothing a doctor would sign.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from donations.management.api_client import ApiClient, ApiError
from donations.management.demo_config import read_demo_config

PAGE_SIZE = 100
USUAL_PULSE = (50, 110)


@dataclass(frozen=True)
class Verdict:
    level: str
    text: str
    systolic: int


def _mean(rows: list[dict[str, Any]], field: str) -> int:
    return round(sum(float(row["values"][field]) for row in rows) / len(rows))


def blood_pressure_verdict(rows: list[dict[str, Any]], *, language: str) -> Verdict:
    """One donation's result from the mean of its readings (a station may take several in one
    visit, and the mean is what home measuring guidelines judge), in the donor's language."""
    systolic, diastolic, pulse = (_mean(rows, field) for field in ("systolic", "diastolic", "pulse"))
    measured = {"systolic": systolic, "diastolic": diastolic, "pulse": pulse}
    with translation.override(language):
        if systolic >= 140 or diastolic >= 90:
            level = "see_doctor"
            sentences = [
                _("Your blood pressure is high (%(systolic)d/%(diastolic)d mmHg). Please see a doctor.")
                % measured
            ]
        elif systolic >= 130 or diastolic >= 85:
            level = "watch"
            sentences = [
                _(
                    "Your blood pressure is slightly high (%(systolic)d/%(diastolic)d mmHg). "
                    "Measure it again in a few days and keep an eye on it."
                )
                % measured
            ]
        else:
            level = "normal"
            sentences = [
                _("Your blood pressure (%(systolic)d/%(diastolic)d mmHg) is in the normal range.") % measured
            ]
        if not USUAL_PULSE[0] <= pulse <= USUAL_PULSE[1]:
            level = "see_doctor" if level == "see_doctor" else "watch"
            sentences.append(
                _(
                    "Your pulse (%(pulse)d bpm) is outside the usual 50–110: rest a few minutes "
                    "and measure it again."
                )
                % measured
            )
        sentences.append(_("This is an automatic check of a pilot, not a diagnosis."))
    return Verdict(level=level, text=" ".join(sentences), systolic=systolic)


class CompanyClient:
    """The product's API as a company sees it, through a token."""

    def __init__(self, *, base_url: str, token: str, pilot_id: int):
        self.api = ApiClient(base_url=base_url, authorization=f"Token {token}")
        self.path = f"/api/v1/pilots/{pilot_id}/donations/"

    def _with_next_pages(self, page: dict[str, Any]) -> list[dict[str, Any]]:
        rows = list(page["results"])
        while page["next"]:
            page = self.api.call("GET", page["next"])
            rows += page["results"]
        return rows

    def readings(self, *, category: str, since_id: int) -> list[dict[str, Any]]:
        query = {"category": category, "since_id": since_id, "page_size": PAGE_SIZE}
        return self._with_next_pages(self.api.call("GET", self.path + "readings/", query=query))

    def answered_donations(self, *, wait_seconds: float = 0) -> set[int]:
        first = self.api.call_once_up(
            "GET", self.path + "results/", wait_seconds=wait_seconds, query={"page_size": PAGE_SIZE}
        )
        return {row["donation"] for row in self._with_next_pages(first) if row["donation"]}

    def post_result(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.api.call("POST", self.path + "results/", body)


class Command(BaseCommand):
    help = (
        "Stands in for a pilot's company: polls the donated blood-pressure readings through the "
        "API with a company member's token and answers each new donation with a rule-based result."
    )

    def add_arguments(self, parser):
        parser.add_argument("--token", help="API token of a member of the pilot's company.")
        parser.add_argument("--pilot", type=int, help="The pilot's id.")
        parser.add_argument(
            "--config",
            type=Path,
            help="A JSON file with `company_token` and `pilot_id`, such as var/demo-donations.json "
            "that seed_demo writes; --token and --pilot win over it.",
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the product runs.")
        parser.add_argument("--interval", type=float, default=2.0, help="Seconds between polls.")
        parser.add_argument("--category", default="blood_pressure", help="The category code to read.")
        parser.add_argument("--once", action="store_true", help="Poll once and stop.")
        parser.add_argument(
            "--wait",
            type=float,
            default=0.0,
            help="Seconds to wait for the site to answer at start, when both start together.",
        )

    def handle(self, *args, **options):
        config = read_demo_config(options["config"])
        token = options["token"] or config.get("company_token")
        pilot_id = options["pilot"] or config.get("pilot_id")
        if not token or not isinstance(pilot_id, int):
            raise CommandError("Give --token and --pilot, or a --config file that holds them.")
        try:
            client = CompanyClient(base_url=options["url"], token=token, pilot_id=pilot_id)
        except ValueError:
            raise CommandError("--url must start with http:// or https://.") from None
        try:
            # Started again, it does not answer a donation twice.
            answered = client.answered_donations(wait_seconds=options["wait"])
        except ApiError as error:
            raise CommandError(f"Cannot read this pilot's results: {error}") from None
        self.stdout.write(
            f"Analysing pilot {pilot_id} at {options['url']} ({len(answered)} donations answered before)."
        )
        last_seen = 0
        try:
            while True:
                try:
                    last_seen = self._poll(client, options["category"], last_seen, answered)
                except ApiError as error:
                    if error.unreachable:
                        if options["once"]:
                            raise CommandError(f"Cannot reach {options['url']}: {error}") from None
                        self.stderr.write(f"Cannot reach {options['url']} ({error}); trying again.")
                    elif error.status in (400, 401, 403, 404):
                        raise CommandError(f"The API refused to read: {error}") from None
                    else:
                        self.stderr.write(f"The API failed ({error}); trying again.")
                if options["once"]:
                    return
                time.sleep(options["interval"])
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def _poll(self, client: CompanyClient, category: str, last_seen: int, answered: set[int]) -> int:
        rows = client.readings(category=category, since_id=last_seen)
        if not rows:
            return last_seen
        by_donation: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            by_donation.setdefault(row["donation"], []).append(row)
        sent: Counter[str] = Counter()
        refused = skipped = 0
        for donation_id, readings in by_donation.items():
            if donation_id in answered:
                continue
            usable = [r for r in readings if {"systolic", "diastolic", "pulse"} <= set(r["values"])]
            if not usable:
                skipped += 1
                continue
            donor = usable[0]["donor"]
            verdict = blood_pressure_verdict(usable, language=donor.get("language") or "ko")
            try:
                client.post_result(
                    {
                        "donor": donor["donor_id"],
                        "donation": donation_id,
                        "text": verdict.text,
                        "value": verdict.systolic,
                        "unit": "mmHg",
                        "level": verdict.level,
                    }
                )
            except ApiError as error:
                # The donor withdrew between the read and the answer: nothing to send any more.
                if error.status not in (400, 403):
                    raise
                refused += 1
                continue
            answered.add(donation_id)
            sent[verdict.level] += 1
        # Counts only: the donors' values and ids are theirs, not this log's.
        self.stdout.write(
            f"Read {len(rows)} readings of {len(by_donation)} donations; sent {sum(sent.values())} "
            f"results (normal {sent['normal']}, watch {sent['watch']}, see a doctor {sent['see_doctor']})"
            + (f"; {refused} refused" if refused else "")
            + (f"; {skipped} without blood pressure" if skipped else "")
            + "."
        )
        return max(row["id"] for row in rows)
