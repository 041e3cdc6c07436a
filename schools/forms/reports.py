"""The phase report form: one field per figure the phase asks for (with its system count and a
reason field), one text area per narrative section."""

from django import forms
from django.utils.translation import gettext_lazy as _

from oversight.reporting import FIGURES
from schools.forms.base import VersionedForm
from schools.uploads import ACCEPT, LIMITS


class ReportForm(VersionedForm):
    def __init__(self, *args, phase, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.figure_rows = []
        for key in phase.figure_keys():
            # Text, not a number field: the action refuses non-numeric and negative values with its own message.
            value = forms.CharField(label=FIGURES[key], required=False, initial=report.figures.get(key, 0),
                                    widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "form-control form-control-sm"}))  # fmt: skip
            reason = forms.CharField(label=_("修改原因"), required=False, initial=report.overrides.get(key, ""),
                                     widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))  # fmt: skip
            self.fields[f"figure_{key}"] = value
            self.fields[f"reason_{key}"] = reason
            self.figure_rows.append((key, FIGURES[key], report.prefilled.get(key, 0)))
        self.section_keys = []
        for section in phase.sections():
            name = f"section_{section['key']}"
            self.fields[name] = forms.CharField(
                label=section["title"], required=False, initial=report.sections.get(section["key"], ""),
                widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
            )  # fmt: skip
            self.section_keys.append((section["key"], name, section.get("required", False)))
        self.fields["version"].initial = report.version

    def bound_figure_rows(self):
        return [
            (label, prefilled, self[f"figure_{key}"], self[f"reason_{key}"])
            for key, label, prefilled in self.figure_rows
        ]

    def bound_sections(self):
        return [(self[name], required) for _key, name, required in self.section_keys]

    def payload(self) -> dict:
        data = self.cleaned_data
        return {
            "figures": {key: data.get(f"figure_{key}", "") for key, _label, _p in self.figure_rows},
            "reasons": {key: data.get(f"reason_{key}", "") for key, _label, _p in self.figure_rows},
            "sections": {key: data.get(name, "") for key, name, _r in self.section_keys},
            "expected_version": data.get("version"),
        }


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("附件"), help_text=LIMITS, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT})
    )
