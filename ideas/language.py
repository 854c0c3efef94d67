import unicodedata

from accounts.models import Language

# Share of letters that must be Hangul for a text to count as Korean. Korean ideas often carry
# English technical words ("AI", "IoT", app names), so a plain majority would misfire.
HANGUL_SHARE_FOR_KOREAN = 0.3


def detect_language(text: str) -> str:
    """Korean or English, from the share of Hangul among the letters of the text."""
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return Language.KOREAN
    hangul = sum(1 for char in letters if unicodedata.name(char, "").startswith("HANGUL"))
    return Language.KOREAN if hangul / len(letters) >= HANGUL_SHARE_FOR_KOREAN else Language.ENGLISH
