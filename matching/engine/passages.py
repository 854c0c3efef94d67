"""Split ideas and company profiles into the passages the matcher compares and cites.

A match reason has to point at something a person can read ("this sentence of the idea met this
technology of the profile"), and short passages also match better than whole documents: a
profile's one relevant sentence is not drowned by the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sentence ends in Korean and English prose, and line breaks.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?。！？])\s+|\n+")
# A fragment shorter than this ("네.", "OK.") says too little to match on its own; Korean packs a
# whole sentence into few characters ("너무 추워요!"), so the bar is low.
_MIN_SENTENCE_CHARS = 6
# Passages longer than the model's useful context are cut; e5-small reads 512 tokens.
_MAX_PASSAGE_CHARS = 600

# A profile's technology and domain tags are scored as one passage, "computer vision, healthcare,
# radiology": a single tag ("deep learning") meets a great many ideas a little, and any short
# search at all, so scored one by one they made firms stand out for ideas they share a word with;
# the list together says what the firm does. Each tag is still a passage of its own for a match's
# reason to quote: "healthcare" is evidence a person reads at a glance, a list of ten is not.
TAG_LIST_FIELD = "tags"
TAG_FIELDS = ("technology", "domain")
TAG_SEPARATOR = ", "
# Passages the similarity does not read, and passages a reason does not quote.
UNSCORED_FIELDS = frozenset(TAG_FIELDS)
UNQUOTED_FIELDS = frozenset({TAG_LIST_FIELD})


@dataclass(frozen=True)
class Passage:
    field: str
    text: str


def split_sentences(text: str) -> list[str]:
    sentences: list[str] = []
    for part in _SENTENCE_BREAK.split(text or ""):
        part = " ".join(part.split())
        if not part:
            continue
        if sentences and len(part) < _MIN_SENTENCE_CHARS:
            sentences[-1] = f"{sentences[-1]} {part}"
        else:
            sentences.append(part[:_MAX_PASSAGE_CHARS])
    return sentences


def idea_passages(*, title: str, problem: str, proposal: str) -> list[Passage]:
    passages = [Passage("title", title.strip())] if title.strip() else []
    passages += [Passage("problem", s) for s in split_sentences(problem)]
    passages += [Passage("proposal", s) for s in split_sentences(proposal)]
    return passages


def idea_document(*, title: str, problem: str, proposal: str) -> str:
    return "\n".join(part.strip() for part in (title, problem, proposal) if part.strip())


def company_passages(
    *,
    summary: str,
    description: str,
    technologies: list[str],
    domains: list[str],
    references: list[tuple[str, str]],
) -> list[Passage]:
    passages = [Passage("summary", summary.strip())] if summary.strip() else []
    passages += [Passage("description", s) for s in split_sentences(description)]
    passages += [Passage("technology", t) for t in _tags(technologies)]
    passages += [Passage("domain", d) for d in _tags(domains)]
    tags = _tags([*technologies, *domains])
    if tags:
        passages.append(Passage(TAG_LIST_FIELD, TAG_SEPARATOR.join(tags)[:_MAX_PASSAGE_CHARS]))
    passages += [Passage("reference", text) for text in _references(references)]
    return passages


def company_document(
    *,
    summary: str,
    description: str,
    technologies: list[str],
    domains: list[str],
    references: list[tuple[str, str]],
) -> str:
    """A profile's whole text as the model reads it: its passages one per line, each tag on a
    line of its own and the tag list left out (it would say every tag twice)."""
    lines = [summary.strip()] if summary.strip() else []
    lines += split_sentences(description)
    lines += _tags([*technologies, *domains])
    lines += _references(references)
    return "\n".join(lines)


def _tags(tags: list[str]) -> list[str]:
    return [" ".join(tag.split()) for tag in tags if tag.strip()]


def _references(references: list[tuple[str, str]]) -> list[str]:
    texts = []
    for title, text in references:
        joined = f"{title.strip()}. {' '.join(text.split())}".strip(". ")
        if joined:
            texts.append(joined[:_MAX_PASSAGE_CHARS])
    return texts
