"""Each school's annual evaluation sheet (纳入学校教育质量评价和评优评先): the anti-bullying items of
one year — phase reports on time, serious cases reported, notices closed, summonses, accountability
— and a score whose points the district sets (DistrictSettings.eval_*)."""

import datetime as dt
from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from schools.forms.base import BootstrapForm
from schools.views.common import add_errors
from tenants import audit
from tenants.access import bureau_view

SCORE_FIELDS = ("eval_base_score", "eval_report_points", "eval_serious_points", "eval_notice_points",
                "eval_summons_points", "eval_accountability_points")  # fmt: skip


@dataclass
class Row:
    school: object
    reports_expected: int = 0
    reports_on_time: int = 0
    reports_late_or_missing: int = 0
    serious_cases: int = 0
    serious_flagged: int = 0
    notices: int = 0
    notices_closed: int = 0
    summonses: int = 0
    accountability: int = 0
    deductions: list = field(default_factory=list)
    score: int = 0


def sheet(*, viewer, year: int, today: dt.date | None = None) -> list[Row]:
    """One row per school, from the roll-ups and the district's own tables (no school schema read)."""
    from inspections.models import NoticeStatus, RectificationNotice
    from oversight.accountability.models import AccountabilityRecord
    from oversight.models import DistrictSettings, Phase
    from oversight.progress import LATE, MISSING, ON_TIME
    from oversight.progress_rollup import cells
    from oversight.serious_cases.selectors import register
    from oversight.summons.models import Summons
    from tenants.models import School

    if not (getattr(viewer, "is_authenticated", False) and viewer.is_bureau):
        raise Http404
    today = today or timezone.localdate()
    rules = DistrictSettings.current()
    schools = list(School.objects.exclude(schema_name="public").order_by("name"))
    rows = {s.pk: Row(school=s) for s in schools}
    phases = list(Phase.objects.filter(report_due_on__year=year))
    for (school_id, _phase), cell in cells(phases, list(rows), today).items():
        row = rows[school_id]
        if cell.state in (ON_TIME, LATE, MISSING):
            row.reports_expected += 1
            row.reports_on_time += int(cell.state == ON_TIME)
            row.reports_late_or_missing += int(cell.state != ON_TIME)
    for view in register(
        viewer=viewer, filters={"since": dt.date(year, 1, 1), "until": dt.date(year, 12, 31)}
    ):
        school_id = (view.case or view.external[0]).school_id
        if school_id in rows:
            rows[school_id].serious_cases += int(view.case is not None)
            rows[school_id].serious_flagged += int(
                any(c in view.flag_codes for c in ("late", "missing", "concealed"))
            )
    for notice in RectificationNotice.objects.filter(issued_on__year=year, visit__voided_at__isnull=True):
        rows[notice.school_id].notices += 1
        rows[notice.school_id].notices_closed += int(notice.status == NoticeStatus.CLOSED)
    for school_id in Summons.objects.filter(year=year).values_list("school_id", flat=True):
        rows[school_id].summonses += 1
    for school_id in AccountabilityRecord.objects.filter(decided_on__year=year).values_list(
        "school_id", flat=True
    ):
        rows[school_id].accountability += 1
    for row in rows.values():
        parts = [
            (_("迟报或未报阶段报告"), row.reports_late_or_missing, rules.eval_report_points),
            (_("迟报、漏报或瞒报严重欺凌事件"), row.serious_flagged, rules.eval_serious_points),
            (_("未销号整改通知书"), row.notices - row.notices_closed, rules.eval_notice_points),
            (_("约谈"), row.summonses, rules.eval_summons_points),
            (_("问责"), row.accountability, rules.eval_accountability_points),
        ]
        row.deductions = [(label, n, n * points) for label, n, points in parts if n]
        row.score = max(0, rules.eval_base_score - sum(d[2] for d in row.deductions))
    return list(rows.values())


COLUMNS = (gettext_lazy("学校"), gettext_lazy("应报阶段报告"), gettext_lazy("按时报送"), gettext_lazy("迟报或未报"),
           gettext_lazy("严重欺凌事件"), gettext_lazy("其中迟报/漏报/瞒报"), gettext_lazy("整改通知书"),
           gettext_lazy("已销号"), gettext_lazy("约谈"), gettext_lazy("问责"), gettext_lazy("得分"),
           gettext_lazy("扣分说明"))  # fmt: skip


def values(row: Row) -> list:
    detail = "；".join(_("%(label)s %(n)s 项扣 %(points)s 分") % {"label": label, "n": n, "points": points}
                      for label, n, points in row.deductions)  # fmt: skip
    return [row.school.name, row.reports_expected, row.reports_on_time, row.reports_late_or_missing, row.serious_cases,
            row.serious_flagged, row.notices, row.notices_closed, row.summonses, row.accountability, row.score,
            detail]  # fmt: skip


@transaction.atomic(durable=True)
def update_scores(*, acting_user, values: dict):
    """Bureau admins set the evaluation's points; audited with old and new values."""
    from oversight.models import DistrictSettings

    if not getattr(acting_user, "is_authenticated", False) or not acting_user.is_bureau_admin:
        raise ValidationError(_("只有教育局管理员可以修改年度评价的分值。"))
    row = DistrictSettings.objects.select_for_update().get(pk=DistrictSettings.current().pk)
    changes = {}
    for name in SCORE_FIELDS:
        new = values.get(name)
        if new is None or new < 0 or new > (1000 if name == "eval_base_score" else 100):
            raise ValidationError(
                {
                    name: _("分值须在 0 到 %(max)s 之间。")
                    % {"max": 1000 if name == "eval_base_score" else 100}
                }
            )
        if getattr(row, name) != new:
            changes[name] = {"old": getattr(row, name), "new": new}
            setattr(row, name, new)
    if changes:
        row.save()
        audit.record(actor=acting_user, action="settings.evaluation_scores_changed", obj=row, changes=changes)
    return row


class ScoresForm(BootstrapForm):
    eval_base_score = forms.IntegerField(label=gettext_lazy("基础分"), min_value=0, max_value=1000)
    eval_report_points = forms.IntegerField(
        label=gettext_lazy("每份迟报或未报阶段报告扣分"), min_value=0, max_value=100
    )
    eval_serious_points = forms.IntegerField(
        label=gettext_lazy("每起迟报、漏报或瞒报事件扣分"), min_value=0, max_value=100
    )
    eval_notice_points = forms.IntegerField(
        label=gettext_lazy("每份未销号整改通知书扣分"), min_value=0, max_value=100
    )
    eval_summons_points = forms.IntegerField(label=gettext_lazy("每次约谈扣分"), min_value=0, max_value=100)
    eval_accountability_points = forms.IntegerField(
        label=gettext_lazy("每项问责扣分"), min_value=0, max_value=100
    )


def _year(request) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@bureau_view
def evaluation_sheet(request):
    from oversight.models import DistrictSettings

    year = _year(request)
    status = 200
    if request.method == "POST":
        form = ScoresForm(request.POST)
        if form.is_valid():
            try:
                update_scores(acting_user=request.user, values=form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("年度评价分值已更新。"))
                return redirect(f"{request.path}?year={year}")
        status = 400
    else:
        current = DistrictSettings.current()
        form = ScoresForm(initial={name: getattr(current, name) for name in SCORE_FIELDS})
    rows = [values(row) for row in sheet(viewer=request.user, year=year)]
    return render(request, "oversight/evaluation.html", {"year": year, "columns": COLUMNS, "rows": rows, "form": form,
                                                         "can_edit": request.user.is_bureau_admin}, status=status)  # fmt: skip


@bureau_view
def evaluation_export(request):
    year = _year(request)
    book = Workbook()
    ws = book.active
    ws.title = _("%(year)s 年度评价") % {"year": year}
    ws.append([str(c) for c in COLUMNS])
    for row in sheet(viewer=request.user, year=year):
        ws.append(values(row))
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="evaluation-{year}.xlsx"'
    book.save(response)
    return response
