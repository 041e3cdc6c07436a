"""The district dashboard (bureau staff and inspectors; an inspector sees only assigned schools),
its XLSX exports, a school's de-identified district page, and the public figures page (district
totals only, small counts suppressed). Read from roll-ups only. Bad filters are shown as errors
(oversight.dashboard_filters) and the default filters are used instead."""

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from inspections.selectors import coverage, coverage_by_inspector
from oversight import dashboard, public_figures
from oversight.appeals import selectors as appeal_selectors
from oversight.campaign_views import _matrix_data
from oversight.dashboard_filters import (
    ALL_FIELDS,
    PERIOD_FIELDS,
    public_campaigns,
    public_filters,
    validate_query,
)
from oversight.exports import XLSX, _header
from oversight.models import Campaign
from oversight.serious_cases import selectors as serious_selectors
from tenants.access import public_view
from tenants.models import School, SchoolKind


def _filter_choices():
    areas = School.objects.exclude(schema_name="public").exclude(area="").order_by("area")
    return {
        "campaigns": Campaign.objects.order_by("-year", "-pk"),
        "kinds": SchoolKind.choices,
        "areas": list(areas.values_list("area", flat=True).distinct()),
    }


def checked_filters(query, fields=ALL_FIELDS) -> tuple[dashboard.Filters, list[str]]:
    """The filters of a query and its errors; with errors, the default filters (nothing the bad
    query asked for is applied)."""
    errors = validate_query(query, fields=fields)
    return dashboard.Filters.from_query({} if errors else query), errors


COVERAGE_ROWS = 30


def district_dashboard(request):
    filters, errors = checked_filters(request.GET)
    board = dashboard.build(request.user, filters)
    data = dashboard.chart_data(board)
    if board.progress is not None:
        data["heatmap"] = _matrix_data(board.progress)
    # The register's flags, read from its public tables by the server clock (no school schema).
    # Bureau staff only: the register is theirs (inspectors see their schools' figures).
    serious_flags = []
    if request.user.is_bureau:
        counts = serious_selectors.flag_counts(viewer=request.user)
        serious_flags = [(code, label, counts[code]) for code, label in serious_selectors.FLAGS.items()]
        data["serious_flags"] = {"labels": [str(label) for _c, label, _n in serious_flags],
                                 "values": [n for _c, _l, n in serious_flags]}  # fmt: skip
    view = "table" if request.GET.get("view") == "table" else "chart"
    # The chart view draws from `data`; only the table view needs a row for every school.
    tables = {chart: board.table(chart) if view == "table" else (board.title(chart), [], [])
              for chart in dashboard.CHARTS}  # fmt: skip
    tables["flags"] = board.table("flags", full=view == "table")  # a table in both views
    # Per inspector, the ones furthest behind first: a chart and table whose size stays put however
    # many schools there are (the rows per school are on the assignments page).
    per_inspector = sorted(coverage_by_inspector(coverage(school_ids=board.school_ids)),
                           key=lambda t: (t["met"] - t["schools"], str(t["inspector"])))[:COVERAGE_ROWS]  # fmt: skip
    context = {
        "coverage_by_inspector": per_inspector,
        "coverage_data": {
            "inspectors": [str(t["inspector"]) for t in per_inspector],
            "met": [t["met"] for t in per_inspector],
            "not_met": [t["schools"] - t["met"] for t in per_inspector],
            "labels": {"met": str(_("达到督导频次的学校")), "not_met": str(_("未达到督导频次的学校"))},
        },
        "board": board, "filters": filters, "view": view,
        "chart_data": data,
        "heatmap_data": data.get("heatmap") or {},
        "tables": tables,
        "query": filters.query(), "rules": dashboard.DistrictSettings.current(),
        "filter_errors": errors, **_filter_choices(),
        "serious_flags": serious_flags, "appeals_overdue": appeal_selectors.overdue_count() if request.user.is_bureau else None,
    }  # fmt: skip
    if request.user.is_bureau:
        from oversight import record_chain
        from oversight.summons import selectors as summons_selectors

        context["follow_through"] = {"open_chains": record_chain.open_chain_count(),
                                     "overdue_summons": summons_selectors.overdue_count()}  # fmt: skip
    return render(request, "oversight/dashboard.html", context)


def dashboard_export(request, chart):
    if chart not in dashboard.CHARTS:
        raise Http404
    filters, errors = checked_filters(request.GET)
    if errors:
        return HttpResponseBadRequest("\n".join(errors), content_type="text/plain; charset=utf-8")
    board = dashboard.build(request.user, filters)
    title, header, rows = board.table(chart)
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet["A1"] = (
        f"{title}（{filters.start:%Y-%m} — {filters.end:%Y-%m}，{timezone.localtime():%Y-%m-%d %H:%M}）"
    )
    _header(sheet, 3, header)
    for offset, values in enumerate(rows, start=4):
        for column, value in enumerate(values, start=1):
            sheet.cell(row=offset, column=column, value=value)
    sheet.column_dimensions["A"].width = 24
    response = HttpResponse(content_type=XLSX)
    book.save(response)
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx")
    return response


def school_page(user, school, filters) -> dict:
    """What a school's district page shows (also the API's answer): figures, flag, phase cells."""
    figures = dashboard.school_figures(school, filters)
    # The flag as the district dashboard shows it for the same campaign and period (the rate rule
    # compares the school with every school of the district, not only those of its kind or area).
    board = dashboard.build(
        user, dashboard.Filters(campaign=filters.campaign, start=filters.start, end=filters.end)
    )
    flag = next((f for f in board.flags if f.school.pk == school.pk), None)
    return {"figures": figures, "flag": flag, "cells": board.cells_for(school)}


def visible_school(user, slug):
    """The school of this slug if the user may see its figures (inspectors: assigned ones), else 404."""
    return get_object_or_404(dashboard.schools_for(user, dashboard.Filters()), slug=slug)


def dashboard_school(request, slug):
    """One school's figures for the district: counts only, never a student's name."""
    school = visible_school(request.user, slug)
    filters, errors = checked_filters(request.GET, fields=PERIOD_FIELDS)
    context = {"school": school, "filters": filters, "filter_errors": errors, **school_page(request.user, school, filters),
               "query": filters.query(), "title": _("%(name)s · 区级数据") % {"name": school.name}}  # fmt: skip
    return render(request, "oversight/dashboard_school.html", context)


@public_view
@require_safe
def public_figures_page(request):
    """全区防治学生欺凌工作数据公开: district totals only, small counts suppressed, no login."""
    filters, errors = public_filters(request.GET)
    figures = public_figures.compute(filters)
    context = {"figures": figures, "filters": filters, "filter_errors": errors, "note": public_figures.note(),
               "campaigns": public_campaigns().order_by("-year", "-pk")}  # fmt: skip
    return render(request, "oversight/public_figures.html", context)
