from celery import shared_task

from tenants import counters


@shared_task(name="tenants.tasks.purge_expired_counters")
def purge_expired_counters() -> int:
    """Lock-out and rate-limit windows that have run out are only dead weight: drop them."""
    return counters.purge_expired()
