"""Checks the dashboard's filters before they are used, so bad input gets a clear translated error
and changes nothing. dashboard.Filters.from_query quietly ignores a malformed month, an unknown
campaign or school kind and swaps a reversed period. The pages and the API call
validate_query first: when it finds errors, the page shows them and uses the default filters,
and the API answers 400.

The public figures page accepts only the campaign and the period (PUBLIC_FIELDS), and only the
campaigns the public may see (public_campaigns).
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from oversight import dashboard
from oversight.models import Campaign, CampaignScope
from tenants.models import School, SchoolKind

ALL_FIELDS = ("campaign", "from", "to", "kind", "area")
PERIOD_FIELDS = ("campaign", "from", "to")  # a school's page: its own kind and area
PUBLIC_FIELDS = PERIOD_FIELDS
FIRST_MONTH = dt.date(2000, 1, 1)
LAST_MONTH = dt.date(2100, 12, 1)
MAX_ID = 2**31 - 1  # larger ids cannot be looked up (PostgreSQL integer)
PUBLIC_MIN_SCHOOLS = 2  # a campaign of fewer schools would show one school's figures


def _text(query, name) -> str:
    value = query.get(name)
    return "" if value is None else str(value).strip()


def _month(query, name, errors, message) -> dt.date | None:
    text = _text(query, name)
    if not text:
        return None
    month = dashboard.parse_month(text) if "\x00" not in text else None
    if month is None:
        errors.append(message)
        return None
    if not FIRST_MONTH <= month <= LAST_MONTH:
        errors.append(
            _("月份应在 %(first)s 至 %(last)s 之间。")
            % {"first": FIRST_MONTH.strftime("%Y-%m"), "last": LAST_MONTH.strftime("%Y-%m")}
        )
        return None
    return month


def find_campaign(raw, campaigns=None) -> Campaign | None:
    """The campaign named by a query value (an id), or None when there is no such campaign."""
    text = str(raw).strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_ID:
        return None
    return (campaigns if campaigns is not None else Campaign.objects.all()).filter(pk=int(text)).first()


def validate_query(query, today: dt.date | None = None, fields=ALL_FIELDS, campaigns=None) -> list[str]:
    """The translated error messages for a dashboard query (empty when it is fine).

    `fields`: which filters this page takes (the others are not looked at); `campaigns`: the
    campaigns that may be chosen (default: all)."""
    today = today or timezone.localdate()
    errors: list[str] = []
    campaign = None
    if "campaign" in fields and _text(query, "campaign"):
        campaign = find_campaign(_text(query, "campaign"), campaigns)
        if campaign is None:
            errors.append(_("找不到该专项行动。"))
    start = end = None
    if "from" in fields:
        start = _month(query, "from", errors, _("起始月份格式应为 YYYY-MM。"))
    if "to" in fields:
        end = _month(query, "to", errors, _("截止月份格式应为 YYYY-MM。"))
    if "kind" in fields and _text(query, "kind") and _text(query, "kind") not in SchoolKind.values:
        errors.append(_("学段类型无法识别。"))
    if "area" in fields and _text(query, "area"):
        area = _text(query, "area")
        if "\x00" in area or not School.objects.exclude(schema_name="public").filter(area=area).exists():
            errors.append(_("找不到该片区。"))
    if not errors and (start is not None or end is not None):
        # The period as the filters would fill it in: the one month given, the other from the
        # campaign (the latest when none is named) or the last twelve months.
        defaults = {"campaign": query.get("campaign")} if "campaign" in query else {}
        if campaigns is not None and "campaign" not in defaults:
            latest = campaigns.order_by("-year", "-pk").first()
            defaults = {"campaign": str(latest.pk) if latest else ""}
        if start is None or end is None:
            filled = dashboard.Filters.from_query(defaults, today=today)
            start, end = start or filled.start, end or filled.end
        if start > end:
            errors.append(_("起始月份不能晚于截止月份。"))
    return errors


def public_campaigns():
    """The campaigns whose figures the public may see: not a campaign of chosen schools, and of at
    least PUBLIC_MIN_SCHOOLS active schools (so that no one school's figures are shown)."""
    in_scope = []
    for campaign in Campaign.objects.exclude(scope=CampaignScope.CHOSEN).order_by("-year", "-pk"):
        if campaign.schools_in_scope().count() >= PUBLIC_MIN_SCHOOLS:
            in_scope.append(campaign.pk)
    return Campaign.objects.filter(pk__in=in_scope)


def public_filters(query, today: dt.date | None = None) -> tuple[dashboard.Filters, list[str]]:
    """The filters of the public figures (campaign and period only) and the errors in the query.
    With errors, or when the query names no campaign, the latest public campaign's period is used."""
    campaigns = public_campaigns()
    errors = validate_query(query, today=today, fields=PUBLIC_FIELDS, campaigns=campaigns)
    values = (
        {} if errors else {name: query.get(name) for name in PUBLIC_FIELDS if query.get(name) is not None}
    )
    if "campaign" not in values:
        latest = campaigns.order_by("-year", "-pk").first()
        values["campaign"] = str(latest.pk) if latest else ""
    return dashboard.Filters.from_query(values, today=today), errors
