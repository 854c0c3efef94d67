"""Where one request of the load benchmark's slowest pages spends its time, in one process with
the production settings: an idea's page for an anonymous visitor (a random public idea, so
almost always a cache miss) and a company's matches page for its member, with its cards from the
cache as on a repeat visit, and drawn afresh as after any write.

Run after `python -m bench.loadtest`, whose database `gwangju_ai_load` it reads (it writes
nothing there but the sessions of its member): `python -m bench.profile_pages [--requests N]`.
It prints, per page (and the log-in page for scale), the mean time of a request and how it splits
into database queries (with their count, round trips included), template rendering, the rest of
the view, and the middleware around it; then cProfile's heaviest functions, by cumulative and by
own time, over as many requests again.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import time

from bench.servers import HOST, production_environment

# bench.loadtest's, not imported from it: locust would patch the standard library with gevent,
# and the queries would wait in gevent's poll instead of psycopg's.
DATABASE = "gwangju_ai_load"
REDIS_NAME = "redis-load"


class Timer:
    """Time spent in queries and in template rendering, by wrapping both."""

    def __init__(self) -> None:
        self.queries = 0
        self.query_seconds = 0.0
        self.render_seconds = 0.0
        self.render_query_seconds = 0.0
        self.view_seconds = 0.0
        self._depth = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - started
            self.queries += 1
            self.query_seconds += spent
            if self._depth:
                self.render_query_seconds += spent

    def wrap_render(self) -> None:
        from django.template.backends.django import Template

        original = Template.render
        timer = self

        def render(self, context=None, request=None):
            timer._depth += 1
            started = time.perf_counter()
            try:
                return original(self, context, request)
            finally:
                timer._depth -= 1
                if not timer._depth:
                    timer.render_seconds += time.perf_counter() - started

        Template.render = render

    def wrap_view(self) -> None:
        """Time from the URL resolution to the view's response, without the middleware."""
        from django.core.handlers.base import BaseHandler

        original = BaseHandler._get_response
        timer = self

        def get_response(self, request):
            started = time.perf_counter()
            try:
                return original(self, request)
            finally:
                timer.view_seconds += time.perf_counter() - started

        BaseHandler._get_response = get_response


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="per page, each way")
    parser.add_argument("--top", type=int, default=25)
    options = parser.parse_args(argv)
    os.environ.update(production_environment(database=DATABASE, redis_name=REDIS_NAME))

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from companies.models import Membership
    from core import page_cache
    from ideas.models import PUBLIC_STATUSES, Idea

    ids = list(Idea.objects.filter(status__in=PUBLIC_STATUSES, is_hidden=False).values_list("pk", flat=True))
    # Each idea once, so every request misses the page cache, as nearly all do under load.
    random.Random(3).shuffle(ids)
    unseen = iter(ids)
    membership = Membership.objects.select_related("company", "user").get(user__username="company1")
    slug = membership.company.slug
    visitor = Client(HTTP_HOST=HOST)
    member = Client(HTTP_HOST=HOST)
    member.force_login(membership.user)

    def matches_after_a_write() -> str:
        # As after any write to what cached pages show: the cards are read and drawn again.
        page_cache.changed()
        return f"/companies/{slug}/matches/"

    pages = [
        ("/accounts/login/ (the cheapest page, for scale)", visitor, lambda: "/accounts/login/"),
        ("/ideas/<id>/ (anonymous, cache miss)", visitor, lambda: f"/ideas/{next(unseen)}/"),
        (f"/companies/{slug}/matches/ (member)", member, lambda: f"/companies/{slug}/matches/"),
        (f"/companies/{slug}/matches/ (member, cards drawn afresh)", member, matches_after_a_write),
    ]
    timer = Timer()
    timer.wrap_render()
    timer.wrap_view()
    with connection.execute_wrapper(timer):
        for name, client, path in pages:
            for _ in range(20):  # warm the template loader, translations and connection
                assert client.get(path()).status_code == 200
            timer.__init__()
            started = time.perf_counter()
            for _ in range(options.requests):
                client.get(path())
            total = (time.perf_counter() - started) / options.requests * 1000
            query, render, view = (
                seconds / options.requests * 1000
                for seconds in (
                    timer.query_seconds,
                    # Queries a template tag runs are counted as queries, not as rendering.
                    timer.render_seconds - timer.render_query_seconds,
                    timer.view_seconds,
                )
            )
            print(f"\n== {name}: {options.requests} requests, {total:.1f} ms each")
            print(
                f"queries {query:.1f} ms ({timer.queries / options.requests:.1f} of them), "
                f"template rendering {render:.1f} ms, view code {view - query - render:.1f} ms, "
                f"middleware and handler {total - view:.1f} ms"
            )
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(options.requests):
                client.get(path())
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("cumulative").print_stats(options.top)
            stats.sort_stats("tottime").print_stats(options.top)


if __name__ == "__main__":
    main()
