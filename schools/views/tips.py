"""The anonymous mailbox: public pages for the tipster, staff pages for triage."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from schools import audit, permissions, throttle
from schools.actions import tips as actions
from schools.forms import tips as forms
from schools.models import Incident, Tip, TipStatus
from schools.views.common import add_errors, requires, saved
from tenants.access import public_view


def _tipster_view(tip):
    """What a tipster may see: the plain status and the conversation, never staff internals."""
    return {
        "status": tip.get_status_display(),
        "closed": tip.status == TipStatus.CLOSED,
        "closed_reason": tip.closed_reason if tip.status == TipStatus.CLOSED else "",
        "submitted": tip.created_at,
        "messages": [
            {"from_school": m.from_school, "body": m.body, "at": m.created_at} for m in tip.messages.all()
        ],
    }


@public_view
def mailbox(request):
    form = forms.TipForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        wait = throttle.wait(request, "tip", per_client=5, per_school=200)
        if wait:
            form.add_error(None, _("提交太频繁，请稍后再试。如情况紧急，请直接拨打学校举报电话或 110。"))
            return _throttled(render(request, "schools/tips/mailbox.html", {"form": form}), wait)
        try:
            _tip, code = actions.submit_tip(**form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
            status = 400
        else:
            return render(request, "schools/tips/receipt.html", {"code": code})
    elif request.method == "POST":
        status = 400
    return render(request, "schools/tips/mailbox.html", {"form": form}, status=status)


def _throttled(response, wait: int):
    """The same answer as the API's: 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response


@public_view
def follow(request):
    """Look a tip up by its receipt code (POSTed, so the code never lands in a URL or a log)."""
    context = {"form": forms.ReceiptForm(), "message_form": None, "tip": None}
    if request.method == "POST":
        wait = throttle.wait(request, "tip-lookup", per_client=30, per_school=2000)
        if wait:
            context["error"] = _("查询太频繁，请稍后再试。")
            return _throttled(render(request, "schools/tips/follow.html", context), wait)
        code = request.POST.get("code", "")
        tip = actions.find_by_receipt(code)
        if tip is None:
            context["form"] = forms.ReceiptForm(request.POST)
            context["error"] = _("没有找到这个查询码对应的举报，请核对后重试。")
            return render(request, "schools/tips/follow.html", context, status=404)
        message_form = forms.TipsterMessageForm(initial={"code": code})
        if "body" in request.POST:
            message_form = forms.TipsterMessageForm(request.POST)
            if message_form.is_valid():
                try:
                    actions.tipster_message(tip=tip, body=message_form.cleaned_data["body"])
                except ValidationError as error:
                    add_errors(message_form, error)
                else:
                    message_form = forms.TipsterMessageForm(initial={"code": code})
        context.update(tip=_tipster_view(tip), message_form=message_form, form=None)
    return render(request, "schools/tips/follow.html", context)


@requires(permissions.can_triage_tips)
def tip_list(request):
    tips = Tip.objects.all()
    status = request.GET.get("status", "")
    if status in TipStatus.values:
        tips = tips.filter(status=status)
    return render(
        request,
        "schools/tips/list.html",
        {"tips": tips[:500], "statuses": TipStatus.choices, "status": status},
    )


@requires(permissions.can_triage_tips)
def tip_detail(request, pk):
    tip = get_object_or_404(Tip, pk=pk)
    reply_form = forms.ReplyForm()
    triage_form = forms.TriageForm(initial={"place": tip.happened_where, "summary": tip.body})
    close_form = forms.CloseTipForm()
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        try:
            if step == "reply":
                reply_form = forms.ReplyForm(request.POST)
                if reply_form.is_valid():
                    actions.reply(acting_user=request.user, tip=tip, **reply_form.cleaned_data)
                    return saved(request, "tip-detail", pk=pk)
            elif step == "triage":
                triage_form = forms.TriageForm(request.POST)
                if triage_form.is_valid():
                    incident = actions.triage_to_incident(
                        acting_user=request.user, tip=tip, **triage_form.cleaned_data
                    )
                    return saved(request, "incident-detail", pk=incident.pk)
            elif step == "close":
                close_form = forms.CloseTipForm(request.POST)
                if close_form.is_valid():
                    actions.close_tip(acting_user=request.user, tip=tip, **close_form.cleaned_data)
                    return saved(request, "tip-detail", pk=pk)
        except ValidationError as error:
            add_errors({"reply": reply_form, "triage": triage_form, "close": close_form}[step], error)
        status = 400
    incident = Incident.objects.filter(tip=tip).first()
    return render(request, "schools/tips/detail.html", {
        "tip": tip, "reply_form": reply_form, "triage_form": triage_form, "close_form": close_form,
        "incident": incident, "history": audit.history(tip), "messages_list": tip.messages.all(),
    }, status=status)  # fmt: skip
