"""Memory per connection with many schemas: a web worker's process and its PostgreSQL backend
after touching every school's schema (search_path switched to each, two of its tables read through
the ORM, as a page view does). PostgreSQL keeps catalog entries of every relation a connection has
touched in that backend's private memory until it disconnects; Python keeps little.

Sizes: small 50, full 2,000 schools (BENCH_MEMORY_SCHOOLS overrides). Reported: the web process's
RSS, and the backend's private memory (RssAnon in /proc; the server must be on this machine)."""

import os
from pathlib import Path

from django.db import connection
from django_tenants.utils import tenant_context

from bench.harness import report

SCHOOLS = {"small": 50, "full": 2000}


def _kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def run(scale: str) -> None:
    from bench.scale import _fill_to
    from schools.models import Activity, Incident
    from tenants.models import School

    count = int(os.environ.get("BENCH_MEMORY_SCHOOLS", SCHOOLS[scale]))
    _fill_to(count)
    schools = list(School.objects.exclude(schema_name="public")[:count])
    connection.close()
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    local = Path(f"/proc/{backend}").exists()
    web_before = _kb(os.getpid(), "VmRSS")
    backend_before = _kb(backend, "RssAnon") if local else 0
    for school in schools:
        with tenant_context(school):
            Incident.objects.filter(voided_at__isnull=True).count()
            list(Activity.objects.order_by("-held_on")[:5])
    connection.set_schema_to_public()
    report("memory_schools_touched", len(schools), "schools")
    report("memory_web_process_rss_before", web_before / 1024, "MB")
    report("memory_web_process_rss_after", _kb(os.getpid(), "VmRSS") / 1024, "MB")
    if local:
        after = _kb(backend, "RssAnon")
        report("memory_backend_private_before", backend_before / 1024, "MB")
        report("memory_backend_private_after", after / 1024, "MB")
        report("memory_backend_private_per_schema", (after - backend_before) / max(1, len(schools)), "kB")
