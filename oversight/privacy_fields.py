"""The public schema's gated texts as stored, for `manage.py scan_public_text`: each model, its
gated fields, and the school whose pupils they must not name (None: district-wide text, checked
against every school's names)."""

from oversight.models import BreakGlassGrant, Campaign, Phase, PhaseExemption, PhaseExtension, PhaseSubmission
from schools.privacy.gate import known_staff_names, known_student_names

# model, fields, how to find the row's school ("" = district-wide), e-mail fields
STORED = [
    (Campaign, ("name", "description"), "", ()),
    (Phase, ("title", "goals", "report_template"), "", ()),
    (PhaseExtension, ("reason",), "school", ()),
    (PhaseExemption, ("reason",), "school", ()),
    (PhaseSubmission, ("review_comment",), "school", ()),
    (BreakGlassGrant, ("reason", "decision_note", "objection_reason"), "school", ()),
]


def _more():
    """Fields of the apps above this one's (inspections, api) and of its sub-packages."""
    from api.models import ApiToken
    from inspections.models import (
        ChecklistItem,
        ChecklistTemplate,
        NoticeItem,
        RectificationNotice,
        Visit,
        VisitAnswer,
        VisitPlan,
    )
    from oversight.accountability.models import AccountabilityRecord
    from oversight.appeals.models import DistrictAppeal
    from oversight.disclosures.models import Disclosure
    from oversight.serious_cases.models import ExternalReport, SeriousCaseReport
    from oversight.summons.models import Circular, Commitment, Summons
    from tenants.models import School

    return [
        (Visit, ("summary", "void_reason"), "school", ()),
        (RectificationNotice, ("items", "close_note"), "school", ()),
        (ApiToken, ("name",), "school", ()),
        (School, ("principal", "legal_vice_principal", "mailbox"), "self", ("mailbox",)),
        (SeriousCaseReport, ("account", "measures_text", "attention_channel"), "school", ()),
        (ExternalReport, ("note", "source_detail"), "school", ()),
        (DistrictAppeal, ("grounds", "decision_reasons", "delay_reason", "school_response"), "school", ()),
        (Visit, ("late_reason",), "school", ()),
        (VisitAnswer, ("text", "evidence_note"), "visit__school", ()),
        (VisitPlan, ("note",), "school", ()),
        (NoticeItem, ("text", "measures", "evidence", "recheck_note"), "notice__school", ()),
        (ChecklistTemplate, ("note",), "", ()),
        (ChecklistItem, ("text", "code"), "", ()),
        (
            Summons,
            (
                "place",
                "interviewers",
                "attendees",
                "documents",
                "problems_raised",
                "school_statement",
                "report_text",
                "report_evidence",
                "review_comment",
            ),
            "school",
            (),
        ),  # fmt: skip
        (Commitment, ("text", "owner_post"), "summons__school", ()),
        (Circular, ("title", "body"), "", ()),
        (
            AccountabilityRecord,
            (
                "facts",
                "basis",
                "deciding_body",
                "statement",
                "challenge_grounds",
                "challenge_late_reason",
                "challenge_reasons",
            ),
            "school",
            (),
        ),  # fmt: skip
        (
            Disclosure,
            ("title", "facts", "measures", "outcome", "withdraw_reason"),
            "serious_case__school",
            (),
        ),
    ]


def _follow(row, path: str):
    """The object at the end of a `a__b` relation path (the row's school)."""
    for step in path.split("__"):
        row = getattr(row, step)
    return row


def _text(value) -> str:
    if isinstance(value, dict) and "sections" in value:
        from oversight.actions import _template_text

        return _template_text(value)
    if isinstance(value, dict | list):
        # a list of attendees and the like: every string in it
        leaves = value.values() if isinstance(value, dict) else value
        return "\n".join(_text(leaf) for leaf in leaves if leaf)
    return value if isinstance(value, str) else ""


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
        for row in rows.iterator(chunk_size=500):
            school = None if via == "" else (row if via == "self" else _follow(row, via))
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
