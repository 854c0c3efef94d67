"""The translation catalogues as committed: each compiles, every Korean entry is translated, and
the compiled files the server reads say what the catalogues say (a merge of two branches' new
strings can drop a line, and a stale compiled file would serve the old wording)."""

import subprocess
from pathlib import Path

import pytest
from django.utils.translation import trans_real

LOCALE = Path(__file__).resolve().parents[1] / "locale"


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_catalogue_compiles_and_its_compiled_file_is_current(language, tmp_path):
    catalogue = LOCALE / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"

    checked = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(compiled), str(catalogue)],
        capture_output=True,
        text=True,
    )

    assert checked.returncode == 0, checked.stderr
    if language == "ko":
        assert "untranslated" not in checked.stderr and "fuzzy" not in checked.stderr, checked.stderr
    fresh = trans_real.gettext_module.GNUTranslations(compiled.open("rb"))
    served = trans_real.gettext_module.GNUTranslations((catalogue.with_suffix(".mo")).open("rb"))
    assert fresh._catalog == served._catalog
