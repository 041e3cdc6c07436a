"""The public schema's gated texts as stored, for `manage.py scan_public_text`: each model, its
gated fields, and the school whose pupils they must not name (None: district-wide text, checked
against every school's names)."""

from oversight.models import BreakGlassGrant, Campaign, Phase, PhaseExemption, PhaseExtension, PhaseSubmission
from schools.privacy.gate import known_staff_names, known_student_names

# model, fields, how to find the row's school ("" = district-wide), e-mail fields
STORED = [
    (Campaign, ("name", "description"), "", ()),
    (Phase, ("name", "goals", "report_template"), "", ()),
    (PhaseExtension, ("reason",), "school", ()),
    (PhaseExemption, ("reason",), "school", ()),
    (PhaseSubmission, ("review_comment",), "school", ()),
    (BreakGlassGrant, ("reason",), "school", ()),
]


def _more():
    """Fields of the apps above this one's (inspections, api) and of its sub-packages."""
    from api.models import ApiToken
    from inspections.models import RectificationNotice, Visit
    from oversight.appeals.models import DistrictAppeal
    from oversight.serious_cases.models import ExternalReport, SeriousCaseReport
    from tenants.models import School

    return [
        (Visit, ("summary", "void_reason"), "school", ()),
        (RectificationNotice, ("items", "close_note"), "school", ()),
        (ApiToken, ("name",), "school", ()),
        (School, ("principal", "legal_vice_principal", "mailbox"), "self", ("mailbox",)),
        (SeriousCaseReport, ("account", "measures_text", "attention_channel"), "school", ()),
        (ExternalReport, ("note", "source_detail"), "school", ()),
        (DistrictAppeal, ("grounds", "decision_reasons", "delay_reason", "school_response"), "school", ()),
    ]


def _text(value) -> str:
    if isinstance(value, dict | list):
        from oversight.actions import _template_text

        return _template_text(value) if isinstance(value, dict) else ""
    return value or ""


def stored_public_texts():
    """(label, pk, school, {field: text}, e-mail fields, known names) for every stored row."""
    known = {}

    def names(school):
        key = school.pk if school else None
        if key not in known:
            known[key] = (known_student_names(school), known_staff_names(school))
        return known[key]

    for model, fields, via, email_fields in STORED + _more():
        rows = model.objects.select_related(*([via] if via not in ("", "self") else [])).order_by("pk")
        for row in rows.iterator():
            school = None if via == "" else (row if via == "self" else getattr(row, via))
            for field in fields:
                text = _text(getattr(row, field))
                if text:
                    yield (
                        f"{model._meta.label}.{field}",
                        row.pk,
                        school,
                        {field: text},
                        email_fields,
                        names(school),
                    )
