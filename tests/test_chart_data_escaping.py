"""Every user-editable name that reaches a chart (campaign, phase, school, area) is written into the
page as JSON that cannot end its <script> block: a name like </script><img …> stays data."""

import json
from html.parser import HTMLParser

import pytest

from oversight.models import Campaign, Phase
from tenants.models import School
from tests.campaign_helpers import SEED_004, at, seed_campaign, submit

pytestmark = pytest.mark.django_db

PAYLOAD = "</script><img src=x onerror=alert(1)>"


class Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.blocks, self.images, self._open = [], [], None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = {"attrs": dict(attrs), "text": ""}
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.blocks.append(self._open)
            self._open = None


def _check(html: str, block_ids: set[str]):
    parsed = Scripts()
    parsed.feed(html)
    assert not any(img.get("onerror") for img in parsed.images), "an <img onerror> got out of a block"
    data = {}
    for block in parsed.blocks:
        if "src" in block["attrs"]:
            continue
        assert block["attrs"].get("type") == "application/json", block
        data[block["attrs"]["id"]] = json.loads(block["text"])  # intact: still one whole JSON value
    assert block_ids <= set(data)
    return data


@pytest.fixture
def planted():
    campaign = seed_campaign()
    submit("alpha", campaign.phases.get(order=1), at(SEED_004[0][3]))
    Campaign.objects.filter(pk=campaign.pk).update(name=f"专项{PAYLOAD}")
    Phase.objects.filter(campaign=campaign, order=1).update(title=f"阶段{PAYLOAD}")
    School.objects.filter(slug="alpha").update(name=f"学校{PAYLOAD}", area=f"片区{PAYLOAD}")
    return Campaign.objects.get(pk=campaign.pk)


def test_a_planted_name_stays_data_on_the_campaign_page(client_for, planted):
    page = client_for("bureau_staff").get(f"/campaigns/{planted.pk}/").content.decode()
    data = _check(page, {"progress-data"})
    assert f"阶段{PAYLOAD}" in data["progress-data"]["x"]
    assert f"学校{PAYLOAD}" in data["progress-data"]["y"]


def test_a_planted_name_stays_data_on_the_dashboard(client_for, planted):
    page = client_for("bureau_staff").get(f"/dashboard/?campaign={planted.pk}&from=2022-01&to=2022-12")
    assert page.status_code == 200
    data = _check(page.content.decode(), {"dashboard-data", "heatmap-data"})
    assert PAYLOAD in json.dumps(data, ensure_ascii=False)
    assert f"学校{PAYLOAD}" in data["heatmap-data"]["y"]
    areas = client_for("bureau_staff").get(f"/dashboard/?area=片区{PAYLOAD}").content.decode()
    _check(areas, {"dashboard-data"})
