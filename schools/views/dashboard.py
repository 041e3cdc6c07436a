from django.db import connection
from django.shortcuts import render

from oversight.selectors import current_phase, next_phase
from schools.extensions import dashboard_panels
from schools.models import GovernanceMember
from schools.overdue import overdue_items
from schools.selectors import dashboard_figures
from tenants.access import inspector_view, public_view


@inspector_view
def school_home(request):
    """The school dashboard: what is open, what is overdue, where the campaign stands.
    Figures only, no names, so the school's assigned inspectors may read it too."""
    context = dashboard_figures()
    context["overdue"] = overdue_items(getattr(request, "membership", None))
    context["current_phase"] = current_phase(school=connection.tenant)
    context["next_phase"] = next_phase(school=connection.tenant)
    context["membership"] = getattr(request, "membership", None)
    context["panels"] = dashboard_panels(request)
    return render(request, "schools/home.html", context)


@public_view
def publicity(request):
    """公示: the responsible person, hotline, mailbox and leadership group — no login needed."""
    members = GovernanceMember.objects.filter(active=True)
    return render(request, "schools/publicity.html", {"members": members})
