from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from matching.evaluation import evaluate, with_tags_translated
from matching.management.reports import as_json, figure, read_json

DEFAULT_TAG_TRANSLATIONS = Path(__file__).resolve().parents[3] / "bench" / "data" / "tags_ko.json"


class Command(BaseCommand):
    help = (
        "Score the production ranking, what the pages show, and duplicate detection on a labelled "
        "dataset; then the same with Korean companies' tags written in Korean. The data is loaded "
        "inside a transaction that is rolled back, so nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--tag-translations",
            type=Path,
            default=DEFAULT_TAG_TRANSLATIONS,
            help="English tag -> Korean tag, for the Korean-tag variant (default: %(default)s)",
        )

    def handle(self, *args, path: Path, json: bool = False, tag_translations: Path, **options):
        dataset = read_json(path)
        for key in ("companies", "ideas"):
            if key not in dataset:
                raise CommandError(f"{path} has no '{key}' list.")
        result = evaluate(dataset)
        translations = read_json(tag_translations)
        korean_tags = evaluate(with_tags_translated(dataset, translations, language="ko"))
        result["korean_tags"] = {
            "ndcg_at_5": korean_tags["ndcg_at_5"],
            "by_language": {lang: m["ndcg_at_5"] for lang, m in korean_tags["by_language"].items()},
            "ndcg_at_5_difference": round(abs(korean_tags["ndcg_at_5"] - result["ndcg_at_5"]), 4),
        }
        if json:
            self.stdout.write(as_json(result))
        else:
            self._print_table(result)

    def _print_table(self, result: dict) -> None:
        write = self.stdout.write
        write(f"model            {result['model']}")
        rows = [("all", result)] + list(result["by_language"].items())
        write(f"{'ideas':<8}{'n':>5}{'nDCG@5':>10}{'recall@5':>10}{'MRR':>8}")
        for name, measures in rows:
            write(
                f"{name:<8}{measures['ideas']:>5}{measures['ndcg_at_5']:>10.4f}"
                f"{measures['recall_at_5']:>10.4f}{measures['mrr']:>8.4f}"
            )
        variant = result["korean_tags"]
        by_language = ", ".join(f"{lang} {value:.4f}" for lang, value in variant["by_language"].items())
        write(
            f"Korean companies' tags in Korean: nDCG@5 {variant['ndcg_at_5']:.4f} ({by_language}); "
            f"difference {variant['ndcg_at_5_difference']:.4f}"
        )
        write(
            f"company side nDCG@10 {result['company_side']['ndcg_at_10']} "
            f"({result['company_side']['companies']} companies)"
        )
        write(
            f"{'shown by default':<18}{'precision':>11}{'strong recall':>15}{'no-fit shown':>14}{'pairs':>7}"
        )
        for name, key in (("idea pages", "idea_pages"), ("company pages", "company_pages")):
            m = result["shown"][key]
            write(
                f"{name:<18}{figure(m['precision']):>11}{figure(m['strong_recall']):>15}"
                f"{figure(m['no_fit_shown']):>14}{m['shown_pairs']:>7}"
            )
        typing = result["similar_while_typing"]
        write(f"duplicate ROC AUC {result['duplicate_auc']}")
        write(
            f"'likely the same idea' label: precision {figure(typing['precision'])}, "
            f"recall {figure(typing['recall'])}"
        )
        write(f"seconds {result['seconds']}, texts/s while embedding {result['texts_per_second']}")
