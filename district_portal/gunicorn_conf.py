"""gunicorn's settings for `make serve`, `make run` and the Docker image's web role.

Each value can be overridden from the environment (WEB_CONCURRENCY, WEB_THREADS, WEB_TIMEOUT,
WEB_GRACEFUL_TIMEOUT, BIND/PORT) or on the command line."""

import multiprocessing
import os

# Each worker thread keeps its PostgreSQL connection between requests (settings.DB_CONN_MAX_AGE):
# (2 × cores + 1) × threads connections in all, inside PostgreSQL's default 100 up to 4 cores.
os.environ.setdefault("DB_CONN_MAX_AGE", "60")

bind = f"{os.environ.get('BIND', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# gunicorn's rule of thumb, 2 × cores + 1. Pages spend most of their time waiting on PostgreSQL,
# and a keep-alive connection stays with the worker that accepted it, so each worker has threads
# enough that a quick page is not queued behind two slow ones (with 2, the tip page waited over a
# second behind dashboards in bench/load.py). Each thread holds a PostgreSQL connection.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("WEB_THREADS") or 4)
worker_class = "gthread"

# A request still running after this is aborted (its worker restarted) instead of hanging a
# worker for ever; exports of a large district finish well inside it.
timeout = int(os.environ.get("WEB_TIMEOUT") or 60)
# On SIGTERM workers finish the requests in hand for up to this long, then stop.
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT") or 30)
keepalive = 5

# Workers are recycled now and then, so a slow leak never grows without bound.
max_requests = 2000
max_requests_jitter = 200

# Access log on stdout (one line a request, with the request id the app gives it), errors on stderr.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms id=%({x-request-id}o)s "%(a)s"'

# The app loads once in the master, so workers fork with it in memory and start quickly.
preload_app = True
# Behind a reverse proxy on the same host or network, trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def pre_fork(server, worker):
    """The master loaded the app (preload_app): a database connection it opened must not be
    inherited, or two workers would talk over one socket."""
    from django.db import connections

    connections.close_all()
