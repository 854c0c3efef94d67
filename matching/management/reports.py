"""What the matcher's measuring commands share: reading a labelled file and printing figures."""

import json
from pathlib import Path

from django.core.management.base import CommandError


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from error


def figure(value: float | None) -> str:
    """A measure to four places, or "-" where there was nothing to measure."""
    return "-" if value is None else f"{value:.4f}"


def as_json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False)
