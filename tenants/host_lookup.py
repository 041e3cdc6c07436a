"""Host name → school, cached in the shared cache and invalidated when a school or domain changes.

django-tenants looks the domain up with an uncached query on every request (issue #435);
the district sees thousands of requests a minute, so we cache the answer, including "no school".
"""

from django.core.cache import cache
from django.db import connection

from tenants.models import Domain, School

_MISSING = "missing"
TIMEOUT = 3600


def _key(hostname: str) -> str:
    # The database name keeps a test database's answers apart from the demo's in a shared cache.
    return f"tenant-host:v1:{connection.settings_dict['NAME']}:{hostname}"


def school_for_host(hostname: str) -> School | None:
    cached = cache.get(_key(hostname))
    if cached == _MISSING:
        return None
    if isinstance(cached, School):
        return cached
    domain = Domain.objects.select_related("tenant").filter(domain=hostname).first()
    school = domain.tenant if domain else None
    cache.set(_key(hostname), school if school is not None else _MISSING, TIMEOUT)
    return school


def forget_host(hostname: str) -> None:
    cache.delete(_key(hostname))


def forget_school(school: School) -> None:
    for hostname in Domain.objects.filter(tenant=school).values_list("domain", flat=True):
        forget_host(hostname)
