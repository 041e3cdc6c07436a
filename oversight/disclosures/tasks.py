from celery import shared_task

from oversight.disclosures.actions import expire_due


@shared_task(name="oversight.disclosures.tasks.expire_disclosures")
def expire_disclosures() -> int:
    """Beat, daily: withdraw the disclosures that reached their expiry date (default 5 years)."""
    return expire_due()
