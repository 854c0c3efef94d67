"""Plays the measuring device of a donation station, for the demo: a blood-pressure monitor.

It talks to the station API over HTTP with the station's key, as a real device would: waits for a
visit to open (a donor typed their code on the kiosk), "measures" for a few seconds, and posts a
plausible reading. It logs what it did, never who the donor is nor what was measured.
"""

from __future__ import annotations

import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from donations.management.demo_config import read_demo_config

# Typical adult readings, and how often the device plays a high one so the demo shows every level.
TYPICAL = {"systolic": (121, 11), "diastolic": (78, 7), "pulse": (72, 9)}
HIGH = {"systolic": (162, 8), "diastolic": (99, 5), "pulse": (92, 8)}
HIGH_SHARE = 0.25


class DeviceError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class StationClient:
    def __init__(self, *, url: str, key: str, language: str):
        self.base = url.rstrip("/") + "/api/v1/station/"
        self.headers = {
            "Authorization": f"Station {key}",
            "Accept": "application/json",
            "Accept-Language": language,
        }

    def call(self, method: str, path: str = "", body: dict | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        headers = {**self.headers, **({"Content-Type": "application/json"} if data else {})}
        request = urllib.request.Request(self.base + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - http(s) only, checked
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            try:
                message = json.loads(error.read())["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = error.reason
            raise DeviceError(error.code, str(message)) from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise DeviceError(0, str(getattr(error, "reason", error))) from None


def plausible_reading(fields: list[dict], rng: random.Random) -> dict[str, float]:
    """A reading within every field's range: typical numbers, now and then a high one."""
    profile = HIGH if rng.random() < HIGH_SHARE else TYPICAL
    values: dict[str, float] = {}
    for field in fields:
        low, high = float(field["min"]), float(field["max"])
        if field["code"] in profile:
            mean, spread = profile[field["code"]]
            number = rng.gauss(mean, spread)
        else:
            number = rng.uniform(low + (high - low) * 0.35, low + (high - low) * 0.65)
        values[field["code"]] = round(min(max(number, low), high))
    return values


class Command(BaseCommand):
    help = (
        "Plays a donation station's blood-pressure monitor: waits for a donor's visit on the "
        "station's kiosk and posts a plausible reading through the station API."
    )

    def add_arguments(self, parser):
        parser.add_argument("--key", help="The station's key (shown once at registration).")
        parser.add_argument(
            "--config",
            type=Path,
            help="A JSON file with the key as `station_key`, such as var/demo-donations.json that "
            "seed_demo writes; --key wins over it.",
        )
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="Where the site runs.")
        parser.add_argument("--interval", type=float, default=3.0, help="Seconds between looks for a visit.")
        parser.add_argument(
            "--measure-seconds", type=float, default=5.0, help="How long one measurement seems to take."
        )
        parser.add_argument("--once", action="store_true", help="Stop after one reading.")
        parser.add_argument("--language", default=settings.LANGUAGE_CODE, help="Language of the messages.")
        parser.add_argument("--seed", type=int, default=None, help="Repeatable readings.")
        parser.add_argument(
            "--wait",
            type=float,
            default=0.0,
            help="Seconds to wait for the site to answer at start, when both start together.",
        )

    def handle(self, *args, **options):
        if urllib.parse.urlsplit(options["url"]).scheme not in ("http", "https"):
            raise CommandError("--url must start with http:// or https://.")
        key = options["key"] or read_demo_config(options["config"]).get("station_key")
        if not key:
            raise CommandError("Give the station's key with --key, or a --config file that holds it.")
        client = StationClient(url=options["url"], key=key, language=options["language"])
        rng = random.Random(options["seed"])
        waiting_until = time.monotonic() + options["wait"]
        while True:
            try:
                station = client.call("GET")
                break
            except DeviceError as error:
                # Status 0: nothing answered, the site may still be starting.
                if error.status == 0 and time.monotonic() < waiting_until:
                    time.sleep(1)
                    continue
                raise CommandError(f"The station API refused the device: {error}") from None
        fields_by_category = {request["code"]: request["fields"] for request in station["data_requests"]}
        self.stdout.write(
            f"Device of “{station['name']}” ({station['pilot_title']}) ready; it measures: "
            f"{', '.join(fields_by_category) or 'nothing yet'}."
        )
        seen: set[int] = set()
        while True:
            try:
                visits = client.call("GET", "visits/?open=true")["results"]
            except DeviceError as error:
                self.stderr.write(f"Could not look for a visit: {error}")
                time.sleep(options["interval"])
                continue
            for visit in visits:
                if visit["id"] in seen:
                    continue
                seen.add(visit["id"])
                if visit["readings_count"]:
                    continue
                if self._measure(client, visit, fields_by_category, rng, options["measure_seconds"]):
                    if options["once"]:
                        return
            time.sleep(options["interval"])

    def _measure(
        self,
        client: StationClient,
        visit: dict,
        fields_by_category: dict[str, list[dict]],
        rng: random.Random,
        measure_seconds: float,
    ) -> bool:
        category = next((code for code in visit["categories"] if code in fields_by_category), None)
        if category is None:
            self.stdout.write(f"Visit {visit['id']}: the donor consented to nothing this device measures.")
            return False
        self.stdout.write(f"Visit {visit['id']}: measuring {category}…")
        time.sleep(measure_seconds)
        try:
            reading = client.call(
                "POST",
                f"visits/{visit['id']}/readings/",
                {"category": category, "values": plausible_reading(fields_by_category[category], rng)},
            )
        except DeviceError as error:
            self.stderr.write(f"Visit {visit['id']}: the reading was refused ({error.status}): {error}")
            return False
        self.stdout.write(
            f"Visit {visit['id']}: posted a reading of {category} "
            f"({len(reading['values'])} values, donation {reading['donation_id']})."
        )
        return True
