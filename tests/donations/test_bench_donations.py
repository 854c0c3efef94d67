"""`make bench-donations` in a tiny configuration, so the benchmark keeps working as the station
API, the result API, the kiosk and My donations change."""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
import redis

from bench import donations as bench
from bench.servers import BASE_DIR

DATABASE = "gwangju_ai_donations_bench_test"
REDIS_NAME = "redis-donations-bench-test"


@pytest.fixture(scope="module")
def tiny_run():
    """One run for the module: it migrates a database of its own, which takes most of a minute."""
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    command = [
        sys.executable,
        "-m",
        "bench.donations",
        *("--stations", "1,2", "--seconds", "1", "--warm-up", "0.5", "--trials", "2", "--kiosks", "2"),
        *("--workers", "2", "--database", DATABASE, "--redis-name", REDIS_NAME, "--json"),
    ]
    try:
        finished = subprocess.run(
            command, cwd=BASE_DIR, env=environment, capture_output=True, text=True, timeout=600
        )
        yield finished
    finally:
        _drop_database()


def _drop_database() -> None:
    import psycopg

    from config import embedded

    postgres = embedded.postgres_settings(BASE_DIR)
    server = {"host": postgres["HOST"], "user": postgres["USER"], "dbname": "postgres"}
    with psycopg.connect(**server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def test_every_accepted_reading_is_stored_once_and_every_result_reaches_each_screen(tiny_run):
    assert tiny_run.returncode == 0, tiny_run.stderr[-3000:]
    summary = json.loads(tiny_run.stdout)

    assert summary["ok"] is True
    assert summary["cpu_count"] >= 1
    assert summary["throttles"]["station"]["raised_to"] == bench.RAISED_RATE
    readings = summary["readings"]
    assert [run["stations"] for run in readings["runs"]] == [1, 2]
    for run in readings["runs"]:
        assert run["readings"] > 0 and run["per_second"] > 0
        assert 0 < run["p50_ms"] <= run["p99_ms"]
        assert run["refused"] == {}
    check = readings["check"]
    assert check["accepted"] >= sum(run["readings"] for run in readings["runs"])
    assert check["stored_once"] == check["decrypted"] == check["accepted"]
    assert check["duplicates"] == check["stored_without_reply"] == 0

    screen = summary["screen"]
    assert screen["kiosk_poll_ms"] == bench.kiosk_poll_seconds() * 1000
    kiosk, server, mine = screen["runs"]
    assert (kiosk["interval_ms"], kiosk["screens"]) == (screen["kiosk_poll_ms"], 2)
    assert server["interval_ms"] == mine["interval_ms"] == bench.SERVER_POLL_SECONDS * 1000
    for run in screen["runs"]:
        assert run["seen"] == run["trials"] == 2
        assert run["failures"] == {}
        assert len(run["delays_ms"]) == 2
        # Never more than a poll cycle and a slow answer after the result's 201.
        assert all(-1000 < delay < run["interval_ms"] + 10_000 for delay in run["delays_ms"])
        assert run["polls"] >= 2


def test_it_stops_its_gunicorn_and_its_redis(tiny_run):
    summary = json.loads(tiny_run.stdout)

    assert not _answers(summary["base_url"] + "/accounts/login/")
    throwaway = redis.Redis(unix_socket_path=str(BASE_DIR / "var" / REDIS_NAME / "redis.sock"))
    with pytest.raises(redis.exceptions.ConnectionError):
        throwaway.ping()


def test_the_table_gives_each_figure(tiny_run):
    summary = json.loads(tiny_run.stdout)

    table = bench.report(summary)

    assert f"{summary['cpu_count']} CPU cores" in table
    assert f"per station {summary['throttles']['station']['configured']} → {bench.RAISED_RATE}" in table
    assert f"accepted (201) {summary['readings']['check']['accepted']}, stored exactly once" in table
    assert "kiosk: GET /api/v1/station/visits/<id>/ (kiosk.js)" in table
    assert "My donations: GET /me/donations/" in table
    assert table.count(" 2/2") == 3


def test_the_poll_interval_is_the_kiosks_own(tmp_path, monkeypatch):
    template = tmp_path / "kiosk.html"
    script = tmp_path / "kiosk.js"
    script.write_text("const pollMs = Number(root.dataset.pollMs) || 2500;")
    monkeypatch.setattr(bench, "KIOSK_TEMPLATE", template)
    monkeypatch.setattr(bench, "KIOSK_SCRIPT", script)

    template.write_text('<div id="kiosk" data-api="/api/" data-poll-ms="1500">')
    assert bench.kiosk_poll_seconds() == 1.5

    template.write_text('<div id="kiosk" data-api="/api/">')
    assert bench.kiosk_poll_seconds() == 2.5

    script.write_text("const pollMs = 2000;")
    with pytest.raises(RuntimeError, match="No poll interval"):
        bench.kiosk_poll_seconds()
