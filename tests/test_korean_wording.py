"""The Korean catalogue says one thing one way: a log-in prompt in the one polite form, supports
counted with one counter word, the three match strengths alike, and a match's reason as a full
sentence in plain Korean."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from matching.models import MatchStrength
from matching.reasons import reason_text

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "ko" / "LC_MESSAGES" / "django.po"


def _korean() -> str:
    """Every msgstr of the Korean catalogue, one a line."""
    text = CATALOGUE.read_text()
    return "\n".join(re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', text, flags=re.MULTILINE))


def test_every_log_in_prompt_asks_in_the_same_polite_form():
    korean = _korean()

    assert "로그인해 주세요" in korean
    assert "로그인하세요" not in korean


def test_supports_are_counted_with_one_counter_word():
    # The word right after the number ("공감 3개"), the number in a span or not.
    counters = re.findall(r"공감 (?:<span[^>]*>)?%\(\w+\)s(?:</span>)?([가-힣])", _korean())

    assert len(counters) >= 4
    assert set(counters) == {"개"}


def test_a_companys_owner_is_called_by_the_name_of_the_role_everywhere():
    # The members page names the role 대표 관리자; "소유자" elsewhere read as a second role.
    korean = _korean()

    assert "대표 관리자" in korean
    assert "소유자" not in korean


def test_the_three_match_strengths_are_named_alike():
    with translation.override("ko"):
        labels = [str(label) for label in MatchStrength.labels]

    assert labels[0] == "강한 매칭"
    assert all(label.endswith(" 매칭") for label in labels), labels


@pytest.mark.parametrize("to_company", [False, True])
@pytest.mark.parametrize("idea_field", ["title", "problem"])
def test_a_match_reason_is_a_plain_korean_sentence(idea_field, to_company):
    reason = {
        "idea_field": idea_field,
        "idea_text": "약 먹을 시간을 알려주면 좋겠어요.",
        "company_field": "technology",
        "company_text": "복약 알림",
    }

    with translation.override("ko"):
        text = reason_text(reason, to_company=to_company)

    assert text.endswith("“복약 알림”에 가깝습니다.")
    assert ("귀사의 기술" if to_company else "기업의 기술") in text
    assert "맞닿" not in text and " — " not in text
