"""Every change to the publicity and education activities (宣传教育) goes through one of these
functions: each validates, writes, and audits in the same transaction. Activities are never deleted;
a mistaken one is voided. Evidence files are checked by extension and by their first bytes."""

import datetime as dt
import os
import zipfile

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from schools import audit
from schools.editing import ANY_VERSION, apply_edit, lock_for_edit
from schools.models import Activity, ActivityEvidence
from schools.models.base import check_record_date

EDITABLE_FIELDS = ("held_on", "kind", "title", "audience", "participants", "notes")

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_EVIDENCE_MB = MAX_EVIDENCE_BYTES // (1024 * 1024)

# extension → (kind shown to users, what the file must start with, a member an Office file must contain)
EVIDENCE_TYPES = {
    ".pdf": ("PDF", b"%PDF-", None),
    ".jpg": ("JPEG", b"\xff\xd8\xff", None),
    ".jpeg": ("JPEG", b"\xff\xd8\xff", None),
    ".png": ("PNG", b"\x89PNG\r\n\x1a\n", None),
    ".docx": ("DOCX", b"PK\x03\x04", "word/document.xml"),
    ".xlsx": ("XLSX", b"PK\x03\x04", "xl/workbook.xml"),
}
EVIDENCE_KINDS = "、".join(dict.fromkeys(kind for kind, _magic, _member in EVIDENCE_TYPES.values()))
EVIDENCE_ACCEPT = ",".join(EVIDENCE_TYPES)


def evidence_limits() -> str:
    """The limits in one sentence, for the form and for every refusal."""
    return _("只能上传 %(kinds)s 格式的文件，单个文件不超过 %(mb)s MB。") % {
        "kinds": EVIDENCE_KINDS, "mb": MAX_EVIDENCE_MB}  # fmt: skip


def _check_held_on(held_on: dt.date | None) -> None:
    check_record_date("held_on", held_on, _("活动日期"))


def check_evidence(upload) -> str:
    """Refuse anything that is not a document or image within the limits; return the kind found."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in EVIDENCE_TYPES:
        raise ValidationError(
            {"file": _("不支持“%(ext)s”文件。") % {"ext": extension or name} + evidence_limits()}
        )
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError({"file": _("文件过大（%(size).1f MB）。") % {"size": upload.size / 1024 / 1024}
                               + evidence_limits()})  # fmt: skip
    if upload.size == 0:
        raise ValidationError({"file": _("文件是空的。") + evidence_limits()})
    kind, magic, member = EVIDENCE_TYPES[extension]
    upload.seek(0)
    head = upload.read(len(magic))
    genuine = head == magic
    if genuine and member:
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:  # reads the directory only, nothing is unpacked
                genuine = member in archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            genuine = False
    upload.seek(0)
    if not genuine:
        raise ValidationError({"file": _("文件内容不是有效的 %(kind)s 文件，与扩展名不符。") % {"kind": kind}
                               + evidence_limits()})  # fmt: skip
    return kind


@transaction.atomic(durable=True)
def record_activity(
    *, acting_user, held_on: dt.date, kind: str, title: str, audience: str = "", participants: int = 0,
    notes: str = "",
) -> Activity:  # fmt: skip
    _check_held_on(held_on)
    activity = Activity(
        held_on=held_on, kind=kind, title=title.strip(), audience=audience.strip(), participants=participants,
        notes=notes.strip(), created_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )  # fmt: skip
    activity.full_clean()
    activity.save()
    audit.record(actor=acting_user, action="activity.recorded", obj=activity, changes=audit.created(activity))
    return activity


@transaction.atomic(durable=True)
def edit_activity(*, acting_user, activity: Activity, expected_version: int | None, **values) -> Activity:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"edit_activity cannot change {sorted(unknown)}")
    activity = lock_for_edit(Activity, activity.pk, expected_version)
    _check_held_on(values.get("held_on"))
    values = {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
    return apply_edit(activity, values=values, acting_user=acting_user, action="activity.edited")


@transaction.atomic(durable=True)
def void_activity(*, acting_user, activity: Activity, reason: str) -> Activity:
    activity = lock_for_edit(Activity, activity.pk, ANY_VERSION)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"voided_reason": _("作废必须说明原因。")})
    activity.voided_reason, activity.voided_at = reason, timezone.now()
    activity.version += 1
    activity.save()
    audit.record(actor=acting_user, action="activity.voided", obj=activity,
                 changes={"voided_reason": {"old": "", "new": reason}})  # fmt: skip
    return activity


@transaction.atomic(durable=True)
def add_evidence(*, acting_user, activity: Activity, upload) -> ActivityEvidence:
    activity = lock_for_edit(Activity, activity.pk, ANY_VERSION)  # a void activity takes no more evidence
    check_evidence(upload)
    evidence = ActivityEvidence(
        activity=activity,
        uploaded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )
    # Each school's files sit in a folder of their own, under the name the uploader gave them.
    name = os.path.basename(upload.name)
    evidence.file.save(f"{connection.schema_name}/{name}", upload, save=False)
    try:
        evidence.save()
        audit.record(actor=acting_user, action="activity.evidence_added", obj=activity,
                     changes={"evidence": {"old": None, "new": evidence.file.name}})  # fmt: skip
    except Exception:
        evidence.file.storage.delete(evidence.file.name)  # the row is rolled back: leave no orphan file
        raise
    return evidence
