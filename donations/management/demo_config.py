"""The file the demo's clients (station device, company analyser) read their secrets from.

`seed_demo` writes it (var/demo-donations.json, owner-only): the station key the database keeps
only as a hash, the company member's API token and the pilot's id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError


def read_demo_config(path: Path | None) -> dict[str, Any]:
    """The file's settings, or nothing without a file; a file that cannot be read stops the
    command with the reason rather than letting it start half set up."""
    if path is None:
        return {}
    try:
        contents = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"Cannot read {path}: {error}") from None
    if not isinstance(contents, dict):
        raise CommandError(f"{path} does not hold a JSON object.")
    return contents
