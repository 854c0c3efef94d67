"""The nickname a citizen starts with: shown on their ideas and comments until they choose a
display name of their own, so nobody's username or real name is public by default."""

import secrets

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

ADJECTIVES = [
    gettext_noop("Brave"),
    gettext_noop("Cheerful"),
    gettext_noop("Curious"),
    gettext_noop("Gentle"),
    gettext_noop("Kind"),
    gettext_noop("Lively"),
    gettext_noop("Patient"),
    gettext_noop("Quiet"),
    gettext_noop("Sunny"),
    gettext_noop("Thoughtful"),
    gettext_noop("Warm"),
    gettext_noop("Wise"),
]
NOUNS = [
    gettext_noop("Squirrel"),
    gettext_noop("Magpie"),
    gettext_noop("Otter"),
    gettext_noop("Heron"),
    gettext_noop("Deer"),
    gettext_noop("Rabbit"),
    gettext_noop("Crane"),
    gettext_noop("Sparrow"),
    gettext_noop("Hedgehog"),
    gettext_noop("Dolphin"),
    gettext_noop("Owl"),
    gettext_noop("Tiger"),
]
# 12 × 12 × 9,000 names: a clash is rare, and is retried.
ATTEMPTS = 10


def nickname_generate(*, language: str) -> str:
    """An adjective, an animal and a number, in the citizen's language: "씩씩한 다람쥐 4821"."""
    with translation.override(language):
        return gettext("%(adjective)s %(noun)s %(number)s") % {
            "adjective": gettext(secrets.choice(ADJECTIVES)),
            "noun": gettext(secrets.choice(NOUNS)),
            "number": 1000 + secrets.randbelow(9000),
        }


def unused_nickname(*, language: str) -> str:
    """A nickname nobody uses yet (as far as a read can tell: two sign-ups in the same instant
    may draw the same one, which only makes two people look alike)."""
    from .models import User

    nickname = nickname_generate(language=language)
    for _attempt in range(ATTEMPTS):
        if not User.objects.filter(display_name__iexact=nickname).exists():
            return nickname
        nickname = nickname_generate(language=language)
    return f"{nickname}{secrets.randbelow(1000):03d}"
