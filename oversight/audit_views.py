"""The district's audit log page: who did what, when, on the district layer (tenants.AuditEvent),
filterable by action, actor, school and dates, paginated, exportable. Bureau admins and staff only;
read-only. Each school's own log is on the school's site (schools/views/audit.py)."""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schools.views.audit import (
    EXPORT_LIMIT,
    AuditFilterForm,
    changes_text,
    event_row,
    filter_data,
    page_of,
    xlsx_response,
)
from tenants.access import bureau_view
from tenants.models import AuditEvent, School

DISTRICT_ACTIONS = {
    "school.created": gettext_lazy("开通学校"),
    "account.bureau_admin_created": gettext_lazy("创建教育局管理员账号"),
    "onboarding.checked": gettext_lazy("上传并校验学校名单"),
    "onboarding.started": gettext_lazy("确认批量开通学校"),
    "onboarding.finished": gettext_lazy("批量开通学校完成"),
    "campaign.created": gettext_lazy("创建专项行动"),
    "phase.created": gettext_lazy("新增阶段"),
    "phase.monthly_generated": gettext_lazy("生成月报阶段"),
    "phase.corrected": gettext_lazy("更正阶段"),
    "phase.extension_granted": gettext_lazy("批准延期"),
    "phase.exemption_granted": gettext_lazy("批准免报"),
    "phase_report.submitted": gettext_lazy("学校提交阶段报告"),
    "phase_report.accepted": gettext_lazy("通过阶段报告"),
    "phase_report.returned": gettext_lazy("退回阶段报告"),
    "break_glass.granted": gettext_lazy("开启紧急调阅"),
    "break_glass.requested": gettext_lazy("申请紧急调阅"),
    "break_glass.delayed": gettext_lazy("申请紧急调阅（告知学校，延迟生效）"),
    "break_glass.approved": gettext_lazy("批准紧急调阅"),
    "break_glass.rejected": gettext_lazy("不予批准紧急调阅"),
    "break_glass.objected": gettext_lazy("学校对紧急调阅提出异议"),
    "serious_report.first": gettext_lazy("学校报送严重欺凌事件首报"),
    "serious_report.follow_up": gettext_lazy("学校报送严重欺凌事件续报"),
    "serious_report.closing": gettext_lazy("学校报送严重欺凌事件结案报告"),
    "serious_case.learned_elsewhere": gettext_lazy("登记经其他渠道获知的事件"),
    "appeal.recorded": gettext_lazy("受理区级复查"),
    "appeal.decided": gettext_lazy("作出复查决定"),
    "appeal.school_responded": gettext_lazy("学校登记复查整改情况"),
    "settings.changed": gettext_lazy("修改区级设置"),
    "break_glass.revoked": gettext_lazy("撤销紧急调阅"),
    "settings.flag_rules_changed": gettext_lazy("修改问题突出学校规则"),
    "visit.logged": gettext_lazy("填报督导记录"),
    "visit.voided": gettext_lazy("作废督导记录"),
    "rectification_notice.issued": gettext_lazy("下达整改通知书"),
    "rectification_notice.closed": gettext_lazy("整改通知书复查销号"),
    "rectification_notice.answered": gettext_lazy("学校答复全部整改事项"),
    "rectification_notice.open": gettext_lazy("整改通知书重新整改"),
    "rectification_notice.item_answered": gettext_lazy("学校答复整改事项"),
    "rectification_notice.item_rechecked": gettext_lazy("复查整改事项"),
    "visit.photos_added": gettext_lazy("补充督导照片"),
    "visit_plan.created": gettext_lazy("制订督导计划"),
    "visit_plan.cancelled": gettext_lazy("取消督导计划"),
    "assignment.created": gettext_lazy("分配责任督学"),
    "assignment.ended": gettext_lazy("结束责任督学分工"),
    "inspector_profile.saved": gettext_lazy("修改责任督学信息"),
    "checklist.revised": gettext_lazy("修订督导检查表"),
    "settings.inspection_rules_changed": gettext_lazy("修改督导频次设置"),
    "summons.issued": gettext_lazy("发出约谈通知"),
    "summons.acknowledged": gettext_lazy("学校签收约谈通知"),
    "summons.meeting_recorded": gettext_lazy("登记约谈记录"),
    "summons.report_submitted": gettext_lazy("学校提交整改报告"),
    "summons.closed": gettext_lazy("约谈核查办结"),
    "summons.returned": gettext_lazy("退回约谈整改报告"),
    "circular.issued": gettext_lazy("发布通报"),
    "accountability.recorded": gettext_lazy("登记问责"),
    "accountability.statement_recorded": gettext_lazy("登记陈述申辩"),
    "accountability.challenged": gettext_lazy("登记问责复核申请"),
    "accountability.challenge_decided": gettext_lazy("作出问责复核决定"),
    "settings.evaluation_scores_changed": gettext_lazy("修改年度评价分值"),
    "disclosure.drafted": gettext_lazy("起草信息公开"),
    "disclosure.revised": gettext_lazy("修改信息公开"),
    "disclosure.signed_off": gettext_lazy("信息公开审核签字"),
    "disclosure.published": gettext_lazy("发布信息公开"),
    "disclosure.withdrawn": gettext_lazy("撤回信息公开"),
    "disclosure.expired": gettext_lazy("信息公开到期自动撤回"),
}
DISTRICT_PAGES = {
    "oversight.campaign": "campaign-detail", "oversight.phase": "phase-detail",
    "oversight.phasesubmission": "submission-detail", "inspections.visit": "visit-detail",
    "oversight.summons": "summons-detail", "oversight.accountabilityrecord": "accountability-detail",
    "oversight.disclosure": "disclosure-detail",
}  # fmt: skip


class DistrictAuditFilterForm(AuditFilterForm):
    school = forms.ModelChoiceField(
        label=gettext_lazy("学校"), required=False, empty_label=gettext_lazy("全部"),
        queryset=School.objects.exclude(schema_name="public"),
    )  # fmt: skip

    def apply(self, events):
        events = super().apply(events)
        if self.is_bound and self.is_valid() and self.cleaned_data.get("school"):
            events = events.filter(school=self.cleaned_data["school"])
        return events


def _events(request):
    events = AuditEvent.objects.select_related("actor", "school").order_by("-at", "-id")
    form = DistrictAuditFilterForm(filter_data(request), events=events, labels=DISTRICT_ACTIONS)
    return form, form.apply(events)


def _row(event):
    return event_row(event, labels=DISTRICT_ACTIONS, app_label="tenants", pages=DISTRICT_PAGES)


@bureau_view
def audit_log(request):
    form, events = _events(request)
    page = page_of(request, events)
    rows = [_row(e) for e in page.object_list]
    return render(request, "oversight/audit/log.html", {"form": form, "page": page, "rows": rows})


@bureau_view
def audit_export(request):
    form, events = _events(request)
    rows = (
        (timezone.localtime(r["at"]).strftime("%Y-%m-%d %H:%M:%S"), r["actor"] or _("系统"),
         r["event"].school or "", r["action"], r["object"], changes_text(r["changes"]))
        for r in (_row(e) for e in events[:EXPORT_LIMIT])
    )  # fmt: skip
    return xlsx_response(
        title=_("区级审计日志"), headers=[_("时间"), _("操作人"), _("学校"), _("操作"), _("对象"), _("变更内容")],
        rows=rows, filename=f"district-audit-{timezone.localdate():%Y%m%d}.xlsx",
    )  # fmt: skip
