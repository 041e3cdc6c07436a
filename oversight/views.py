from django.db.models import Count, Q
from django.shortcuts import render

from inspections.selectors import current_assignments
from oversight.models import Campaign
from oversight.selectors import current_phase, schools_overview
from tenants.models import SchoolKind


def district_home(request):
    """The district's front page: its schools, their sites and the running campaign."""
    schools = list(schools_overview())
    if request.user.is_inspector and not request.user.is_bureau:
        assigned = set(current_assignments(inspector=request.user).values_list("school_id", flat=True))
        schools = [s for s in schools if s.pk in assigned]
    by_kind = {kind.value: 0 for kind in SchoolKind}
    for school in schools:
        by_kind[school.kind] += 1
    campaigns = Campaign.objects.annotate(phase_count=Count("phases")).prefetch_related("phases")
    context = {
        "schools": schools,
        "kind_counts": [(label, by_kind[value]) for value, label in SchoolKind.choices if by_kind[value]],
        "students": sum(s.student_count for s in schools),
        "boarding": sum(1 for s in schools if s.boarding),
        "suspended": sum(1 for s in schools if not s.is_active),
        "campaigns": campaigns,
        "current_phase": current_phase(),
        "open_assignments": current_assignments().filter(~Q(school__status="suspended")).count(),
    }
    return render(request, "oversight/home.html", context)
