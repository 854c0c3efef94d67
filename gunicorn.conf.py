"""gunicorn's settings for the web tier. gunicorn reads this file when started from this folder
(`gunicorn config.wsgi --bind …`, as in README's "Running in production" and `make loadtest`);
options on its command line win over it.

Threaded workers rather than sync ones: a page spends much of its time waiting for PostgreSQL and
Redis (an idea's page asks one to four queries and two cache reads, a company's matches page four
queries), and while one thread waits another of the same process runs, so the cores stay busy
with as few processes as cores allow. They also keep connections open between requests and let a
slow client hold a thread, not a whole process. Under `make loadtest` on 2 cores, 4 workers of 4
threads served an uncached idea's page and a company's matches page 1.6 times, and the log-in
page twice, as fast as 4 sync workers (README).

Each thread keeps its own database connection (CONN_MAX_AGE): a machine opens up to workers ×
threads of them, plus its Celery workers'; PostgreSQL's max_connections must allow that.
"""

import os

worker_class = "gthread"
# Two processes a core: Python runs one thread of a process at a time, so the processes, not the
# threads, are what uses the cores.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1)))
threads = int(os.environ.get("WEB_THREADS", 4))
# A request is cut off after this long: no page takes near it unless something hangs.
timeout = 30
# Behind a proxy that reuses its connections to the app, a little longer than none.
keepalive = 5
