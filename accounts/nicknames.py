"""The nickname a citizen starts with: shown on their ideas and comments until they choose a
display name of their own, so nobody's username or real name is public by default."""

import secrets

from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as N_

ADJECTIVES = [
    N_("Brave"),
    N_("Cheerful"),
    N_("Curious"),
    N_("Gentle"),
    N_("Kind"),
    N_("Lively"),
    N_("Patient"),
    N_("Quiet"),
    N_("Sunny"),
    N_("Thoughtful"),
    N_("Warm"),
    N_("Wise"),
]
NOUNS = [
    N_("Squirrel"),
    N_("Magpie"),
    N_("Otter"),
    N_("Heron"),
    N_("Deer"),
    N_("Rabbit"),
    N_("Crane"),
    N_("Sparrow"),
    N_("Hedgehog"),
    N_("Dolphin"),
    N_("Owl"),
    N_("Tiger"),
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
