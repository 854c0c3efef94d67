"""The set-up promises of the README: migrations complete, production hardened, demo data loads."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from companies.models import Company
from ideas.models import Idea

ROOT = Path(__file__).resolve().parent.parent


def test_models_and_migrations_agree(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _production_check(extra_env: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-1234567890",
    "DJANGO_ALLOWED_HOSTS": "ideas.gwangju.example",
    "DATABASE_URL": "postgres://app@127.0.0.1:5432/app",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DONATION_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1jaGVjay1vbmx5LW5vdC1zZWNyZXQ=",
}


def test_production_settings_pass_the_deploy_check():
    result = _production_check(PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _in_production(code: str) -> str:
    """What `code` prints in a process with the production settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **PRODUCTION_ENV})
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _production_setting(expression: str) -> str:
    return _in_production(f"from django.conf import settings; print({expression})")


def test_production_checks_a_reused_database_connection_before_using_it():
    assert _production_setting("settings.DATABASES['default']['CONN_HEALTH_CHECKS']") == "True"
    assert _production_setting("settings.DATABASES['default']['CONN_MAX_AGE']") == "60"


@pytest.mark.parametrize("missing", sorted(PRODUCTION_ENV))
def test_production_refuses_to_start_without_required_variables(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}

    result = _production_check(env)

    assert result.returncode != 0
    assert f"Set the {missing} environment variable." in result.stderr


def test_seed_demo_is_idempotent(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (User.objects.count(), Company.objects.count(), Idea.objects.count())
    call_command("seed_demo", stdout=StringIO())

    assert counts == (User.objects.count(), Company.objects.count(), Idea.objects.count())
    assert Company.objects.filter(is_verified=True).count() >= 12
    assert Idea.objects.count() >= 40
    assert set(Idea.objects.values_list("language", flat=True)) == {"ko", "en"}
    assert Idea.objects.values("category").distinct().count() >= 10
    assert Idea.objects.values("district").distinct().count() == 6
    assert User.objects.filter(username="staff", is_staff=True).exists()
    assert "staff" in out.getvalue() and "company1" in out.getvalue() and "citizen1" in out.getvalue()


def test_production_answers_the_health_check_over_plain_http():
    # The load balancer probes behind the TLS-terminating proxy; pages are redirected to HTTPS.
    statuses = _in_production(
        "from django.test import Client; client = Client(HTTP_HOST='ideas.gwangju.example'); "
        "print(client.get('/health/').status_code, client.get('/').status_code)"
    )

    # The production addresses lead nowhere here, so the check itself reports 503.
    assert statuses == "503 301"
