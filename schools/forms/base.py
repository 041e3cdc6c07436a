"""Form plumbing shared by the school pages."""

from django import forms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class BootstrapForm(forms.Form):
    """Gives every widget its Bootstrap class, so templates can render forms generically."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class VersionedForm(BootstrapForm):
    """Carries the version the user saw, so a stale edit is refused instead of overwriting."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
