"""Timing, printing and the schools the benchmarks measure against."""

import statistics
import time
from collections.abc import Callable

BENCH_PREFIX = "bench-"


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def report(name: str, value: float, unit: str) -> None:
    text = str(value) if isinstance(value, int) else f"{value:.3f}".rstrip("0").rstrip(".")
    print(f"BENCH {name} {text} {unit}", flush=True)


def create_school(label: str, number: int):
    """A school created the normal way (tenants.actions.provisioning), numbered within its label."""
    from tenants.actions.provisioning import SchoolSpec, create_school
    from tenants.models import School

    # Codes only need to be unique within the throwaway database.
    code = f"39{School.objects.count():08d}"
    spec = SchoolSpec(
        name=f"基准测试学校 {label} {number}",
        code=code,
        slug=f"{BENCH_PREFIX}{label}-{number:03d}",
        kind="primary",
        student_count=800,
    )
    return create_school(acting_user=None, spec=spec)


def ensure_schools(count: int) -> list:
    """At least `count` schools, reusing those an earlier benchmark made."""
    from tenants.models import School

    schools = list(School.objects.exclude(schema_name="public"))
    for number in range(len(schools), count):
        schools.append(create_school("extra", number))
    return schools
