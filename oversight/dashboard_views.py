"""The district dashboard (bureau staff and inspectors; an inspector sees only assigned schools),
its XLSX exports, and a school's de-identified district page. Read from roll-ups only."""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook

from oversight import dashboard
from oversight.campaign_views import _matrix_data
from oversight.exports import XLSX, _header
from oversight.models import Campaign
from tenants.models import School, SchoolKind


def _filter_choices():
    areas = School.objects.exclude(schema_name="public").exclude(area="").order_by("area")
    return {
        "campaigns": Campaign.objects.order_by("-year", "-pk"),
        "kinds": SchoolKind.choices,
        "areas": list(areas.values_list("area", flat=True).distinct()),
    }


def district_dashboard(request):
    filters = dashboard.Filters.from_query(request.GET)
    board = dashboard.build(request.user, filters)
    data = dashboard.chart_data(board)
    if board.progress is not None:
        data["heatmap"] = _matrix_data(board.progress)
    context = {
        "board": board, "filters": filters, "view": request.GET.get("view", "chart"),
        "data_json": json.dumps(data, ensure_ascii=False),
        "heatmap_json": json.dumps(data.get("heatmap") or {}, ensure_ascii=False),
        "tables": {chart: board.table(chart) for chart in dashboard.CHARTS},
        "query": filters.query(), "rules": dashboard.DistrictSettings.current(),
        **_filter_choices(),
    }  # fmt: skip
    return render(request, "oversight/dashboard.html", context)


def dashboard_export(request, chart):
    if chart not in dashboard.CHARTS:
        raise Http404
    filters = dashboard.Filters.from_query(request.GET)
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


def dashboard_school(request, slug):
    """One school's figures for the district: counts only, never a student's name."""
    schools = dashboard.schools_for(request.user, dashboard.Filters())
    school = get_object_or_404(schools, slug=slug)
    filters = dashboard.Filters.from_query(request.GET)
    figures = dashboard.school_figures(school, filters)
    board = dashboard.build(request.user, dashboard.Filters(campaign=filters.campaign, start=filters.start,
                                                            end=filters.end, kind=school.kind, area=school.area))  # fmt: skip
    flag = next((f for f in board.flags if f.school.pk == school.pk), None)
    cells = []
    if board.progress is not None:
        cells = next((c for s, c in board.progress.rows() if s.pk == school.pk), [])
        cells = list(zip(board.progress.phases, cells, strict=False))
    context = {"school": school, "figures": figures, "filters": filters, "flag": flag, "cells": cells,
               "query": filters.query(), "title": _("%(name)s · 区级数据") % {"name": school.name}}  # fmt: skip
    return render(request, "oversight/dashboard_school.html", context)
