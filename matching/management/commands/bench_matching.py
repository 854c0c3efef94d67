import json
import os
import resource
import statistics
import time
import tracemalloc

import numpy as np
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import F

from accounts.models import User
from companies.models import Company
from core.transactions import rolled_back
from ideas.models import Idea, IdeaStatus
from matching import encoding, services
from matching.engine.passages import idea_passages, split_sentences
from matching.models import Embedding, Match, Passage

DEMO_DATA = settings.DEMO_DATA


# Rounds of each speed run. A 2-core virtual machine's timings wander by a quarter from one run
# to the next, so the runs take turns within a round, and each run's share of plain encode is the
# median over rounds of its time against plain encode's in the same round: a slow spell then
# hits both sides of the ratio alike.
SPEED_ROUNDS = 5


# What the issue measured before placement was incremental: (label, then, target).
BEFORE = {
    "new_idea_p95_s": ("one new idea, p95", "not measured (2.0 ideas/s)", "0.2 s"),
    "profile_edit_s": ("one profile edit", "59 s (full refresh)", "2 s"),
    "sweep_noop_s": ("sweep with nothing stale", "59 s (full refresh)", "0.5 s"),
    "full_refresh_s": ("full refresh", "59 s", "5 s"),
    "burst_share_of_plain": ("burst, one worker, of plain", "8%", "80%"),
}


# Synthetic ideas and companies already matched when a burst's tasks place theirs.
SPEED_CITY = (1_000, 100)


def _paired_share(reference_seconds: list[float], seconds: list[float]) -> float:
    return statistics.median(r / s for r, s in zip(reference_seconds, seconds, strict=True))


def _seconds(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _blas() -> dict:
    """The library and kernels numpy's matrix products ran on: OpenBLAS picks its kernels by the
    processor unless OPENBLAS_CORETYPE names them, and the same code's similarity then runs at
    about half the speed on AVX2 kernels as on AVX-512 ones."""
    from threadpoolctl import threadpool_info

    found = next((pool for pool in threadpool_info() if pool["user_api"] == "blas"), {})
    return {
        "library": found.get("internal_api"),
        "version": found.get("version"),
        "kernels": found.get("architecture"),
        "threads": found.get("num_threads"),
        "kernels_named_by_environment": os.environ.get("OPENBLAS_CORETYPE"),
    }


def _rolled_back(run):
    """Run inside a savepoint that is undone, so the next round starts from the same state."""

    def wrapped():
        with rolled_back():
            run()

    return wrapped


def _analyse() -> None:
    """Show the planner the synthetic rows just written. The bench's rows are rolled back, and
    autovacuum may since have recorded the tables as empty: the planner then joins ten thousand
    ideas to their embeddings in a nested loop (a sweep with nothing stale once took 30 s so),
    which a city's database, analysed as it grows, does not."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"ANALYZE {Idea._meta.db_table}, {Embedding._meta.db_table}, {Passage._meta.db_table}, "
            f"{Company._meta.db_table}"
        )


class Command(BaseCommand):
    help = (
        "Measure embedding speed (plain model.encode against the product's pipeline, on the same "
        "texts) and the time and memory of refreshing all matches at scale. Runs in a transaction "
        "that is rolled back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--texts", type=int, default=192, help="idea texts for the speed runs")
        parser.add_argument("--ideas", type=int, default=10_000, help="synthetic ideas for the refresh")
        parser.add_argument("--companies", type=int, default=500, help="synthetic companies for the refresh")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--new-ideas", type=int, default=100, help="ideas placed one by one")
        parser.add_argument("--large-ideas", type=int, default=100_000)
        parser.add_argument("--large-companies", type=int, default=2_000)
        parser.add_argument("--no-large", action="store_true", help="skip the 100,000 x 2,000 run")

    def handle(self, *args, texts: int, ideas: int, companies: int, json: bool = False, **options):
        results: dict = {"cores": os.cpu_count(), "blas": _blas()}
        with rolled_back():
            self._city_set_aside()
            results["encode"] = self._encode_speed(texts)
            results["refresh"] = self._refresh_at_scale(ideas, companies)
            results.update(self._incremental(options["new_ideas"]))
        if not options["no_large"]:
            with rolled_back():
                large = self._at_scale_only(options["large_ideas"], options["large_companies"])
            results["large"] = large
        results.update(
            new_idea_p50_s=results["incremental"]["new_idea_p50_s"],
            new_idea_p95_s=results["incremental"]["new_idea_p95_s"],
            profile_edit_s=results["incremental"]["profile_edit_s"],
            sweep_noop_s=results["incremental"]["sweep_noop_s"],
            full_refresh_s=results["refresh"]["refresh_seconds"],
            full_refresh_rewrite_s=results["refresh"]["rewrite_seconds"],
            full_refresh_peak_mb=results["refresh"]["refresh_peak_python_mb"],
            burst_share_of_plain=results["encode"]["share_of_plain_whole_text"]["pipeline_task_burst"],
            burst_share_of_plain_documents=results["encode"]["share_of_plain_documents"][
                "pipeline_task_burst"
            ],
        )
        if json:
            import json as json_module

            self.stdout.write(json_module.dumps(results))
        else:
            self._print(results)

    def _city_set_aside(self) -> None:
        """The database's own ideas and companies (`make run`'s demo, say) out of the measures:
        its ideas drafts, its companies unverified, their matches gone, and whatever of them still
        waits for its vectors embedded now, untimed. Else a burst's task would embed the waiting
        ideas with its own, and the sweep "with nothing stale" would embed the waiting profiles
        and refresh everything (as when the demo was loaded with no worker running)."""
        Idea.objects.all().update(status=IdeaStatus.DRAFT)
        Company.objects.all().update(is_verified=False)
        Match.objects.all().delete()
        encoding.get_model()
        services.matching_sweep()

    # -- embedding speed ----------------------------------------------------------------------

    def _texts(self, count: int) -> list[dict]:
        demo = json.loads(DEMO_DATA.read_text(encoding="utf-8"))["ideas"]
        rows = []
        for n in range(count):
            idea = demo[n % len(demo)]
            # Every sentence differs from one round to the next, so the vector cache serves nothing.
            # A prefix rather than a suffix: after a sentence end it would join the next sentence.
            mark = f"({n // len(demo) + 1}) "
            rows.append(
                {
                    **idea,
                    **{
                        field: " ".join(mark + s for s in split_sentences(idea[field]))
                        for field in ("title", "problem", "proposal")
                    },
                }
            )
        return rows

    def _encode_speed(self, count: int) -> dict:
        rows = self._texts(count)
        encoding.get_model()  # load outside the timings
        encoding.encode(["warm up"], kind="query")

        whole = ["\n".join((r["title"], r["problem"], r["proposal"])) for r in rows]
        passages = [
            p.text
            for r in rows
            for p in idea_passages(title=r["title"], problem=r["problem"], proposal=r["proposal"])
        ]
        author = User.objects.create(username="__bench__")
        created = Idea.objects.bulk_create(
            Idea(
                author=author,
                title=r["title"],
                problem=r["problem"],
                proposal=r["proposal"],
                category=r["category"],
                district=r["district"],
                language=r["language"],
                status=IdeaStatus.PUBLISHED,
            )
            for r in rows
        )
        ids = [idea.pk for idea in created]

        def sweep():
            for n in range(0, len(ids), services.SWEEP_BATCH):
                services.embedding_refresh_for_ideas(idea_ids=ids[n : n + services.SWEEP_BATCH])

        from matching.tasks import embed_idea

        def burst():
            # As one worker takes a burst's tasks one after another: a task embeds a batch of the
            # waiting ideas with its own, and the next tasks find their vectors current and only
            # place their ideas.
            for idea_id in ids:
                embed_idea.apply(args=[idea_id], throw=True)

        documents = [
            [p.text for p in idea_passages(title=r["title"], problem=r["problem"], proposal=r["proposal"])]
            for r in rows
        ]
        # A city with companies and a current matching state, so each task places its idea as
        # in production (with no companies every placement falls back to a full refresh).
        from bench import synthetic_matching as synthetic

        rng = np.random.default_rng(5)
        centres = synthetic.topics(rng)
        synthetic.write_vectors(synthetic.make_companies(SPEED_CITY[1], start=30_000), rng, centres)
        synthetic.write_vectors(synthetic.make_ideas(author, SPEED_CITY[0], start=30_000_000), rng, centres)
        _analyse()
        services.match_refresh_all()
        runs = {
            "plain_encode_whole_text": lambda: encoding.encode(whole, kind="query"),
            "plain_encode_passages": lambda: encoding.encode(passages, kind="query"),
            "plain_encode_apart": lambda: encoding.encode(whole + passages, kind="query"),
            "plain_encode_documents": lambda: encoding.encode_documents(documents, kind="query"),
            "pipeline_sweep_batched": _rolled_back(sweep),
            "pipeline_task_burst": _rolled_back(burst),
        }
        timings: dict[str, list[float]] = {key: [] for key in runs}
        for _round in range(SPEED_ROUNDS):
            for key, run in runs.items():
                timings[key].append(_seconds(run))
        return {
            "texts": count,
            "rounds": SPEED_ROUNDS,
            "passages_per_text": round(len(passages) / count, 2),
            **{key: round(count / min(seconds), 1) for key, seconds in timings.items()},
            "share_of_plain_whole_text": {
                key: round(_paired_share(timings["plain_encode_whole_text"], seconds), 3)
                for key, seconds in timings.items()
            },
            "share_of_plain_documents": {
                key: round(_paired_share(timings["plain_encode_documents"], seconds), 3)
                for key, seconds in timings.items()
            },
        }

    # -- refresh at scale ---------------------------------------------------------------------

    def _refresh_at_scale(self, n_ideas: int, n_companies: int) -> dict:
        rng = np.random.default_rng(7)
        started = time.perf_counter()
        # Only the synthetic ideas count, and none of the others waits for the sweep.
        Idea.objects.all().update(status=IdeaStatus.DRAFT)
        Company.objects.all().update(is_verified=False)
        # Nor any of their matches: a company's answer on one (as `make run`'s demo data has)
        # sends every profile edit to a full refresh (README), which is not what is measured.
        Match.objects.all().delete()
        author, _created = User.objects.get_or_create(username="__bench__")
        from bench import synthetic_matching as synthetic

        centres = synthetic.topics(rng)
        synthetic.write_vectors(synthetic.make_ideas(author, n_ideas), rng, centres)
        synthetic.write_vectors(synthetic.make_companies(n_companies), rng, centres)
        _analyse()
        setup_seconds = time.perf_counter() - started

        # Timed without tracemalloc, which slows every Python allocation (a third of the time at
        # 10,000 ideas), and undone; then run again from nothing under it for its peak, and kept.
        refresh_seconds = _seconds(_rolled_back(services.match_refresh_all))
        tracemalloc.start()
        written = services.match_refresh_all()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # As after a model or scoring change: every row differs from what is written, and the
        # ideas are matched already.
        Match.objects.update(score=F("score") + 1)
        rewrite_seconds = _seconds(services.match_refresh_all)
        return {
            "ideas": n_ideas,
            "companies": n_companies,
            "matches_written": written,
            "setup_seconds": round(setup_seconds, 1),
            "refresh_seconds": round(refresh_seconds, 1),
            "refresh_peak_python_mb": round(peak / 2**20, 1),
            "rewrite_seconds": round(rewrite_seconds, 1),
            "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }

    def _incremental(self, count: int) -> dict:
        """On the synthetic city of `_refresh_at_scale`: ideas placed one by one (vectors written
        beforehand, so no model time), a profile edit, and a sweep with nothing stale."""
        from bench import synthetic_matching as synthetic

        rng = np.random.default_rng(11)
        centres = synthetic.topics(rng)
        author = User.objects.get(username="__bench__")
        newcomers = synthetic.make_ideas(author, count, start=10_000_000)
        synthetic.write_vectors(newcomers, rng, centres)
        seconds = []
        for idea in newcomers:
            started = time.perf_counter()
            services.match_refresh_for_idea(idea_id=idea.pk)
            seconds.append(time.perf_counter() - started)
        sweep_seconds = _seconds(services.matching_sweep)
        company = Company.objects.filter(is_verified=True).first()
        # From storing the new vectors (as the embedding task does after the model) to every
        # ranking written.
        edit_seconds = _seconds(
            lambda: (
                synthetic.edit_company(company, rng, centres),
                services.match_refresh_for_company(company_id=company.pk),
            )
        )
        return {
            "incremental": {
                "new_ideas": count,
                "new_idea_p50_s": round(float(np.percentile(seconds, 50)), 4),
                "new_idea_p95_s": round(float(np.percentile(seconds, 95)), 4),
                "profile_edit_s": round(edit_seconds, 2),
                "sweep_noop_s": round(sweep_seconds, 4),
            }
        }

    def _at_scale_only(self, n_ideas: int, n_companies: int) -> dict:
        from bench import synthetic_matching as synthetic

        User.objects.get_or_create(username="__bench__")
        refresh = self._refresh_at_scale(n_ideas, n_companies)
        rng = np.random.default_rng(12)
        centres = synthetic.topics(rng)
        author = User.objects.get(username="__bench__")
        newcomers = synthetic.make_ideas(author, 20, start=20_000_000)
        synthetic.write_vectors(newcomers, rng, centres)
        seconds = [
            _seconds(lambda idea=idea: services.match_refresh_for_idea(idea_id=idea.pk)) for idea in newcomers
        ]
        return {
            "ideas": n_ideas,
            "companies": n_companies,
            "full_refresh_s": refresh["refresh_seconds"],
            "full_refresh_peak_mb": refresh["refresh_peak_python_mb"],
            "new_idea_p95_s": round(float(np.percentile(seconds, 95)), 4),
        }

    def _print(self, results: dict) -> None:
        e, r = results["encode"], results["refresh"]
        shares = e["share_of_plain_whole_text"]
        self.stdout.write(
            f"Embedding speed on the same {e['texts']} idea texts, {e['passages_per_text']} passages each.\n"
            "The pipeline embeds each idea's whole text and each of its passages, the passages' vectors "
            "worked out from one reading of the whole text.\n"
            f"Ideas/s, fastest of {e['rounds']} rounds; share of plain whole-text encode, "
            "median of the rounds' paired ratios:"
        )
        for label, key in (
            ("plain model.encode, whole text", "plain_encode_whole_text"),
            ("plain model.encode, each passage alone", "plain_encode_passages"),
            ("plain model.encode, whole text, then each passage", "plain_encode_apart"),
            ("plain encode_documents, whole text and each passage", "plain_encode_documents"),
            ("pipeline: sweep, batched (DB + cache)", "pipeline_sweep_batched"),
            ("pipeline: a burst, one task per idea (embed + place)", "pipeline_task_burst"),
        ):
            share = shares.get(key, e[key] / e["plain_encode_whole_text"])
            self.stdout.write(f"  {label:<54}{e[key]:>8.1f}  {100 * share:>5.0f}%")
        self.stdout.write(
            f"Refresh all matches, {r['ideas']} ideas x {r['companies']} companies (synthetic vectors): "
            f"{r['refresh_seconds']} s, {r['matches_written']} matches, "
            f"peak {r['refresh_peak_python_mb']} MB in Python objects and arrays, "
            f"process peak RSS {r['process_peak_rss_mb']} MB"
        )
        i, blas = results["incremental"], results["blas"]
        named = (
            f", named by OPENBLAS_CORETYPE={blas['kernels_named_by_environment']}"
            if blas["kernels_named_by_environment"]
            else ""
        )
        self.stdout.write(
            f"Matrix products: {blas['library']} {blas['version']}, {blas['kernels']} kernels{named}, "
            f"{blas['threads']} threads"
        )
        self.stdout.write(
            f"On {results['cores']} cores, at {r['ideas']} ideas x {r['companies']} companies:\n"
            f"  one new idea placed (model time excluded), p50 / p95 over {i['new_ideas']}: "
            f"{i['new_idea_p50_s']} s / {i['new_idea_p95_s']} s\n"
            f"  one profile edit: {i['profile_edit_s']} s\n"
            f"  sweep with nothing stale: {i['sweep_noop_s']} s\n"
            f"  full refresh from nothing (every idea newly matched, its author told): "
            f"{r['refresh_seconds']} s, peak {r['refresh_peak_python_mb']} MB "
            "(the peak from a second run, under tracemalloc)\n"
            f"  full refresh rewriting every row (as after a model change): {r['rewrite_seconds']} s\n"
            f"  a burst through the tasks, one worker, as a share of plain encode: "
            f"{100 * results['burst_share_of_plain']:.0f}% of whole texts, "
            f"{100 * results['burst_share_of_plain_documents']:.0f}% of the same texts the pipeline encodes"
        )
        self.stdout.write(
            "\nBeside the figures measured when the matcher rescored everything (issue 14, 2 cores):"
        )
        now = {
            "new_idea_p95_s": f"{results['new_idea_p95_s']} s",
            "profile_edit_s": f"{results['profile_edit_s']} s",
            "sweep_noop_s": f"{results['sweep_noop_s']} s",
            "full_refresh_s": (
                f"{results['full_refresh_s']} s (rewriting every row: {results['full_refresh_rewrite_s']} s)"
            ),
            "burst_share_of_plain": f"{100 * results['burst_share_of_plain']:.0f}%",
        }
        for key, (label, before, target) in BEFORE.items():
            self.stdout.write(f"  {label:<32}{before:<28}{now[key]:<44}target {target}")
        if "large" in results:
            large = results["large"]
            self.stdout.write(
                f"At {large['ideas']} ideas x {large['companies']} companies: full refresh "
                f"{large['full_refresh_s']} s (peak {large['full_refresh_peak_mb']} MB), "
                f"one new idea p95 {large['new_idea_p95_s']} s"
            )
