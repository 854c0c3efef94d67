import time
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from companies.models import Company
from ideas.models import Idea, IdeaStatus
from matching import embeddings, encoding, services
from matching.engine.evaluation import ranking_measures, roc_auc
from matching.selectors import score_between


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Score the production ranking and duplicate detection on a labelled dataset. The data is "
        "loaded inside a transaction that is rolled back, so nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args, path: Path, json: bool = False, **options):
        import json as json_module

        try:
            dataset = json_module.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        for key in ("companies", "ideas"):
            if key not in dataset:
                raise CommandError(f"{path} has no '{key}' list.")

        result = {}
        try:
            with transaction.atomic():
                result = self._evaluate(dataset)
                raise _Rollback
        except _Rollback:
            pass

        if json:
            self.stdout.write(json_module.dumps(result, ensure_ascii=False))
        else:
            self._print_table(result)

    def _evaluate(self, dataset: dict) -> dict:
        started = time.perf_counter()
        author = User.objects.create(username="__evaluation__")
        companies = {}
        for entry in dataset["companies"]:
            companies[entry["key"]] = Company.objects.create(
                name=f"{entry['name']} [{entry['key']}]",
                slug=f"eval-{entry['key']}".lower(),
                summary=entry.get("summary", ""),
                description=entry.get("description", ""),
                technologies=entry.get("technologies", []),
                domains=entry.get("domains", []),
                languages=[entry["language"]] if entry.get("language") else [],
                is_verified=True,
            )
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
            services.embedding_refresh_for_company(company_id=company.pk)
            texts += company.embedding.passages.count()
        for idea in ideas.values():
            services.embedding_refresh_for_idea(idea_id=idea.pk)
            texts += idea.embedding.passages.count()
        embedded = time.perf_counter()

        loaded_ideas = embeddings.load_ideas(Idea.objects.filter(pk__in=[i.pk for i in ideas.values()]))
        loaded_companies = embeddings.load_companies(
            Company.objects.filter(pk__in=[c.pk for c in companies.values()])
        )
        scores, _blocked, _stats = services.score_matrix(loaded_ideas, loaded_companies)
        services.duplicate_stats_refresh(ideas=loaded_ideas)

        key_of_company = {c.pk: key for key, c in companies.items()}
        key_of_idea = {i.pk: key for key, i in ideas.items()}
        rankings = {}
        for row, idea_id in enumerate(loaded_ideas.owner_ids):
            order = np.argsort(-scores[row], kind="stable")
            rankings[key_of_idea[idea_id]] = [key_of_company[loaded_companies.owner_ids[c]] for c in order]
        relevance = {entry["key"]: entry.get("relevant", {}) for entry in dataset["ideas"]}
        language = {entry["key"]: entry.get("language", "ko") for entry in dataset["ideas"]}

        result = ranking_measures(rankings, relevance)
        result["by_language"] = {
            lang: ranking_measures({k: v for k, v in rankings.items() if language[k] == lang}, relevance)
            for lang in sorted(set(language.values()))
        }
        positive, negative = [], []
        for pair in dataset.get("duplicates", []):
            score = score_between(idea_a=ideas[pair["a"]], idea_b=ideas[pair["b"]])
            (positive if pair["duplicate"] else negative).append(score)
        result["duplicate_auc"] = round(roc_auc(positive, negative), 4) if positive and negative else None
        finished = time.perf_counter()
        result["seconds"] = round(finished - started, 2)
        result["texts_per_second"] = round(texts / max(embedded - started, 1e-9), 1)
        result["model"] = encoding.model_name()
        return result

    def _print_table(self, result: dict) -> None:
        self.stdout.write(f"model            {result['model']}")
        rows = [("all", result)] + list(result["by_language"].items())
        self.stdout.write(f"{'ideas':<8}{'n':>5}{'nDCG@5':>10}{'recall@5':>10}{'MRR':>8}")
        for name, measures in rows:
            self.stdout.write(
                f"{name:<8}{measures['ideas']:>5}{measures['ndcg_at_5']:>10.4f}"
                f"{measures['recall_at_5']:>10.4f}{measures['mrr']:>8.4f}"
            )
        self.stdout.write(f"duplicate ROC AUC {result['duplicate_auc']}")
        self.stdout.write(
            f"seconds {result['seconds']}, texts/s while embedding {result['texts_per_second']}"
        )


def _split_body(body: str) -> tuple[str, str]:
    """The dataset has one body; ideas keep a problem and a proposal. The whole body is the
    problem, and the proposal repeats its last sentence so both fields are filled."""
    from matching.engine.passages import split_sentences

    sentences = split_sentences(body)
    if len(sentences) < 2:
        return body, body
    return " ".join(sentences[:-1]), sentences[-1]
