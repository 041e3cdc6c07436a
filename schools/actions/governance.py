"""Governance (seed 000): the leadership group, the published responsible person / hotline / mailbox,
the responsibility list and the school's documents. Each function validates, writes and audits in
one transaction; nothing here is deleted — members and duties are deactivated, documents get new
versions beside the old ones."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from schools import audit, uploads
from schools.editing import apply_edit, lock_for_edit
from schools.models import DocumentKind, GovernanceMember, GroupRole, ResponsibilityItem, SchoolDocument
from schools.privacy.gate import check_email, check_phone, refuse_identifying

MEMBER_FIELDS = ("name", "user", "group_role", "post", "duties", "order")
PUBLISHED_FIELDS = ("principal", "legal_vice_principal", "hotline", "mailbox")


def _check_account(user, *, member: GovernanceMember | None = None) -> None:
    """A linked account must be an active member of this school, and linked to one member only."""
    if user is None:
        return
    from tenants.models import SchoolMembership

    if not SchoolMembership.objects.filter(
        user=user, school__schema_name=connection.schema_name, active=True
    ).exists():
        raise ValidationError({"user": _("该账号不是本校在岗成员，不能关联。")})
    others = GovernanceMember.objects.filter(user=user, active=True)
    if member is not None:
        others = others.exclude(pk=member.pk)
    other = others.first()
    if other is not None:
        raise ValidationError({"user": _("该账号已关联领导小组成员“%(name)s”。") % {"name": other.name}})


def _check_unique_member(name: str, group_role: str, *, member: GovernanceMember | None = None) -> None:
    same = GovernanceMember.objects.filter(name=name, group_role=group_role, active=True)
    if member is not None:
        same = same.exclude(pk=member.pk)
    if same.exists():
        raise ValidationError(
            {
                "name": _("领导小组中已有在任的%(role)s“%(name)s”。")
                % {"role": GroupRole(group_role).label, "name": name}
            }
        )


@transaction.atomic(durable=True)
def add_member(
    *, acting_user, name: str, group_role: str, post: str = "", duties: str = "", order: int = 0, user=None,
) -> GovernanceMember:  # fmt: skip
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写姓名。")})
    # Members' names and duties are shown on the public 公示 page: staff names are allowed, pupils' never.
    refuse_identifying(connection.tenant, name=name, post=post, duties=duties, person_fields=("name",))
    _check_account(user)
    _check_unique_member(name, group_role)
    member = GovernanceMember(
        name=name,
        user=user,
        group_role=group_role,
        post=post.strip(),
        duties=duties.strip(),
        order=order or 0,
    )
    member.full_clean()
    member.save()
    audit.record(
        actor=acting_user, action="governance.member_added", obj=member, changes=audit.created(member)
    )
    return member


@transaction.atomic(durable=True)
def edit_member(
    *, acting_user, member: GovernanceMember, expected_version, name: str, group_role: str, post: str = "",
    duties: str = "", order: int = 0, user=None,
) -> GovernanceMember:  # fmt: skip
    member = lock_for_edit(GovernanceMember, member.pk, expected_version)
    if not member.active:
        raise ValidationError(_("该成员已不在任，不能修改。如需恢复，请重新添加。"))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写姓名。")})
    refuse_identifying(connection.tenant, name=name, post=post, duties=duties, person_fields=("name",))
    _check_account(user, member=member)
    _check_unique_member(name, group_role, member=member)
    values = {"name": name, "user": user, "group_role": group_role, "post": post.strip(),
              "duties": duties.strip(), "order": order or 0}  # fmt: skip
    return apply_edit(member, values=values, acting_user=acting_user, action="governance.member_edited")


@transaction.atomic(durable=True)
def deactivate_member(*, acting_user, member: GovernanceMember, expected_version=None) -> GovernanceMember:
    """A member leaves the group: the row stays (with its history), the account loses committee access."""
    member = lock_for_edit(GovernanceMember, member.pk, expected_version)
    if not member.active:
        raise ValidationError(_("该成员已经不在任。"))
    member.active = False
    member.version += 1
    member.save()
    audit.record(actor=acting_user, action="governance.member_deactivated", obj=member,
                 changes={"active": {"old": True, "new": False}})  # fmt: skip
    return member


def published_fingerprint(school) -> str:
    """What the editor saw of the published information, so a concurrent change is not overwritten."""
    text = "\x1f".join(getattr(school, name) or "" for name in PUBLISHED_FIELDS)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@transaction.atomic(durable=True)
def set_published_info(
    *, acting_user, school, principal: str, legal_vice_principal: str, hotline: str, mailbox: str,
    expected_fingerprint: str | None = None,
):  # fmt: skip
    """Change the responsible person, 法治副校长, hotline and mailbox shown on the public 公示 page.
    The School row lives in the public schema; the change is audited in the school's own log."""
    from tenants.models import School

    if school.schema_name != connection.schema_name:
        raise ValidationError(_("只能修改本校的公示信息。"))
    values = {
        "principal": (principal or "").strip(),
        "legal_vice_principal": (legal_vice_principal or "").strip(),
        "hotline": (hotline or "").strip(),
        "mailbox": (mailbox or "").strip(),
    }
    errors = {}
    if not values["principal"]:
        errors["principal"] = _("请填写第一责任人（校长）。")
    if not values["hotline"]:
        errors["hotline"] = _("请填写欺凌举报电话。")
    else:
        try:
            values["hotline"] = check_phone(values["hotline"])
        except ValidationError as error:
            errors["hotline"] = error.messages
    try:
        values["mailbox"] = check_email(values["mailbox"])
    except ValidationError as error:
        errors["mailbox"] = error.messages
    if errors:
        raise ValidationError(errors)
    # Shown on the anonymous 公示 page; the hotline and mailbox are checked by their shape above.
    refuse_identifying(
        school, principal=values["principal"], legal_vice_principal=values["legal_vice_principal"],
        person_fields=("principal", "legal_vice_principal"),
    )  # fmt: skip
    row = School.objects.select_for_update().get(pk=school.pk)
    if expected_fingerprint and expected_fingerprint != published_fingerprint(row):
        raise ValidationError(_("公示信息已被他人修改，您的修改未保存。请刷新页面后重新修改。"), code="stale")
    before = audit.snapshot(row, PUBLISHED_FIELDS)
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean(exclude=[f.name for f in School._meta.fields if f.name not in PUBLISHED_FIELDS])
    changes = audit.diff(before, audit.snapshot(row, PUBLISHED_FIELDS))
    if not changes:
        return row
    row.save(update_fields=list(changes))
    audit.record(actor=acting_user, action="governance.published_info_changed", obj=row, changes=changes)
    return row


@transaction.atomic(durable=True)
def add_duty(*, acting_user, post: str, duty: str, order: int = 0) -> ResponsibilityItem:
    post, duty = (post or "").strip(), (duty or "").strip()
    errors = {}
    if not post:
        errors["post"] = _("请填写岗位。")
    if not duty:
        errors["duty"] = _("请填写职责。")
    if errors:
        raise ValidationError(errors)
    item = ResponsibilityItem(post=post, duty=duty, order=order or 0)
    item.full_clean()
    item.save()
    audit.record(actor=acting_user, action="governance.duty_added", obj=item, changes=audit.created(item))
    return item


@transaction.atomic(durable=True)
def edit_duty(
    *, acting_user, item: ResponsibilityItem, expected_version, post: str, duty: str, order: int = 0
) -> ResponsibilityItem:
    item = lock_for_edit(ResponsibilityItem, item.pk, expected_version)
    if not item.active:
        raise ValidationError(_("该条职责已停用，不能修改。"))
    post, duty = (post or "").strip(), (duty or "").strip()
    errors = {}
    if not post:
        errors["post"] = _("请填写岗位。")
    if not duty:
        errors["duty"] = _("请填写职责。")
    if errors:
        raise ValidationError(errors)
    values = {"post": post, "duty": duty, "order": order or 0}
    return apply_edit(item, values=values, acting_user=acting_user, action="governance.duty_edited")


@transaction.atomic(durable=True)
def deactivate_duty(*, acting_user, item: ResponsibilityItem, expected_version=None) -> ResponsibilityItem:
    item = lock_for_edit(ResponsibilityItem, item.pk, expected_version)
    if not item.active:
        raise ValidationError(_("该条职责已经停用。"))
    item.active = False
    item.version += 1
    item.save()
    audit.record(actor=acting_user, action="governance.duty_deactivated", obj=item,
                 changes={"active": {"old": True, "new": False}})  # fmt: skip
    return item


@transaction.atomic(durable=True)
def upload_document(*, acting_user, kind: str, title: str, file, note: str = "") -> SchoolDocument:
    """Store a document; the same kind and title again becomes the next version, beside the old one."""
    title = (title or "").strip()
    errors = {}
    if kind not in DocumentKind.values:
        errors["kind"] = _("请选择文件类型。")
    if not title:
        errors["title"] = _("请填写标题。")
    if errors:
        raise ValidationError(errors)
    ext = uploads.check_upload(file)
    # One uploader at a time per kind+title picks the next number (released at commit).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.document.' || %s || '.' || %s))",
            [kind, title],
        )
    last = (
        SchoolDocument.objects.filter(kind=kind, title=title).order_by("-version_no").values_list(
            "version_no", flat=True
        ).first()
    )  # fmt: skip
    document = SchoolDocument(
        kind=kind, title=title, version_no=(last or 0) + 1, note=(note or "").strip(),
        uploaded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
    )  # fmt: skip
    # Each school's files in a folder of their own, under a name that says nothing about the content
    # (short enough for the column: school-documents/YYYY/<schema ≤ 49>/<16 hex>.docx ≤ 100).
    document.file.save(f"{connection.schema_name}/{secrets.token_hex(8)}.{ext}", file, save=False)
    try:
        document.full_clean()
        document.save()
        audit.record(actor=acting_user, action="governance.document_uploaded", obj=document,
                     changes=audit.created(document))  # fmt: skip
    except Exception:
        document.file.storage.delete(document.file.name)  # the row is rolled back: drop its file too
        raise
    return document
