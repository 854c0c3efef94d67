"""Donated values are health data: they are stored encrypted with keys from the environment.

Fernet (AES-128-CBC with HMAC-SHA256, from the `cryptography` package) authenticates what it
decrypts, so a tampered row fails loudly. Several keys may be configured: the first encrypts,
all decrypt, so a key can be rotated without rewriting every row at once.
"""

import json
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet() -> MultiFernet:
    keys = settings.DONATION_ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("Set DONATION_ENCRYPTION_KEYS to encrypt donated data.")
    return MultiFernet([Fernet(key) for key in keys])


def encrypt_values(values: dict[str, float]) -> str:
    return _fernet().encrypt(json.dumps(values, separators=(",", ":")).encode()).decode()


def decrypt_values(token: str) -> dict[str, float]:
    return json.loads(_fernet().decrypt(token.encode()))
