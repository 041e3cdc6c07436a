from django.http import Http404

from oversight.onboarding.models import OnboardingJob


def job_for(viewer, pk) -> OnboardingJob:
    """One upload, for a bureau admin; anyone else gets the same 404 as a missing one."""
    if not viewer.is_authenticated or not viewer.is_bureau_admin:
        raise Http404
    job = OnboardingJob.objects.filter(pk=pk).defer("content").first()
    if job is None:
        raise Http404
    return job


def recent_jobs(viewer, limit: int = 10) -> list[OnboardingJob]:
    if not viewer.is_authenticated or not viewer.is_bureau_admin:
        return []
    return list(OnboardingJob.objects.defer("content").select_related("created_by")[:limit])
