"""The page where bureau admins set the district's time limits and the break-glass mode."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from oversight import actions, forms
from oversight.models import DistrictSettings
from schools.views.common import add_errors
from tenants.access import bureau_view


@bureau_view
def district_settings(request):
    current = DistrictSettings.current()
    may_edit = request.user.is_bureau_admin
    if request.method == "POST":
        form = forms.DistrictSettingsForm(request.POST, instance=DistrictSettings.current())
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in actions.settings_page_fields()}
            try:
                actions.update_district_settings(acting_user=request.user, values=values,
                                                 expected_updated_at=form.cleaned_data["updated_at"])  # fmt: skip
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("区级设置已保存。"))
                return redirect("district-settings")
        return render(request, "oversight/settings.html", {"form": form, "may_edit": may_edit}, status=400)
    form = forms.DistrictSettingsForm(instance=current, initial={"updated_at": current.updated_at})
    return render(request, "oversight/settings.html", {"form": form, "may_edit": may_edit})
