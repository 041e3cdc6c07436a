"""District pages of disclosures (信息公开) and the public pages: the paginated list, one item, and
the Atom feed (Django's syndication framework). A withdrawn item shows only its withdrawal notice."""

from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oversight import record_chain
from oversight.accountability.models import AccountabilityRecord
from oversight.disclosures import actions, selectors, workflow
from oversight.disclosures.forms import PublishForm, SignForm, TextForm, WithdrawForm
from oversight.disclosures.models import CHECKLIST
from oversight.serious_cases.models import SeriousCase
from schools.views.common import add_errors
from tenants.access import bureau_view, public_view


@bureau_view
def disclosure_list(request):
    rows = selectors.disclosures_for(viewer=request.user)
    closed = (
        SeriousCase.objects.filter(closed_on__isnull=False).select_related("school").order_by("-closed_on")
    )
    return render(request, "oversight/disclosures/list.html", {"rows": rows, "closed_cases": closed})


@bureau_view
def disclosure_new(request):
    source = request.POST if request.method == "POST" else request.GET
    case = get_object_or_404(SeriousCase.objects.select_related("school"), pk=source.get("case") or 0)
    records = AccountabilityRecord.objects.filter(school=case.school)
    status = 200
    if request.method != "POST":
        form = TextForm()
    else:
        form = TextForm(request.POST)
        if form.is_valid():
            chosen = records.filter(pk=request.POST.get("accountability") or 0).first()
            try:
                row = actions.draft(acting_user=request.user, serious_case=case, accountability=chosen,
                                    confirm=request.POST.get("confirm", ""), **form.cleaned_data)  # fmt: skip
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("信息公开草稿已保存，需两名起草人以外的工作人员签字后发布。"))
                return redirect("disclosure-detail", pk=row.pk)
        status = 400
    return render(request, "oversight/disclosures/new.html", {"case": case, "form": form, "records": records},
                  status=status)  # fmt: skip


def _detail(request, row, forms=None, status=200):
    forms = forms or {}
    signoffs = [s for s in row.signoffs.all() if s.version == row.version]
    return render(request, "oversight/disclosures/detail.html", {
        "row": row, "steps": workflow.steps_from(row.state), "signoffs": signoffs, "versions": row.versions.all(),
        "needed": workflow.SIGNOFFS_NEEDED, "checklist": CHECKLIST.values(),
        "text_form": forms.get("revise") or TextForm(initial={"title": row.title, "facts": row.facts,
                                                              "measures": row.measures, "outcome": row.outcome,
                                                              "name_school": row.name_school}),
        "sign_form": forms.get("sign") or SignForm(), "publish_form": forms.get("publish") or PublishForm(),
        "withdraw_form": forms.get("withdraw") or WithdrawForm(),
        "links": record_chain.links_of(viewer=request.user, kind="disclosure", pk=row.pk),
    }, status=status)  # fmt: skip


@bureau_view
def disclosure_detail(request, pk):
    return _detail(request, selectors.disclosure_for(viewer=request.user, pk=pk))


def _step(name, form_class, run, done):
    @bureau_view
    def view(request, pk):
        row = selectors.disclosure_for(viewer=request.user, pk=pk)
        if request.method != "POST":
            return redirect("disclosure-detail", pk=pk)
        form = form_class(request.POST)
        if form.is_valid():
            try:
                run(acting_user=request.user, disclosure=row, **form.cleaned_data)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("disclosure-detail", pk=pk)
        return _detail(request, row, {name: form}, status=400)

    return view


disclosure_revise = _step("revise", TextForm, actions.revise, gettext_lazy("已保存新版本，需重新签字。"))
disclosure_sign = _step("sign", SignForm, actions.sign_off, gettext_lazy("已签字。"))
disclosure_publish = _step(
    "publish", PublishForm, actions.publish, gettext_lazy("已发布（或已按时排期发布）。")
)
disclosure_withdraw = _step(
    "withdraw", WithdrawForm, actions.withdraw, gettext_lazy("已撤回，公开页面保留撤回说明。")
)


PER_PAGE = 20


@public_view
def public_list(request):
    pages = Paginator(selectors.public_rows(), PER_PAGE)
    page = pages.get_page(request.GET.get("page"))
    return render(request, "oversight/disclosures/public_list.html",
                  {"page": page, "items": selectors.public_items(page.object_list)})  # fmt: skip


@public_view
def public_detail(request, pk):
    return render(request, "oversight/disclosures/public_detail.html", {"item": selectors.public_item(pk)})


class DisclosureFeed(Feed):
    """Published items only: a withdrawn item leaves the feed with its text."""

    feed_type = Atom1Feed
    title = gettext_lazy("欺凌事件处置情况信息公开")
    subtitle = gettext_lazy("区教育局依法公开的严重欺凌事件处置情况")

    def link(self):
        return reverse("public-disclosures")

    def items(self):
        return selectors.public_items(selectors.public_rows(include_withdrawn=False)[:50])

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return "\n".join(part for part in (item.facts, item.measures, item.outcome) if part)

    def item_link(self, item):
        return reverse("public-disclosure", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at


disclosure_feed = public_view(DisclosureFeed())
