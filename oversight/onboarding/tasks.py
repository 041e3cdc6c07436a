from celery import shared_task


@shared_task(name="oversight.onboarding.run_onboarding")
def run_onboarding(job_id: int) -> int:
    """Sent from the public schema (start_onboarding), so it runs there; returns schools created."""
    from oversight.onboarding.actions import run

    return run(job_id).created
