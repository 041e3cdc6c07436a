"""Host name → school (tenants.host_lookup.school_for_host), from the cache vs from the database."""

import sys
import time

from django.core.cache import caches

from bench.harness import ensure_schools, median, report
from tenants.host_lookup import forget_host, school_for_host

CALLS = {"small": 200, "full": 2000}


def _per_call_us(hostname: str, calls: int, *, cached: bool) -> float:
    samples = []
    for _ in range(calls):
        if not cached:
            forget_host(hostname)
        start = time.perf_counter()
        school = school_for_host(hostname)
        samples.append(time.perf_counter() - start)
        assert school is not None, hostname
    return median(samples) * 1e6


def run(scale: str) -> None:
    hostname = ensure_schools(1)[0].host()
    calls = CALLS[scale]
    school_for_host(hostname)
    cached = _per_call_us(hostname, calls, cached=True)
    uncached = _per_call_us(hostname, calls, cached=False)
    forget_host(hostname)
    report("host_lookup_cached_per_call", cached, "us")
    report("host_lookup_uncached_per_call", uncached, "us")
    report("host_lookup_calls", calls, "calls")
    print(f"host lookup cache backend: {type(caches['default']).__name__}", file=sys.stderr)
