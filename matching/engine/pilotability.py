"""Whether an idea reads as something a technology pilot could work on, from the idea alone.

Citizens also post requests no company can pilot: longer opening hours, a hall to borrow, a
repair, more money or staff, another rule. Among companies, such an idea is still closest to
*some* firm, and that firm can stand out for it as clearly as a real fit does, so standing out is
not enough to tell them apart. What tells them apart is what the idea asks for. The idea is
compared, with the matcher's own similarity, with two short profiles written once, generically,
in Korean and English: technology work (sensing, analysing, predicting, automating) and plain
requests (hours, space, repairs, money, rules). The margin between the two is a property of the
idea's text alone, stored with its vectors.

An idea whose margin falls below `-TOLERANCE` (it reads more like a plain request than like
technology work, by more than the prototypes' own imprecision) has its similarity to every
company lowered by the excess. Its order of companies is unchanged (one offset for its whole
row), and so is how far any company stands out for it; what changes is how it stands among the
ideas of each company and against the similarity floor, so a plain request drops off the
companies' lists and loses the strength it borrowed from being near someone.
"""

from __future__ import annotations

import numpy as np

from . import ranking

# Short, generic descriptions, half Korean and half English (the model puts both on one scale).
# Written for the kinds of things citizens ask for, not from any labelled idea.
TECHNOLOGY_WORK = [
    "센서와 데이터로 문제를 자동으로 감지해서 알려 주면 좋겠어요.",
    "인공지능이 사진이나 영상을 분석해서 위험을 찾아내면 좋겠습니다.",
    "앱이나 챗봇이 상황에 맞게 안내하고 예측해 주는 서비스가 필요해요.",
    "기록을 모아 분석하고 패턴을 찾아 미리 경고해 주는 시스템이 있으면 좋겠어요.",
    "로봇이나 스마트 기기가 사람 대신 확인하고 돌봐 주면 좋겠어요.",
    "Sensors and data could detect the problem automatically and alert someone.",
    "AI could analyse photos or video to spot the risk early.",
    "An app or chatbot could guide people and predict what they need.",
    "Software could collect the records, find patterns and warn us in advance.",
    "A robot or smart device could check on it and help instead of a person.",
]
PLAIN_REQUESTS = [
    "시설 운영 시간을 늘리거나 주말에도 문을 열어 주세요.",
    "주민이 쓸 수 있는 공간이나 건물을 새로 짓거나 빌려주세요.",
    "낡은 시설과 설비를 고치거나 새것으로 바꿔 주세요.",
    "예산과 지원금을 늘리고 담당 인력을 더 배치해 주세요.",
    "규칙이나 요금, 제도를 바꿔 주세요.",
    "Please keep the facility open longer, including weekends and evenings.",
    "Please build or lend us a room, a hall or a field we can use.",
    "Please repair or replace the old equipment and fixtures.",
    "Please increase the budget and hire more staff for it.",
    "Please change the rule, the fee or the policy.",
]
# How far below zero a margin may fall before it counts: ideas that describe a problem rather
# than a technology read a little closer to plain requests without being one.
TOLERANCE = 0.05


def margins(ideas: ranking.Side, technology: ranking.Side, requests: ranking.Side) -> np.ndarray:
    """Each idea's similarity to technology work minus its similarity to plain requests; each
    prototype side is one document whose passages are the prototypes."""
    if ideas.size == 0:
        return np.zeros(0)
    return ranking.similarity(ideas, technology)[:, 0] - ranking.similarity(ideas, requests)[:, 0]


def score_offsets(margin: np.ndarray) -> np.ndarray:
    """What each idea's similarities lose: the excess of its margin below -TOLERANCE, else 0."""
    return np.minimum(0.0, np.asarray(margin, dtype=np.float64) + TOLERANCE)
