"""The idea list's search measured on labelled searches over the demo ideas.

The demo ideas (`settings.DEMO_DATA`, what `seed_demo` loads) are created inside a transaction
that is rolled back and embedded by the production service; each search is then run as a
signed-out visitor through the selector the idea list uses, once by words alone (the search as
it was, and as it still is when no worker answers) and once with the ideas found by meaning
(the code the worker runs, here in this process). Nothing is kept.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from core.transactions import rolled_back
from ideas import selectors as idea_selectors
from ideas.models import Idea, IdeaStatus

from . import embeddings, encoding, services
from .search import ideas_by_meaning

# The first page of results the API gives is 20, the page's 12; 10 is what people look at.
K = 10


class InvalidQuerySet(ValueError):
    pass


def evaluate_search(queries: list[dict], *, demo_data: dict | None = None) -> dict:
    """recall@10, the share of the first 10 shown that answer the search, and how many ideas each
    search shows, by words alone ("before") and by words and meaning ("after"). `queries` are
    {"query", "language", "relevant": [demo idea titles]}."""
    demo = demo_data if demo_data is not None else json.loads(settings.DEMO_DATA.read_text(encoding="utf-8"))
    _check(queries, demo)
    with rolled_back():
        return _evaluate(queries, demo)


def _check(queries: list[dict], demo: dict) -> None:
    public = {entry["title"] for entry in demo["ideas"] if entry.get("status", "published") != "submitted"}
    for entry in queries:
        if not entry.get("query", "").strip() or not entry.get("relevant"):
            raise InvalidQuerySet(f"Each search needs a 'query' and 'relevant' titles: {entry!r}")
        unknown = [title for title in entry["relevant"] if title not in public]
        if unknown:
            raise InvalidQuerySet(f"{entry['query']!r}: no public demo idea is titled {unknown!r}")


def _load(demo: dict) -> QuerySet[Idea]:
    author = User.objects.create(username="__search_evaluation__")
    created = [
        Idea.objects.create(
            author=author,
            title=entry["title"],
            problem=entry["problem"],
            proposal=entry["proposal"],
            beneficiaries=entry.get("beneficiaries", ""),
            category=entry["category"],
            district=entry["district"],
            language=entry.get("language", "ko"),
            status=IdeaStatus(entry.get("status", IdeaStatus.PUBLISHED)),
        )
        for entry in demo["ideas"]
    ]
    ids = [idea.pk for idea in created]
    services.embedding_refresh_for_ideas(idea_ids=ids)
    # Only these ideas are searched, whatever else the database holds.
    return Idea.objects.filter(pk__in=ids)


def _evaluate(queries: list[dict], demo: dict) -> dict:
    demo_ideas = _load(demo)
    visible = idea_selectors.idea_list(user=AnonymousUser()).filter(pk__in=demo_ideas)
    searchable = embeddings.matchable_ideas().filter(pk__in=demo_ideas)
    per_query = []
    for entry in queries:
        hits = ideas_by_meaning(text=entry["query"], ideas=searchable)
        similar = {hit.row_id: hit.similarity for hit in hits}
        per_query.append(
            {
                "query": entry["query"],
                "language": entry.get("language", ""),
                "relevant": len(entry["relevant"]),
                "before": _measure(visible, entry, {}),
                "after": _measure(visible, entry, similar),
            }
        )
    languages = sorted({row["language"] for row in per_query if row["language"]})
    return {
        "model": encoding.model_name(),
        "queries": len(per_query),
        "ideas": demo_ideas.count(),
        "public_ideas": visible.count(),
        **{
            side: {
                **_summary([row[side] for row in per_query]),
                "by_language": {
                    language: _summary([row[side] for row in per_query if row["language"] == language])
                    for language in languages
                },
            }
            for side in ("before", "after")
        },
        "per_query": per_query,
    }


def _measure(visible: QuerySet[Idea], entry: dict, similar: Mapping[int, float]) -> dict:
    titles = list(
        idea_selectors.ideas_found(ideas=visible, text=entry["query"], similar=similar).values_list(
            "title", flat=True
        )
    )
    relevant = set(entry["relevant"])
    top = titles[:K]
    return {
        "recall": len(relevant & set(top)) / len(relevant),
        "relevant_shown": len(relevant & set(top)),
        "shown": len(top),
        "found": len(titles),
        "top": top,
    }


def _summary(rows: list[dict]) -> dict:
    if not rows:
        return {}
    shown = sum(row["shown"] for row in rows)
    return {
        "queries": len(rows),
        "recall_at_10": round(sum(row["recall"] for row in rows) / len(rows), 4),
        # Of the ideas shown on the first page of results, the share that answers the search.
        "precision_at_10": round(sum(row["relevant_shown"] for row in rows) / shown, 4) if shown else None,
        "results_per_query": round(sum(row["found"] for row in rows) / len(rows), 2),
        "nothing_found": sum(1 for row in rows if row["found"] == 0),
    }
