"""The district's page of follow-through chains, per school and per campaign."""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from oversight import record_chain
from oversight.models import Campaign
from schools.forms.base import BootstrapForm
from tenants.access import bureau_view
from tenants.models import School


class ChainFilterForm(BootstrapForm):
    school = forms.ModelChoiceField(label=_("学校"), required=False, empty_label=_("全部"),
                                    queryset=School.objects.exclude(schema_name="public").order_by("name"))  # fmt: skip
    campaign = forms.ModelChoiceField(label=_("专项行动"), required=False, empty_label=_("全部"),
                                      queryset=Campaign.objects.order_by("-year", "name"))  # fmt: skip


@bureau_view
def chain_list(request):
    form = ChainFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    status = 400 if form.is_bound and not form.is_valid() else 200
    rows = record_chain.chains(
        viewer=request.user, school=filters.get("school"), campaign=filters.get("campaign")
    )
    return render(request, "oversight/chains.html", {"form": form, "rows": rows,
                                                     "open_count": sum(1 for r in rows if r.open)}, status=status)  # fmt: skip


@bureau_view
def phase_report_links(request, phase, school):
    """One school's report for one phase: its reminders and the summonses and accountability citing it."""
    from django.shortcuts import get_object_or_404

    from oversight.models import Phase

    phase = get_object_or_404(Phase.objects.select_related("campaign"), pk=phase)
    school = get_object_or_404(School.objects.exclude(schema_name="public"), pk=school)
    links = record_chain.links_of(viewer=request.user, kind="phase_report", pk=phase.pk, school_id=school.pk)
    return render(
        request, "oversight/phase_report_links.html", {"phase": phase, "school": school, "links": links}
    )
