"""The page where bureau staff set the 问题突出学校 rules (thresholds and weights)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from oversight import actions, forms
from oversight.models import FLAG_RULE_FIELDS, DistrictSettings
from schools.views.common import add_errors
from tenants.access import bureau_view


@bureau_view
def flag_rules(request):
    current = DistrictSettings.current()
    if request.method == "POST":
        form = forms.FlagRulesForm(request.POST)
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in FLAG_RULE_FIELDS}
            try:
                actions.update_flag_rules(acting_user=request.user, values=values,
                                          expected_updated_at=form.cleaned_data["updated_at"])  # fmt: skip
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("问题突出学校的规则已更新。"))
                return redirect("dashboard")
        return render(request, "oversight/flag_rules.html", {"form": form}, status=400)
    form = forms.FlagRulesForm(instance=current, initial={"updated_at": current.updated_at})
    return render(request, "oversight/flag_rules.html", {"form": form})
