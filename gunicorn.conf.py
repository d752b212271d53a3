"""gunicorn settings, read from the working directory by `./run serve` and by the benchmark.

Threaded workers: a request spends a good part of its time waiting for PostgreSQL, and with one request per
process two sync workers left about a sixth of two cores idle under load. With 4 threads each (and
keep-alive, which sync workers do not do), together with prepared statements (settings.py), intake went
from about 400 to 460–540 appeals/s on the same 2-core machine (docs/performance.md). The application keeps its per-process caches behind locks.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 5


def post_worker_init(worker):
    # Everything loaded so far (Django, the app, its modules) lives as long as the worker. Moving it out of
    # the collector's sight keeps the occasional full collection short: they took 80-140 ms per pause in
    # a process this size, a visible tail on the inbox page (docs/performance.md).
    import gc

    gc.collect()
    gc.freeze()
