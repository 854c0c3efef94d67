from django.core.management.base import BaseCommand
from tqdm import tqdm

from matching.services import matching_sweep


class Command(BaseCommand):
    help = "Embed every idea and company whose vectors are missing or stale, then refresh all matches."

    def handle(self, *args, **options):
        result = matching_sweep(progress=lambda items, desc: tqdm(items, desc=desc, unit=desc))
        self.stdout.write(
            self.style.SUCCESS(
                f"Embedded {result['ideas_embedded']} ideas and {result['companies_embedded']} companies; "
                f"{result['matches']} matches written."
            )
        )
