"""gunicorn settings, read from the working directory by `./run serve` and by the benchmark.

Threaded workers: a request spends a good part of its time waiting for PostgreSQL, and with one request per
process two sync workers left about a sixth of two cores idle under load. With 4 threads each (and
keep-alive, which sync workers do not do) intake went from about 400 to about 470–520 appeals/s on the
same 2-core machine (docs/performance.md). The application keeps its per-process caches behind locks.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 5
