"""Plays the measuring device of a donation station, for the demo: a blood-pressure monitor.

It talks to the station API over HTTP with the station's key, as a real device would: waits for a
visit to open (a donor typed their code on the kiosk), "measures" for a few seconds, and posts a
plausible reading. It logs what it did, never who the donor is nor what was measured.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from donations.management.api_client import ApiClient, ApiError
from donations.management.demo_config import read_demo_config

# Typical adult readings, and how often the device plays a high one so the demo shows every level.
TYPICAL = {"systolic": (121, 11), "diastolic": (78, 7), "pulse": (72, 9)}
HIGH = {"systolic": (162, 8), "diastolic": (99, 5), "pulse": (92, 8)}
HIGH_SHARE = 0.25
STATION_API = "/api/v1/station/"


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
        key = options["key"] or read_demo_config(options["config"]).get("station_key")
        if not key:
            raise CommandError("Give the station's key with --key, or a --config file that holds it.")
        try:
            client = ApiClient(
                base_url=options["url"], authorization=f"Station {key}", language=options["language"]
            )
        except ValueError:
            raise CommandError("--url must start with http:// or https://.") from None
        rng = random.Random(options["seed"])
        try:
            station = client.call_once_up("GET", STATION_API, wait_seconds=options["wait"])
        except ApiError as error:
            raise CommandError(f"The station API refused the device: {error}") from None
        fields_by_category = {request["code"]: request["fields"] for request in station["data_requests"]}
        self.stdout.write(
            f"Device of “{station['name']}” ({station['pilot_title']}) ready; it measures: "
            f"{', '.join(fields_by_category) or 'nothing yet'}."
        )
        seen: set[int] = set()
        while True:
            try:
                visits = client.call("GET", f"{STATION_API}visits/", query={"open": "true"})["results"]
            except ApiError as error:
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
        client: ApiClient,
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
                f"{STATION_API}visits/{visit['id']}/readings/",
                {"category": category, "values": plausible_reading(fields_by_category[category], rng)},
            )
        except ApiError as error:
            self.stderr.write(f"Visit {visit['id']}: the reading was refused: {error}")
            return False
        self.stdout.write(
            f"Visit {visit['id']}: posted a reading of {category} "
            f"({len(reading['values'])} values, donation {reading['donation_id']})."
        )
        return True
