from django.core.management.base import BaseCommand
from tqdm import tqdm

from matching.services import match_refresh_all, matching_sweep


class Command(BaseCommand):
    help = "Embed every idea and company whose vectors are missing or stale, then refresh all matches."

    def add_arguments(self, parser):
        parser.add_argument(
            "--rewrite",
            action="store_true",
            help="then score everything again and rewrite every ranked match with its reason, "
            "changed or not (after an upgrade that changes how reasons are chosen)",
        )

    def handle(self, *args, **options):
        result = matching_sweep(progress=lambda items, desc: tqdm(items, desc=desc, unit=desc))
        self.stdout.write(
            self.style.SUCCESS(
                f"Embedded {result['ideas_embedded']} ideas and {result['companies_embedded']} companies; "
                f"{result['matches']} matches written."
            )
        )
        if options["rewrite"]:
            written = match_refresh_all(rewrite=True)
            self.stdout.write(self.style.SUCCESS(f"{written} ranked matches rewritten with their reasons."))
