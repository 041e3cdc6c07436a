"""An inspector sees the figures of their assigned schools only, at every district door: the
submissions API (list, filter, detail), campaigns, phases and progress in the API and on the pages,
and the campaign's XLSX export. A school may not download another campaign's summary DOCX."""

import io
import json

import pytest
from openpyxl import load_workbook

from oversight.models import PhaseSubmission
from tests.campaign_helpers import SEED_004, at, school, seed_campaign, submit

pytestmark = pytest.mark.django_db


def _mentions(page: str, name: str) -> bool:
    """In the page's text or in its chart data (JSON, non-ASCII escaped)."""
    return name in page or json.dumps(name)[1:-1] in page


@pytest.fixture
def campaign():
    campaign = seed_campaign()
    first = campaign.phases.order_by("order").first()
    for slug in ("alpha", "beta"):
        submit(slug, first, at(SEED_004[0][3]))
    return campaign


def test_the_submissions_api_shows_an_inspector_only_assigned_schools(client_for, campaign):
    inspector = client_for("inspector_alpha")
    alpha, beta = school("alpha"), school("beta")
    listed = inspector.get("/api/v1/submissions/").json()["results"]
    assert {row["school"] for row in listed} == {alpha.pk}
    assert inspector.get(f"/api/v1/submissions/?school={beta.pk}").json()["results"] == []
    betas = PhaseSubmission.objects.get(school=beta)
    assert inspector.get(f"/api/v1/submissions/{betas.pk}/").status_code == 404
    assert inspector.get(f"/submissions/{betas.pk}/").status_code == 404
    # Bureau staff still see every school.
    assert client_for("bureau_staff").get(f"/api/v1/submissions/{betas.pk}/").status_code == 200


def test_campaign_progress_and_phases_show_an_inspector_only_assigned_schools(client_for, campaign):
    inspector = client_for("inspector_alpha")
    alpha, beta = school("alpha"), school("beta")
    progress = inspector.get(f"/api/v1/campaigns/{campaign.pk}/progress/").json()
    assert [row["school"] for row in progress["matrix"]] == [alpha.pk]
    assert progress["total"]["expected"] == len(SEED_004)  # one school's phases, not the district's
    detail = inspector.get(f"/api/v1/campaigns/{campaign.pk}/").json()
    assert beta.pk not in detail["schools"]
    for path in (f"/campaigns/{campaign.pk}/", f"/phases/{campaign.phases.first().pk}/"):
        page = inspector.get(path).content.decode()
        assert _mentions(page, alpha.name) and not _mentions(page, beta.name), path
    export = inspector.get(f"/campaigns/{campaign.pk}/export.xlsx")
    workbook = load_workbook(io.BytesIO(export.content))
    cells = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row}
    assert alpha.name in cells and beta.name not in cells
    bureau = client_for("bureau_staff").get(f"/api/v1/campaigns/{campaign.pk}/progress/").json()
    assert {row["school"] for row in bureau["matrix"]} >= {alpha.pk, beta.pk}


def test_a_school_cannot_download_the_summary_of_a_campaign_it_is_not_in(client_for):
    other = seed_campaign(name="别校的专项行动", scope="chosen", schools=[school("beta")])
    ours = seed_campaign(name="本校的专项行动", scope="chosen", schools=[school("alpha")])
    alpha = client_for("alpha_admin", "alpha")
    assert alpha.get(f"/reports/summary/{other.pk}.docx").status_code == 404
    assert alpha.get(f"/reports/summary/{ours.pk}.docx").status_code == 200
