"""Data donation's reads."""

from __future__ import annotations
