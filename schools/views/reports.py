"""Phase report pages: this school's phases with their state, the report form (figures prefilled
from the school's records, narrative sections, attachments), submit, versions side by side, and
the campaign's 工作总结 as DOCX."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from oversight.models import Campaign, Phase, PhaseSubmission
from oversight.progress import effective_due, extension_for, is_exempt
from oversight.reporting import FIGURES
from schools import permissions
from schools.actions import reports as actions
from schools.forms.reports import AttachmentForm, ReportForm
from schools.models import PhaseReport, PhaseReportAttachment
from schools.views.common import add_errors, requires, saved
from schools.views.history import history_rows

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _phases_for_school(school):
    campaigns = Campaign.objects.filter(pk__in=Campaign.including(school).values("pk")).prefetch_related(
        "phases"
    )
    return [(campaign, list(campaign.phases.order_by("order"))) for campaign in campaigns]


@requires(permissions.can_manage_records)
def report_list(request):
    school = connection.tenant
    reports = {}
    for report in PhaseReport.objects.order_by("number"):
        reports[report.phase_id] = report  # the latest version per phase
    submissions = {s.phase_id: s for s in PhaseSubmission.objects.filter(school=school).order_by("version")}
    rows = []
    today = timezone.localdate()
    for campaign, phases in _phases_for_school(school):
        for phase in phases:
            try:
                actions.check_window(phase, school, today)
                closed = ""
            except ValidationError as error:
                closed = error.messages[0]
            rows.append({
                "campaign": campaign, "phase": phase, "report": reports.get(phase.pk),
                "submission": submissions.get(phase.pk), "exempt": is_exempt(phase, school),
                "due": effective_due(phase, extension_for(phase, school)), "closed": closed,
            })  # fmt: skip
    return render(request, "schools/reports/list.html", {"rows": rows, "today": timezone.localdate()})


@requires(permissions.can_manage_records)
def report_phase(request, phase_pk):
    """The phase's current report: open the draft (or the next version after a return)."""
    phase = get_object_or_404(Phase, pk=phase_pk)
    latest = PhaseReport.objects.filter(phase=phase).order_by("-number").first()
    if request.method == "POST":
        try:
            latest = actions.start_report(acting_user=request.user, phase=phase)
        except ValidationError as error:
            return render(request, "schools/reports/refused.html", {"phase": phase, "messages_": error.messages},
                          status=400)  # fmt: skip
    if latest is None:
        return redirect("report-list")
    return redirect("report-detail", pk=latest.pk)


def _context(request, report, form=None, attachment_form=None):
    phase = Phase.objects.select_related("campaign").get(pk=report.phase_id)
    submission = PhaseSubmission.objects.filter(
        school=connection.tenant, phase=phase, version=report.number
    ).first()
    versions = list(PhaseReport.objects.filter(phase=phase).order_by("number"))
    return {
        "report": report, "phase": phase, "submission": submission, "versions": versions,
        "form": form or ReportForm(phase=phase, report=report),
        "attachment_form": attachment_form or AttachmentForm(),
        "attachments": report.attachments.all(),
        "can_submit": permissions.is_admin(request.membership),
        "history": _history(report),
        "sections": [(s["title"], report.sections.get(s["key"], "")) for s in phase.sections()],
        "figures": [(FIGURES[k], report.prefilled.get(k), report.figures.get(k), report.overrides.get(k, ""))
                    for k in phase.figure_keys()],
    }  # fmt: skip


ACTIONS = {
    "report.started": _lazy("开始填报"),
    "report.saved": _lazy("保存草稿"),
    "report.attachment_added": _lazy("上传附件"),
    "report.submitted": _lazy("提交并锁定"),
}


def _history(report):
    rows = history_rows(report, limit=30)
    for row in rows:
        row["action"] = ACTIONS.get(row["action"], row["action"])
    return rows


@requires(permissions.can_manage_records)
def report_detail(request, pk):
    report = get_object_or_404(PhaseReport, pk=pk)
    return render(request, "schools/reports/detail.html", _context(request, report))


@requires(permissions.can_manage_records)
def report_save(request, pk):
    report = get_object_or_404(PhaseReport, pk=pk)
    if request.method != "POST":
        return redirect("report-detail", pk=pk)
    phase = Phase.objects.get(pk=report.phase_id)
    form = ReportForm(request.POST, phase=phase, report=report)
    if form.is_valid():
        try:
            report = actions.save_draft(acting_user=request.user, report=report, **form.payload())
        except ValidationError as error:
            add_errors(form, error)
        else:
            then = request.POST.get("then")
            if then == "submit":
                return report_submit(request, pk)
            if then == "attach":
                # The typed draft is saved first, so an upload (or its refusal) never loses it.
                return _attach(request, report)
            return saved(request, "report-detail", pk=pk)
    return render(request, "schools/reports/detail.html", _context(request, report, form=form), status=400)


def _attach(request, report):
    attachment_form = AttachmentForm(request.POST, request.FILES)
    if attachment_form.is_valid():
        try:
            actions.add_attachment(
                acting_user=request.user, report=report, upload=attachment_form.cleaned_data["file"]
            )
        except ValidationError as error:
            add_errors(attachment_form, error)
        else:
            return saved(request, "report-detail", pk=report.pk, message=_("草稿已保存，附件已上传。"))
    return render(request, "schools/reports/detail.html", _context(request, report, attachment_form=attachment_form),
                  status=400)  # fmt: skip


@requires(permissions.is_admin, _("只有学校管理员（第一责任人）可以提交阶段报告。"))
def report_submit(request, pk):
    report = get_object_or_404(PhaseReport, pk=pk)
    if request.method != "POST":
        return redirect("report-detail", pk=pk)
    try:
        # Only the report id comes from the request; the time is the server's.
        actions.submit_report(acting_user=request.user, report=report)
        messages.success(request, _("报告已提交并锁定。"))
    except ValidationError as error:
        report.refresh_from_db()
        form = _bound_form(report)
        add_errors(form, error)
        return render(
            request, "schools/reports/detail.html", _context(request, report, form=form), status=400
        )
    return redirect("report-detail", pk=pk)


def _bound_form(report):
    """The report's form bound to what is saved, so a refusal can sit beside the field it is about
    (an unbound form has no error list to add to)."""
    phase = Phase.objects.get(pk=report.phase_id)
    data = {"version": report.version}
    for key in phase.figure_keys():
        data[f"figure_{key}"] = report.figures.get(key, report.prefilled.get(key, 0))
        data[f"reason_{key}"] = report.overrides.get(key, "")
    for section in phase.sections():
        data[f"section_{section['key']}"] = report.sections.get(section["key"], "")
    form = ReportForm(data, phase=phase, report=report)
    form.is_valid()
    return form


@requires(permissions.can_manage_records)
def report_attach(request, pk):
    report = get_object_or_404(PhaseReport, pk=pk)
    if request.method != "POST":
        return redirect("report-detail", pk=pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            actions.add_attachment(acting_user=request.user, report=report, upload=form.cleaned_data["file"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            return saved(request, "report-detail", pk=pk)
    return render(
        request, "schools/reports/detail.html", _context(request, report, attachment_form=form), status=400
    )


@requires(permissions.can_manage_records)
def attachment_file(request, pk, attachment_pk):
    attachment = get_object_or_404(PhaseReportAttachment, report_id=pk, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


@requires(permissions.can_manage_records)
def report_compare(request, phase_pk):
    """Two versions of one phase's report side by side: figures, reasons and narrative."""
    phase = get_object_or_404(Phase, pk=phase_pk)
    versions = {r.number: r for r in PhaseReport.objects.filter(phase=phase)}
    try:
        a, b = versions[int(request.GET.get("a", 0))], versions[int(request.GET.get("b", 0))]
    except (KeyError, ValueError):
        numbers = sorted(versions)
        if len(numbers) < 2:
            return redirect("report-list")
        a, b = versions[numbers[-2]], versions[numbers[-1]]
    figures = [(FIGURES[k], a.figures.get(k), b.figures.get(k), a.overrides.get(k, ""), b.overrides.get(k, ""))
               for k in phase.figure_keys()]  # fmt: skip
    sections = [
        (s["title"], a.sections.get(s["key"], ""), b.sections.get(s["key"], "")) for s in phase.sections()
    ]
    return render(request, "schools/reports/compare.html", {
        "phase": phase, "a": a, "b": b, "figures": figures, "sections": sections, "numbers": sorted(versions)})  # fmt: skip


@requires(permissions.can_manage_records)
def summary_docx(request, campaign_pk):
    """The school's 工作总结 for a campaign: every phase's latest submitted report, ready to print."""
    from docx import Document

    school = connection.tenant
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    if not campaign.includes(school):
        raise Http404  # another campaign's phases are none of this school's business
    document = Document()
    document.add_heading(f"{school.name}{campaign.year}年{campaign.name}工作总结", level=0)
    for phase in campaign.phases.order_by("order"):
        report = (
            PhaseReport.objects.filter(phase=phase, submitted_at__isnull=False).order_by("-number").first()
        )
        document.add_heading(f"{phase.order}. {phase.name}", level=1)
        if report is None:
            document.add_paragraph(_("（本阶段报告尚未提交）"))
            continue
        document.add_paragraph(_("第 %(v)s 版，提交于 %(at)s") % {
            "v": report.number, "at": timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")})  # fmt: skip
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = _("统计项"), _("数量")
        for key in phase.figure_keys():
            cells = table.add_row().cells
            cells[0].text, cells[1].text = str(FIGURES[key]), str(report.figures.get(key, ""))
        for section in phase.sections():
            text = report.sections.get(section["key"], "")
            if text:
                document.add_heading(section["title"], level=2)
                for paragraph in text.splitlines():
                    document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{school.name}-{campaign.name}-工作总结.docx"
    )
    return response
