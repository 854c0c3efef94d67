"""Matching quality on a labelled dataset, measured on what the product would show.

The dataset (the format of the development set: companies, ideas with graded `relevant`
companies, labelled duplicate pairs) is loaded into the database inside a transaction that is
rolled back, embedded and matched by the production services, and read back through the same
selectors the pages use. Nothing is kept.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from accounts.models import User
from companies.models import Company
from core.transactions import rolled_back
from ideas.models import Idea, IdeaStatus

from . import embeddings, encoding, selectors, services
from .engine import ranking
from .engine.evaluation import ndcg_at, ranking_measures, roc_auc
from .engine.passages import split_sentences
from .models import Match


@dataclass
class _Loaded:
    ideas: dict[str, Idea]
    companies: dict[str, Company]
    texts: int
    embed_seconds: float


def evaluate(dataset: dict) -> dict:
    """Every measure of `evaluate_matching --json`, for one dataset."""
    with rolled_back():
        return _evaluate(dataset)


@contextmanager
def matched_dataset(dataset: dict) -> Iterator[dict[str, Idea]]:
    """The dataset's ideas by key, embedded and matched, for as long as the block runs; then
    everything is rolled back."""
    with rolled_back():
        loaded = _load(dataset)
        services.match_refresh_all()
        yield loaded.ideas


def with_tags_translated(dataset: dict, translations: dict[str, str], *, language: str) -> dict:
    """The dataset with the technology and domain tags of `language` companies translated (the
    same profile written the way a Korean firm would write it)."""
    companies = []
    for company in dataset["companies"]:
        if company.get("language") == language:
            company = {
                **company,
                "technologies": [translations.get(t, t) for t in company.get("technologies", [])],
                "domains": [translations.get(d, d) for d in company.get("domains", [])],
            }
        companies.append(company)
    return {**dataset, "companies": companies}


def _set_aside_existing_data() -> None:
    """Inside the rolled-back transaction, the site's own ideas and companies leave the matcher's
    view, so the dataset is matched against itself alone."""
    Match.objects.all().delete()
    Idea.objects.update(is_hidden=True)
    Company.objects.update(is_verified=False)


def _load(dataset: dict) -> _Loaded:
    started = time.perf_counter()
    _set_aside_existing_data()
    author = User.objects.create(username="__evaluation__")
    companies = {
        entry["key"]: Company.objects.create(
            name=f"{entry['name']} [{entry['key']}]",
            slug=f"eval-{entry['key']}".lower(),
            summary=entry.get("summary", ""),
            description=entry.get("description", ""),
            technologies=entry.get("technologies", []),
            domains=entry.get("domains", []),
            languages=[entry["language"]] if entry.get("language") else [],
            is_verified=True,
        )
        for entry in dataset["companies"]
    }
    ideas = {}
    for entry in dataset["ideas"]:
        problem, proposal = _split_body(entry.get("body", ""))
        ideas[entry["key"]] = Idea.objects.create(
            author=author,
            title=entry["title"][:120],
            problem=problem,
            proposal=proposal,
            category=entry.get("category", "other"),
            district="citywide",
            language=entry.get("language", "ko"),
            status=IdeaStatus.PUBLISHED,
        )
    texts = 0
    for company in companies.values():
        embedding, _computed = services.embedding_refresh_for_company(company_id=company.pk)
        texts += embedding.passages.count() + 1 if embedding else 0
    services.embedding_refresh_for_ideas(idea_ids=[idea.pk for idea in ideas.values()])
    texts += sum(idea.embedding.passages.count() + 1 for idea in ideas.values())
    return _Loaded(ideas, companies, texts, time.perf_counter() - started)


def _evaluate(dataset: dict) -> dict:
    started = time.perf_counter()
    loaded = _load(dataset)
    services.match_refresh_all()
    grades = {entry["key"]: entry.get("relevant", {}) for entry in dataset["ideas"]}
    language = {entry["key"]: entry.get("language", "ko") for entry in dataset["ideas"]}
    company_key = {company.pk: key for key, company in loaded.companies.items()}
    idea_key = {idea.pk: key for key, idea in loaded.ideas.items()}

    # Every company in the order the product ranks them for each idea, and every idea in the
    # order it ranks them for each company (strength first, then score).
    stored_ideas = embeddings.load_ideas(Idea.objects.filter(pk__in=idea_key))
    stored_companies = embeddings.load_companies(Company.objects.filter(pk__in=company_key))
    scores, _blocked, _stats, levels = services.score_matrix(stored_ideas, stored_companies)
    keys = ranking.ranking_key(scores, levels)
    idea_rankings = {
        idea_key[idea_id]: [
            company_key[stored_companies.owner_ids[c]] for c in np.argsort(-keys[row], kind="stable")
        ]
        for row, idea_id in enumerate(stored_ideas.owner_ids)
    }
    company_rankings = {
        company_key[company_id]: [
            idea_key[stored_ideas.owner_ids[r]] for r in np.argsort(-keys[:, c], kind="stable")
        ]
        for c, company_id in enumerate(stored_companies.owner_ids)
    }

    result = ranking_measures(idea_rankings, grades)
    result["by_language"] = {
        lang: ranking_measures({k: v for k, v in idea_rankings.items() if language[k] == lang}, grades)
        for lang in sorted(set(language.values()))
    }
    grades_for_company: dict[str, dict[str, int]] = {key: {} for key in loaded.companies}
    for idea, relevant in grades.items():
        for company, grade in relevant.items():
            grades_for_company.setdefault(company, {})[idea] = grade
    with_relevant = [key for key in company_rankings if grades_for_company.get(key)]
    result["company_side"] = {
        "ndcg_at_10": round(
            float(np.mean([ndcg_at(company_rankings[k], grades_for_company[k], 10) for k in with_relevant])),
            4,
        )
        if with_relevant
        else None,
        "companies": len(with_relevant),
    }

    shown_on_idea_pages = {
        key: [company_key[m.company_id] for m in selectors.matches_for_idea(idea=idea)]
        for key, idea in loaded.ideas.items()
    }
    shown_on_company_pages = {
        key: [idea_key[m.idea_id] for m in selectors.matches_for_company(company=company)]
        for key, company in loaded.companies.items()
    }
    result["shown"] = {
        "idea_pages": _shown_measures(shown_on_idea_pages, grades),
        "company_pages": _shown_measures(shown_on_company_pages, grades_for_company),
    }

    positive, negative, flagged = [], [], []
    for pair in dataset.get("duplicates", []):
        similarity = selectors.similarity_between(
            idea_a=loaded.ideas[pair["a"]], idea_b=loaded.ideas[pair["b"]]
        )
        (positive if pair["duplicate"] else negative).append(similarity)
        flagged.append((similarity >= selectors.LIKELY_SAME, bool(pair["duplicate"])))
    result["duplicate_auc"] = round(roc_auc(positive, negative), 4) if positive and negative else None
    true_flags = sum(1 for said, truth in flagged if said and truth)
    said_same = sum(1 for said, _truth in flagged if said)
    result["similar_while_typing"] = {
        "precision": round(true_flags / said_same, 4) if said_same else None,
        "recall": round(true_flags / len(positive), 4) if positive else None,
    }
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["texts_per_second"] = round(loaded.texts / max(loaded.embed_seconds, 1e-9), 1)
    result["model"] = encoding.model_name()
    return result


def _shown_measures(shown: dict[str, list[str]], grades: dict[str, dict[str, int]]) -> dict:
    """Precision of what a page shows, the share of grade-2 pairs it shows, and the share of
    pages with no relevant partner that still show something."""
    pairs = [(page, other) for page, others in shown.items() for other in others]
    relevant_shown = sum(1 for page, other in pairs if grades.get(page, {}).get(other, 0) >= 1)
    strong = [(page, other) for page, relevant in grades.items() for other, g in relevant.items() if g >= 2]
    strong_shown = sum(1 for page, other in strong if other in shown.get(page, []))
    without = [page for page in shown if not grades.get(page)]
    return {
        "precision": round(relevant_shown / len(pairs), 4) if pairs else None,
        "strong_recall": round(strong_shown / len(strong), 4) if strong else None,
        "no_fit_shown": round(sum(1 for page in without if shown[page]) / len(without), 4)
        if without
        else None,
        "shown_pairs": len(pairs),
    }


def _split_body(body: str) -> tuple[str, str]:
    """The dataset has one body; ideas keep a problem and a proposal. The whole body is the
    problem, and the proposal repeats its last sentence so both fields are filled."""
    sentences = split_sentences(body)
    if len(sentences) < 2:
        return body, body
    return " ".join(sentences[:-1]), sentences[-1]
