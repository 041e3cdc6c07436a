"""Care-list pages (重点关注学生): only admins, committee members and the student's own head teacher.
Every page first asks can_see_care_list, then narrows to the entries the member may see."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from schools import audit, permissions
from schools.actions import care as actions
from schools.forms import care as forms
from schools.models import CareEntry, WarningSign
from schools.views.common import add_errors, requires, saved

can_see = requires(
    permissions.can_see_care_list,
    gettext_lazy("重点关注学生名单仅限学校管理员、防欺凌委员会成员和本班班主任查看。"),
)
ACTIONS = {
    "care.entry_added": gettext_lazy("列入关注"),
    "care.entry_edited": gettext_lazy("修改"),
    "care.entry_closed": gettext_lazy("解除关注"),
    "care.entry_voided": gettext_lazy("作废"),
}
FIELDS = ("student_name", "grade", "class_name", "signs", "notes", "next_review_on")


def _own_classes(membership):
    """A 班主任 who is neither admin nor committee picks from their own classes."""
    if permissions.is_admin(membership) or permissions.is_committee_member(membership):
        return None
    return membership.class_list() if membership is not None else None


def _check_class(membership, class_name):
    if not permissions.can_keep_care_for_class(membership, class_name):
        classes = "、".join(membership.class_list()) if membership is not None else ""
        raise ValidationError(
            {"class_name": _("您只能登记本人所带班级的学生（%(c)s）。") % {"c": classes or _("无")}}
        )


def _sign_labels(signs) -> list[str]:
    return [str(WarningSign(s).label) for s in signs if s in WarningSign.values]


def _visible(request, pk):
    """The entry if this member may see it; voided entries only for admins."""
    entries = permissions.care_entries_visible_to(request.membership, CareEntry.objects.filter(pk=pk))
    if not permissions.is_admin(request.membership):
        entries = entries.filter(voided_at__isnull=True)
    return entries.first()


def _refused(request):
    return render(request, "403.html", {"reason": _("您无权查看此学生的关注记录。")}, status=403)


@can_see
def care_list(request):
    membership = request.membership
    entries = permissions.care_entries_visible_to(membership, CareEntry.objects.all())
    if not permissions.is_admin(membership):
        entries = entries.filter(voided_at__isnull=True)
    show_closed = bool(request.GET.get("closed"))
    if not show_closed:
        entries = entries.filter(closed_on__isnull=True)
    today = timezone.localdate()
    entries = list(entries.prefetch_related("talks")[:500])
    for entry in entries:
        entry.sign_labels = _sign_labels(entry.signs)
    due = sum(1 for e in entries if e.closed_on is None and e.voided_at is None and e.next_review_on <= today)
    return render(request, "schools/care/list.html", {
        "entries": entries, "today": today, "show_closed": show_closed, "due": due,
    })  # fmt: skip


@can_see
def care_new(request):
    membership = request.membership
    form = forms.EntryForm(request.POST or None, classes=_own_classes(membership),
                           initial={"next_review_on": timezone.localdate()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            _check_class(membership, d["class_name"])
            entry = actions.add_entry(acting_user=request.user, **{name: d[name] for name in FIELDS})
        except ValidationError as error:
            add_errors(form, error)
        else:
            return saved(request, "care-detail", pk=entry.pk)
    # A refused form comes back with its messages and 400, like the API.
    status = 400 if request.method == "POST" else 200
    return render(request, "schools/care/new.html", {"form": form}, status=status)


def _history(entry):
    """The entry's audit trail with field labels, and warning signs shown by their names."""
    labels = {f.name: f.verbose_name for f in CareEntry._meta.get_fields() if hasattr(f, "verbose_name")}

    def shown(name, value):
        if name == "signs" and isinstance(value, list):
            return "、".join(_sign_labels(value)) or "—"
        return "—" if value in (None, "", []) else value

    rows = []
    for event in audit.history(entry)[:50]:
        changes = []
        for name, change in event.changes.items():
            old, new = shown(name, change.get("old")), shown(name, change.get("new"))
            if old != new and name not in ("version", "created_by"):
                changes.append({"field": labels.get(name, name), "old": old, "new": new})
        rows.append({"event": event, "label": ACTIONS.get(event.action, event.action), "changes": changes})
    return rows


def _context(request, entry, bound=None):
    today = timezone.localdate()
    initial = {name: getattr(entry, name) for name in FIELDS}
    context = {
        "entry": entry,
        "talks": entry.talks.all(),
        "history": _history(entry),
        "today": today,
        "sign_labels": _sign_labels(entry.signs),
        "is_open": entry.closed_on is None and entry.voided_at is None,
        "forms": {
            "edit": forms.EntryForm(
                classes=_own_classes(request.membership), initial={**initial, "version": entry.version}
            ),  # fmt: skip
            "talk": forms.TalkForm(initial={"held_on": today, "talked_by": str(request.user)}),
            "close": forms.CloseForm(initial={"closed_on": today, "version": entry.version}),
            "void": forms.VoidForm(),
        },
    }
    if bound:
        name, form = bound
        context["forms"][name] = form
        context["failed_form"] = name
        context["failed_errors"] = [message for messages in form.errors.values() for message in messages]
    return context


@can_see
def care_detail(request, pk):
    entry = _visible(request, pk)
    if entry is None:
        return _refused(request)
    return render(request, "schools/care/detail.html", _context(request, entry))


def _step(name, make_form, run):
    """A POST endpoint for one change to an entry the member may see: errors shown in place."""

    @can_see
    def view(request, pk):
        entry = _visible(request, pk)
        if entry is None:
            return _refused(request)
        if request.method != "POST":
            return redirect("care-detail", pk=pk)
        form = make_form(request)
        if form.is_valid():
            try:
                run(request, entry, form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                return saved(request, "care-detail", pk=pk)
        entry = get_object_or_404(CareEntry, pk=pk)
        return render(request, "schools/care/detail.html", _context(request, entry, (name, form)), status=400)

    return view


def _edit(request, entry, d):
    _check_class(request.membership, d["class_name"])
    actions.edit_entry(acting_user=request.user, entry=entry, expected_version=d["version"],
                       **{name: d[name] for name in FIELDS})  # fmt: skip


care_edit = _step("edit", lambda r: forms.EntryForm(r.POST, classes=_own_classes(r.membership)), _edit)
care_add_talk = _step(
    "talk",
    lambda r: forms.TalkForm(r.POST),
    lambda r, e, d: actions.add_talk(acting_user=r.user, entry=e, **d),
)
care_close = _step(
    "close",
    lambda r: forms.CloseForm(r.POST),
    lambda r, e, d: actions.close_entry(
        acting_user=r.user, entry=e, closed_on=d["closed_on"], expected_version=d["version"]
    ),
)
care_void = _step(
    "void",
    lambda r: forms.VoidForm(r.POST),
    lambda r, e, d: actions.void_entry(acting_user=r.user, entry=e, reason=d["voided_reason"]),
)
