"""District-side changes to the register: recording that the district learned of a school's case
elsewhere (police, parents, media). Each checks its actor, validates, writes and audits."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.models import DistrictSettings
from oversight.serious_cases.models import ExternalReport, ExternalSource
from schools.privacy.gate import refuse_identifying
from tenants import audit


@transaction.atomic(durable=True)
def record_external(
    *, acting_user, school, source: str, learned_at: dt.datetime, occurred_on: dt.date, source_detail: str = "",
    case_code: str = "", note: str = "",
) -> ExternalReport:  # fmt: skip
    if not getattr(acting_user, "is_authenticated", False) or not acting_user.is_bureau:
        raise ValidationError(_("只有教育局工作人员可以登记其他渠道获知的事件。"))
    errors = {}
    if school is None or school.schema_name == "public":
        errors["school"] = _("请选择学校。")
    if not source or source not in ExternalSource.values:
        errors["source"] = _("请选择信息来源（公安、家长、媒体等）。")
    if learned_at is None:
        errors["learned_at"] = _("请填写获知时间。")
    elif learned_at > timezone.now():
        errors["learned_at"] = _("获知时间不能晚于现在。")
    if occurred_on is None:
        errors["occurred_on"] = _("请填写事件发生日期。")
    elif learned_at is not None and occurred_on > timezone.localtime(learned_at).date():
        errors["occurred_on"] = _("事件发生日期不能晚于获知时间。")
    if errors:
        raise ValidationError(errors)
    refuse_identifying(school, source_detail=source_detail, note=note, refuse_staff_names=True)
    hours = DistrictSettings.current().serious_report_hours
    record = ExternalReport.objects.create(
        school=school, source=source, source_detail=source_detail.strip(), learned_at=learned_at,
        occurred_on=occurred_on, case_code=(case_code or "").strip(), note=note.strip(),
        report_due_at=learned_at + dt.timedelta(hours=hours), recorded_by=acting_user,
    )  # fmt: skip
    audit.record(actor=acting_user, action="serious_case.learned_elsewhere", obj=record, school=school, changes={
        "source": source, "learned_at": learned_at.isoformat(), "occurred_on": occurred_on.isoformat(),
        "case_code": record.case_code,
    })  # fmt: skip
    return record
