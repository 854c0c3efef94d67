"""A reason whose quote ends a sentence of its own (a full stop, a question, a cut marked "…") does
not end on a second full stop after the closing quote."""

import pytest
from django.utils import translation

from matching.reasons import reason_text

REASON = {
    "idea_field": "problem",
    "idea_text": "Farmers lose crops to pests and weather every season, which nobody",
    "company_field": "description",
    "company_text": "센서가 감지하면 바로 알림을 보냅니다.",
}


@pytest.mark.parametrize(
    ("company_text", "ending"),
    [
        ("센서가 감지하면 바로 알림을 보냅니다.", "보냅니다.”"),
        ("Can a drone spot pests early?", "early?”"),
        ("We detect pests and weather damage from drone images over the whole of a field…", "…”"),
        ("Drone images of fields", "fields”."),
    ],
)
def test_an_english_reason_ends_on_one_stop(company_text, ending):
    with translation.override("en"):
        line = reason_text({**REASON, "company_text": company_text})
        title_line = reason_text(
            {**REASON, "idea_field": "title", "company_text": company_text}, to_company=True
        )

    assert line.endswith(ending) and title_line.endswith(ending)


def test_a_korean_reason_keeps_its_own_ending_after_the_quote():
    with translation.override("ko"):
        line = reason_text(REASON)

    assert line.endswith("“센서가 감지하면 바로 알림을 보냅니다.”에 가깝습니다.")
