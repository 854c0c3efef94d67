from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from matching.management.reports import as_json, figure, read_json
from matching.search_evaluation import InvalidQuerySet, evaluate_search


class Command(BaseCommand):
    help = (
        "Score the idea list's search on labelled searches over the demo ideas: recall@10 by words "
        "alone (as before, and as when no worker answers) and by words and meaning. The demo ideas "
        "are loaded inside a transaction that is rolled back, so nothing is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", type=Path, help="labelled searches, e.g. tests/ideas/data/search_queries.json"
        )
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--verbose-queries", action="store_true", help="print each search's first results"
        )

    def handle(self, *args, path: Path, json: bool = False, verbose_queries: bool = False, **options):
        try:
            queries = read_json(path)["queries"]
        except (KeyError, TypeError) as error:
            raise CommandError(f"{path} has no 'queries' list.") from error
        try:
            result = evaluate_search(queries)
        except InvalidQuerySet as error:
            raise CommandError(str(error)) from error
        if json:
            self.stdout.write(as_json(result))
            return
        write = self.stdout.write
        write(f"model    {result['model']}")
        write(
            f"searches {result['queries']}, over {result['ideas']} demo ideas "
            f"({result['public_ideas']} public, searched as a signed-out visitor)"
        )
        languages = list(result["before"]["by_language"])
        header = f"{'':<26}{'recall@10':>10}" + "".join(f"{lang:>8}" for lang in languages)
        write(header + f"{'precision@10':>14}{'results':>9}{'none found':>12}")
        for name, side in (("words only (before)", "before"), ("words and meaning (after)", "after")):
            measures = result[side]
            write(
                f"{name:<26}{measures['recall_at_10']:>10.4f}"
                + "".join(f"{measures['by_language'][lang]['recall_at_10']:>8.4f}" for lang in languages)
                + f"{figure(measures['precision_at_10']):>14}{measures['results_per_query']:>9}"
                f"{measures['nothing_found']:>12}"
            )
        if verbose_queries:
            for row in result["per_query"]:
                before, after = row["before"], row["after"]
                write(
                    f"{row['query']}  before {before['recall']:.2f}  after {after['recall']:.2f}"
                    f"  ({after['found']} found): {' | '.join(after['top'][:5])}"
                )
