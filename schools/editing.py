"""Editing a record safely: every edit must state the version it started from — one that does not is
refused (428 in the API, 400 on a page), and if someone else saved in between the edit is refused
too (409 in the API) and nothing is overwritten. Steps that only add a record under a locked
parent (a party, a talk, an attachment) or void it with a reason lock with ANY_VERSION."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from schools import audit


class StaleEdit(ValidationError):
    def __init__(self, current_version: int):
        super().__init__(
            _("该记录已被他人修改（当前为第 %(v)s 版），您的修改未保存。请刷新页面后重新修改。")
            % {"v": current_version},
            code="stale",
        )
        self.current_version = current_version


class MissingVersion(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "请同时提交您修改时看到的版本号（version，或 If-Match 头），以免覆盖他人的修改。请刷新页面后重新修改。"
            ),
            code="version_required",
        )


# Passed by steps that lock a record without editing what the caller saw of it.
ANY_VERSION = object()


class LockedRecord(ValidationError):
    def __init__(self, message=None):
        super().__init__(message or _("该记录已作废或已锁定，不能修改。"), code="locked")


def lock_for_edit(model: type[models.Model], pk, expected_version):
    """Fetch the row FOR UPDATE and check the caller's version (required: None or "" is refused
    with MissingVersion; ANY_VERSION for steps that do not edit it); call inside a transaction."""
    obj = model.objects.select_for_update().get(pk=pk)
    if expected_version is None or expected_version == "":
        raise MissingVersion()
    if expected_version is not ANY_VERSION and int(expected_version) != obj.version:
        raise StaleEdit(obj.version)
    if getattr(obj, "voided_at", None) is not None:
        raise LockedRecord()
    return obj


def apply_edit(obj: models.Model, *, values: dict, acting_user, action: str) -> models.Model:
    """Set `values` on a row already locked by lock_for_edit, validate, save, bump and audit."""
    before = audit.snapshot(obj, values.keys())
    for name, value in values.items():
        setattr(obj, name, value)
    obj.full_clean()
    after = audit.snapshot(obj, values.keys())
    changes = audit.diff(before, after)
    if not changes:
        return obj
    obj.version += 1
    obj.save()
    audit.record(actor=acting_user, action=action, obj=obj, changes=changes)
    return obj
