"""The campaign progress page reads the progress roll-up and shows the matrix a page of schools at
a time, the schools furthest behind first, with the tallies over every school in scope."""

import datetime as dt
import json
import re

import pytest

from oversight import progress_rollup
from oversight.progress import campaign_progress
from tests.campaign_helpers import at, seed_campaign, submit

pytestmark = pytest.mark.django_db


def test_the_matrix_pages_through_the_schools_furthest_behind_first(client_for, monkeypatch):
    campaign = seed_campaign()
    for phase in campaign.phases.order_by("order")[:3]:
        submit("alpha", phase, at(phase.report_due_on - dt.timedelta(days=1)))
    today = dt.date(2022, 8, 31)  # every phase is due: beta has missed all four, alpha one

    first = progress_rollup.progress_page(campaign, 1, today, per_page=1)
    second = progress_rollup.progress_page(campaign, 2, today, per_page=1)
    assert (first.school_count, first.pages) == (2, 2)
    assert [s.name for s, _cells in first.rows()] == ["贝塔中学"]
    assert [s.name for s, _cells in second.rows()] == ["阿尔法小学"]
    expected = campaign_progress(campaign, today)  # worked out afresh from the submissions
    assert first.total == expected.total
    assert first.by_phase == expected.by_phase

    monkeypatch.setattr(progress_rollup, "PAGE_SCHOOLS", 1)
    page = client_for("bureau_staff").get(f"/campaigns/{campaign.pk}/?page=2").content.decode()
    data = json.loads(re.search(r'id="progress-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert data["y"] == ["阿尔法小学"]
    assert "第 2 / 2 页" in page and 'rel="prev"' in page and "共 2 所" in page
