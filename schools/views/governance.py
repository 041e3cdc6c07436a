"""Governance pages: the leadership group, the published information, the responsibility list and
the school's documents. Everyone in the school reads them; admins, handlers and committee members
(can_manage_records) change them."""

from itertools import groupby

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schools import audit, permissions, uploads
from schools.actions import governance as actions
from schools.forms import governance as forms
from schools.models import GovernanceMember, ResponsibilityItem, SchoolDocument
from schools.views.common import add_errors, requires, saved
from tenants.access import inspector_view


def _published_initial(school) -> dict:
    initial = {name: getattr(school, name) for name in actions.PUBLISHED_FIELDS}
    return {**initial, "seen": actions.published_fingerprint(school)}


def _documents():
    """Each document (kind + title) with all its versions, newest first."""
    rows = SchoolDocument.objects.select_related("uploaded_by").order_by("kind", "title", "-version_no")
    return [
        {"kind": kind_label, "title": title, "versions": list(versions)}
        for (kind_label, title), versions in groupby(rows, key=lambda d: (d.get_kind_display(), d.title))
    ]


def _context(request, bound=None) -> dict:
    school = request.school
    duties = ResponsibilityItem.objects.filter(active=True)
    context = {
        "can_manage": permissions.can_manage_records(request.membership),
        "members": GovernanceMember.objects.filter(active=True).select_related("user"),
        "former_members": GovernanceMember.objects.filter(active=False),
        "duties": [(post, list(items)) for post, items in groupby(duties, key=lambda d: d.post)],
        "documents": _documents(),
        "school": school,
        "forms": {
            "member": forms.MemberForm(school=school, initial={"order": 0}),
            "published": forms.PublishedInfoForm(initial=_published_initial(school)),
            "duty": forms.DutyForm(initial={"order": 0}),
            "document": forms.DocumentForm(),
        },
    }
    if bound:
        name, form = bound
        context["forms"][name] = form
        context["failed_form"] = name
        context["failed_errors"] = [message for messages in form.errors.values() for message in messages]
    return context


@inspector_view
@requires(lambda membership: membership is not None, inspectors_read=True)
def governance(request):
    return render(request, "schools/governance/index.html", _context(request))


def _post(name, make_form, run):
    """A POST endpoint for one governance form: validate, run the action, show errors in place."""

    @requires(permissions.can_manage_records)
    def view(request):
        if request.method != "POST":
            return redirect("governance")
        form = make_form(request)
        if form.is_valid():
            try:
                run(request, form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                return saved(request, "governance")
        return render(request, "schools/governance/index.html", _context(request, (name, form)), status=400)

    return view


add_member = _post(
    "member",
    lambda r: forms.MemberForm(r.POST, school=r.school),
    lambda r, d: actions.add_member(
        acting_user=r.user,
        name=d["name"],
        group_role=d["group_role"],
        post=d["post"],
        duties=d["duties"],
        order=d["order"],
        user=d["user"],
    ),  # fmt: skip
)
set_published_info = _post(
    "published",
    lambda r: forms.PublishedInfoForm(r.POST),
    lambda r, d: actions.set_published_info(
        acting_user=r.user,
        school=r.school,
        principal=d["principal"],
        legal_vice_principal=d["legal_vice_principal"],
        hotline=d["hotline"],
        mailbox=d["mailbox"],
        expected_fingerprint=d["seen"] or None,
    ),  # fmt: skip
)
add_duty = _post(
    "duty",
    lambda r: forms.DutyForm(r.POST),
    lambda r, d: actions.add_duty(acting_user=r.user, post=d["post"], duty=d["duty"], order=d["order"]),
)
upload_document = _post(
    "document",
    lambda r: forms.DocumentForm(r.POST, r.FILES),
    lambda r, d: actions.upload_document(
        acting_user=r.user, kind=d["kind"], title=d["title"], note=d["note"], file=d["file"]
    ),
)


ACTIONS = {
    "governance.member_added": gettext_lazy("添加成员"),
    "governance.member_edited": gettext_lazy("修改"),
    "governance.member_deactivated": gettext_lazy("离任"),
    "governance.duty_added": gettext_lazy("添加职责"),
    "governance.duty_edited": gettext_lazy("修改"),
    "governance.duty_deactivated": gettext_lazy("停用"),
}
QUIET = {"version", "active"}


def _history(obj) -> list[dict]:
    """The record's audit trail as people read it: field names, choice labels, account names."""
    from tenants.models import User

    def shown(field, value):
        if value in (None, ""):
            return "—"
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field is not None and field.is_relation:
            return str(User.objects.filter(pk=value).first() or value)
        return str(value)

    rows = []
    for event in audit.history(obj)[:50]:
        changes = []
        for name, change in event.changes.items():
            try:
                field = obj._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            old, new = shown(field, change.get("old")), shown(field, change.get("new"))
            if name not in QUIET and old != new:
                changes.append({"label": getattr(field, "verbose_name", name), "old": old, "new": new})
        rows.append({"at": event.at, "actor": event.actor, "action": ACTIONS.get(event.action, event.action),
                     "changes": changes})  # fmt: skip
    return rows


def _record_page(request, obj, form, template, status=200, errors=()):
    errors = list(errors) or [message for messages in form.errors.values() for message in messages]
    return render(request, template, {
        "object": obj, "form": form, "can_manage": permissions.can_manage_records(request.membership),
        "errors": errors,
        "history": _history(obj), "deactivate_form": forms.ConfirmForm(initial={"version": obj.version}),
    }, status=status)  # fmt: skip


def member_detail(request, pk):
    """A member's page: everyone reads it with its history; managers edit it here."""
    member = get_object_or_404(GovernanceMember, pk=pk)
    can_manage = permissions.can_manage_records(request.membership)
    if request.method == "POST":
        if not can_manage:
            return render(request, "403.html", {"reason": _("您的岗位没有此项权限。")}, status=403)
        form = forms.MemberForm(request.POST, school=request.school)
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.edit_member(
                    acting_user=request.user, member=member, expected_version=d["version"], name=d["name"],
                    group_role=d["group_role"], post=d["post"], duties=d["duties"], order=d["order"],
                    user=d["user"],
                )  # fmt: skip
            except ValidationError as error:
                add_errors(form, error)
            else:
                return saved(request, "governance")
        member.refresh_from_db()
        return _record_page(request, member, form, "schools/governance/member.html", status=400)
    return _record_page(request, member, _member_form(request, member), "schools/governance/member.html")


def duty_detail(request, pk):
    item = get_object_or_404(ResponsibilityItem, pk=pk)
    can_manage = permissions.can_manage_records(request.membership)
    if request.method == "POST":
        if not can_manage:
            return render(request, "403.html", {"reason": _("您的岗位没有此项权限。")}, status=403)
        form = forms.DutyForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                actions.edit_duty(
                    acting_user=request.user, item=item, expected_version=d["version"], post=d["post"],
                    duty=d["duty"], order=d["order"],
                )  # fmt: skip
            except ValidationError as error:
                add_errors(form, error)
            else:
                return saved(request, "governance")
        item.refresh_from_db()
        return _record_page(request, item, form, "schools/governance/duty.html", status=400)
    return _record_page(request, item, _duty_form(request, item), "schools/governance/duty.html")


def _deactivate(model, run, template, make_form):
    """A POST endpoint that takes a member or a duty out of use; a refusal shows on the record's page."""

    @requires(permissions.can_manage_records)
    def view(request, pk):
        obj = get_object_or_404(model, pk=pk)
        if request.method != "POST":
            return redirect("governance")
        confirm = forms.ConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                run(request, obj, confirm.cleaned_data["version"])
            except ValidationError as error:
                add_errors(confirm, error)
            else:
                return saved(request, "governance")
        obj.refresh_from_db()
        errors = [message for messages in confirm.errors.values() for message in messages]
        return _record_page(request, obj, make_form(request, obj), template, status=400, errors=errors)

    return view


def _member_form(request, member):
    initial = {name: getattr(member, name) for name in actions.MEMBER_FIELDS}
    return forms.MemberForm(school=request.school, initial={**initial, "version": member.version})


def _duty_form(request, item):
    return forms.DutyForm(
        initial={"post": item.post, "duty": item.duty, "order": item.order, "version": item.version}
    )


deactivate_member = _deactivate(
    GovernanceMember,
    lambda r, m, v: actions.deactivate_member(acting_user=r.user, member=m, expected_version=v),
    "schools/governance/member.html",
    _member_form,
)
deactivate_duty = _deactivate(
    ResponsibilityItem,
    lambda r, i, v: actions.deactivate_duty(acting_user=r.user, item=i, expected_version=v),
    "schools/governance/duty.html",
    _duty_form,
)


def document_file(request, pk):
    """A document version, to members of this school only (never through a public media URL)."""
    document = get_object_or_404(SchoolDocument, pk=pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("文件不存在。")) from missing
    ext = uploads.extension(document.file.name)
    response = FileResponse(
        handle, as_attachment=True, filename=f"{document.title}-v{document.version_no}.{ext}",
        content_type=uploads.content_type(document.file.name),
    )  # fmt: skip
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
