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


# --- issue 9: no server banner, no secrets in gunicorn's logs ---


def _drop_server_header():
    """gunicorn writes `Server: gunicorn` before the application's headers (gunicorn.http.wsgi.Response
    .default_headers, through 27.x) and has no setting to turn it off: the banner only tells an attacker
    what to look up. The HTTP/1 line is dropped here; this config file runs in the master before workers
    fork, so every worker has it. (HTTP/2, off here, adds its own `server` unless the response has one.)"""
    from gunicorn.http import wsgi

    original = wsgi.Response.default_headers
    if getattr(original, "wuyou_no_banner", False):
        return  # the config file is read again on reload

    def default_headers(self):
        return [line for line in original(self) if not line.lower().startswith("server:")]

    default_headers.wuyou_no_banner = True
    wsgi.Response.default_headers = default_headers


_drop_server_header()


def _scrubbing_logger_class():
    """gunicorn's logger with wuyou.core.logscrub's filter on its access and error logs: the access line
    quotes the request line and referrer (`GET /x?secret=abc` is logged as `secret=***`) and, with a custom
    access_log_format, request headers (`%({authorization}i)s` is logged as `***`)."""
    from gunicorn.glogging import Logger

    from wuyou.core.logscrub import SecretScrubFilter

    class ScrubbingLogger(Logger):
        def setup(self, cfg):
            super().setup(cfg)
            for log in (self.error_log, self.access_log):
                if not any(isinstance(f, SecretScrubFilter) for f in log.filters):
                    log.addFilter(SecretScrubFilter())

    return ScrubbingLogger


logger_class = _scrubbing_logger_class()
