"""Audit pages of a school's site, for school admins only: the school's own log (who changed what,
when, each field as old → new) with an XLSX export, and the break-glass grants the district opened
on this school with every page viewed under them. Read-only.

The display helpers here are shared with the district's audit page (oversight/audit_views.py)."""

import datetime as dt
import io
import json
import re

from django import forms
from django.apps import apps
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from oversight.models import BreakGlassGrant
from schools import permissions
from schools.forms.base import DATE, BootstrapForm
from schools.models import AuditEvent
from schools.views import history
from schools.views.common import requires
from tenants.models import User

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The school's actions; schools/views/history.py's labels win where it has one.
SCHOOL_ACTIONS = {
    "incident.recorded": gettext_lazy("登记事件"),
    "incident.party_added": gettext_lazy("添加当事学生"),
    "incident.family_notified": gettext_lazy("告知家长"),
    "incident.party_edited": gettext_lazy("修改当事学生信息"),
    "incident.investigating": gettext_lazy("立案调查"),
    "incident.determined": gettext_lazy("作出认定"),
    "incident.handling": gettext_lazy("进入处置"),
    "incident.follow_up": gettext_lazy("进入追踪辅导"),
    "incident.closed": gettext_lazy("结案"),
    "incident.measure_added": gettext_lazy("登记处置措施"),
    "incident.support_added": gettext_lazy("登记受害学生帮扶"),
    "incident.follow_up_scheduled": gettext_lazy("安排追踪辅导"),
    "incident.follow_up_done": gettext_lazy("完成追踪辅导"),
    "incident.voided": gettext_lazy("作废事件"),
    "incident.appeal_filed": gettext_lazy("登记认定申诉"),
    "incident.appeal_decided": gettext_lazy("答复认定申诉"),
    "incident.reported_upward": gettext_lazy("上报区教育局"),
    "tip.received": gettext_lazy("收到举报"),
    "tip.replied": gettext_lazy("回复举报"),
    "tip.triaged": gettext_lazy("处理举报"),
    "tip.closed": gettext_lazy("关闭举报"),
    "care.entry_added": gettext_lazy("加入重点关注"),
    "care.entry_edited": gettext_lazy("修改重点关注"),
    "care.talk_added": gettext_lazy("记录谈心谈话"),
    "care.entry_closed": gettext_lazy("解除重点关注"),
    "care.entry_voided": gettext_lazy("作废重点关注"),
    "governance.member_added": gettext_lazy("添加领导小组成员"),
    "governance.member_edited": gettext_lazy("修改领导小组成员"),
    "governance.member_deactivated": gettext_lazy("成员离任"),
    "governance.published_info_changed": gettext_lazy("修改公示信息"),
    "governance.duty_added": gettext_lazy("添加岗位职责"),
    "governance.duty_edited": gettext_lazy("修改岗位职责"),
    "governance.duty_deactivated": gettext_lazy("停用岗位职责"),
    "governance.document_uploaded": gettext_lazy("上传制度文件"),
    "report.started": gettext_lazy("开始填写阶段报告"),
    "report.saved": gettext_lazy("保存阶段报告"),
    "report.attachment_added": gettext_lazy("上传报告附件"),
    "report.submitted": gettext_lazy("提交阶段报告"),
    "break_glass.granted": gettext_lazy("区教育局开启紧急调阅"),
    "break_glass.requested": gettext_lazy("区教育局申请紧急调阅"),
    "break_glass.delayed": gettext_lazy("区教育局申请紧急调阅（延迟生效）"),
    "break_glass.approved": gettext_lazy("区教育局开启紧急调阅"),
    "break_glass.objected": gettext_lazy("本校对紧急调阅提出异议"),
    "serious_report.first": gettext_lazy("向区教育局报送首报"),
    "serious_report.follow_up": gettext_lazy("向区教育局报送续报"),
    "serious_report.closing": gettext_lazy("向区教育局报送结案报告"),
    "break_glass.revoked": gettext_lazy("区教育局撤销紧急调阅"),
    **history.ACTIONS,
}
# Where a logged object has a page of its own on the school site.
SCHOOL_PAGES = {
    "incident": "incident-detail", "hazard": "hazard-detail", "activity": "activity-detail",
    "careentry": "care-detail", "tip": "tip-detail", "governancemember": "governance-member",
    "responsibilityitem": "governance-duty", "phasereport": "report-detail",
}  # fmt: skip
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


# --- shared display helpers ------------------------------------------------------------------


def shown(name, field, value) -> str:
    """One stored value as people read it: choices by label, lists joined, times in local time."""
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if isinstance(value, list):
        base = getattr(field, "base_field", None)
        return "、".join(history._shown(name, base, item) for item in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)[:300]
    if isinstance(value, str) and ISO_DATETIME.match(value):
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.strftime("%Y-%m-%d %H:%M")
    return history._shown(name, field, value)


def change_rows(model, event) -> list[dict]:
    """Each change of an event: {field: {old, new}} as label old → new; a plain value as label: value."""
    rows = []
    created = event.action.endswith((".recorded", ".added", ".created", ".granted", ".received", ".started"))
    for name, change in (event.changes or {}).items():
        if name in history.QUIET:
            continue
        field = history._field(model, name) if model is not None else None
        label = field.verbose_name if field is not None else history.EXTRA_LABELS.get(name, name)
        if isinstance(change, dict) and set(change) == {"old", "new"}:
            old, new = change["old"], change["new"]
            if created and old is None and new in (None, "", 0, []):
                continue
            rows.append({"label": str(label), "old": shown(name, field, old), "new": shown(name, field, new),
                         "created": old is None})  # fmt: skip
        elif change not in (None, "", []):
            rows.append({"label": str(label), "old": "", "new": shown(name, field, change), "created": True})
    return rows


def changes_text(rows) -> str:
    return "\n".join(
        f"{c['label']}：{c['new']}" if c["created"] else f"{c['label']}：{c['old']} → {c['new']}"
        for c in rows
    )


def _model(app_label, object_type):
    try:
        return apps.get_model(object_type) if "." in object_type else apps.get_model(app_label, object_type)
    except (LookupError, ValueError):
        return None


def event_row(event, *, labels, app_label="schools", pages=None) -> dict:
    model = _model(app_label, event.object_type)
    if model is None and event.object_type == "breakglassgrant":
        model = BreakGlassGrant
    link = ""
    url_name = (pages or {}).get(event.object_type)
    if url_name:
        try:
            link = reverse(url_name, kwargs={"pk": int(event.object_id)})
        except (NoReverseMatch, ValueError):
            link = ""
    return {
        "event": event, "at": event.at, "actor": event.actor, "action": str(labels.get(event.action, event.action)),
        "code": event.action, "object": f"{model._meta.verbose_name if model else event.object_type} #{event.object_id}",
        "link": link, "changes": change_rows(model, event),
    }  # fmt: skip


class AuditFilterForm(BootstrapForm):
    """Filters of an audit page, read from the query string."""

    action = forms.ChoiceField(label=gettext_lazy("操作"), required=False)
    actor = forms.TypedChoiceField(label=gettext_lazy("操作人"), required=False, coerce=int, empty_value=None)
    since = forms.DateField(label=gettext_lazy("起始日期"), required=False, widget=DATE)
    until = forms.DateField(label=gettext_lazy("截止日期"), required=False, widget=DATE)

    def __init__(self, data, *, events, labels, **kwargs):
        super().__init__(data, **kwargs)
        actions = events.order_by().values_list("action", flat=True).distinct()
        everything = [("", _("全部"))]
        self.fields["action"].choices = everything + sorted(
            ((code, f"{labels.get(code, code)}（{code}）") for code in actions), key=lambda c: c[0]
        )
        actor_ids = list(events.order_by().exclude(actor=None).values_list("actor", flat=True).distinct())
        actors = User.objects.filter(pk__in=actor_ids).order_by("username")
        self.fields["actor"].choices = everything + [(u.pk, f"{u}（{u.username}）") for u in actors]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return data

    def apply(self, events):
        if not self.is_bound or not self.is_valid():
            return events
        data = self.cleaned_data
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("actor"):
            events = events.filter(actor_id=data["actor"])
        if data.get("since"):
            events = events.filter(at__gte=_start_of(data["since"]))
        if data.get("until"):
            events = events.filter(at__lt=_start_of(data["until"] + dt.timedelta(days=1)))
        return events


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def filter_data(request):
    """The query string minus paging, or None when nothing is filtered (an unbound form)."""
    data = request.GET.copy()
    data.pop("page", None)
    return data if any(data.values()) else None


def page_of(request, items, size=PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


def xlsx_response(*, title: str, headers: list[str], rows, filename: str) -> HttpResponse:
    """A one-sheet workbook: title row, bold header row, one row per entry; text stays text."""
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = title[:31]
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    for column, header in enumerate(headers, start=1):
        sheet.cell(row=3, column=column, value=str(header)).font = Font(bold=True)
    for number, values in enumerate(rows, start=4):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column)
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))
            cell.data_type = "s"  # never a formula
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for letter, width in zip("ABCDEFG", [18, 16, 24, 24, 60, 60, 60], strict=False):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --- the school's pages ------------------------------------------------------------------------

admins_only = requires(permissions.is_admin, gettext_lazy("审计日志仅限本校管理员查看。"))


def _school_events(request):
    events = AuditEvent.objects.select_related("actor")
    form = AuditFilterForm(filter_data(request), events=events, labels=SCHOOL_ACTIONS)
    return form, form.apply(events)


@admins_only
def audit_log(request):
    form, events = _school_events(request)
    page = page_of(request, events)
    rows = [event_row(e, labels=SCHOOL_ACTIONS, pages=SCHOOL_PAGES) for e in page.object_list]
    return render(request, "schools/audit/log.html", {"form": form, "page": page, "rows": rows})


@admins_only
def audit_export(request):
    form, events = _school_events(request)
    rows = (
        (timezone.localtime(r["at"]).strftime("%Y-%m-%d %H:%M:%S"), r["actor"] or _("系统"), r["action"],
         r["object"], changes_text(r["changes"]))
        for r in (event_row(e, labels=SCHOOL_ACTIONS) for e in events[:EXPORT_LIMIT])
    )  # fmt: skip
    school = request.school
    title = _("%(school)s审计日志") % {"school": school.name}
    return xlsx_response(
        title=title, headers=[_("时间"), _("操作人"), _("操作"), _("对象"), _("变更内容")], rows=rows,
        filename=f"{school.slug}-audit-{timezone.localdate():%Y%m%d}.xlsx",
    )  # fmt: skip


@admins_only
def break_glass_log(request):
    """Every break-glass grant the district opened on this school, and every page viewed under it."""
    grants = (
        BreakGlassGrant.objects.filter(school=request.school)
        .select_related("grantee", "revoked_by")
        .prefetch_related("accesses")
    )
    page = page_of(request, grants, 20)
    return render(request, "schools/audit/break_glass.html", {"page": page, "now": timezone.now()})


@admins_only
def break_glass_object(request, pk):
    """The school's admin objects to a delayed grant before it opens."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError
    from django.shortcuts import get_object_or_404, redirect

    from oversight import break_glass

    if request.method == "POST":
        grant = get_object_or_404(BreakGlassGrant, pk=pk, school=request.school)
        try:
            break_glass.object_to_grant(
                acting_user=request.user, grant=grant, reason=request.POST.get("reason", "")
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已提出异议，该调阅不会生效。"))
    return redirect("audit-break-glass")
