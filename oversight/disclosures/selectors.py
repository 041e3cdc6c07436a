"""Disclosures for district users (every draft and version) and for the public (published items and
withdrawal notices; a withdrawn item's text is never read out for the public)."""

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.disclosures.models import Disclosure, DisclosureState


def disclosures_for(*, viewer):
    if not (getattr(viewer, "is_authenticated", False) and viewer.is_bureau):
        raise Http404
    return Disclosure.objects.select_related("serious_case__school", "drafted_by").prefetch_related(
        "signoffs"
    )


def disclosure_for(*, viewer, pk) -> Disclosure:
    row = disclosures_for(viewer=viewer).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


@dataclass
class PublicItem:
    """What the public may read of one disclosure: the text while published, a notice once withdrawn."""

    pk: int
    title: str
    occurred_on: object
    published_at: object
    school: str
    facts: str = ""
    measures: str = ""
    outcome: str = ""
    withdrawn_at: object = None
    withdraw_reason: str = ""

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


def _public(row) -> PublicItem:
    school = row.serious_case.school.name if row.name_school else _("本区一所学校")
    item = PublicItem(pk=row.pk, title=row.title, occurred_on=row.occurred_on, published_at=row.publish_at,
                      school=school)  # fmt: skip
    if row.state == DisclosureState.WITHDRAWN:
        item.withdrawn_at, item.withdraw_reason = row.withdrawn_at, row.withdraw_reason
    else:
        item.facts, item.measures, item.outcome = row.facts, row.measures, row.outcome
    return item


def public_rows(*, now=None, include_withdrawn=True):
    """Published (publication time reached) and, for the notices, withdrawn items, newest first."""
    now = now or timezone.now()
    states = [DisclosureState.PUBLISHED] + ([DisclosureState.WITHDRAWN] if include_withdrawn else [])
    return (Disclosure.objects.filter(state__in=states, publish_at__lte=now)
            .select_related("serious_case__school").order_by("-publish_at", "-id"))  # fmt: skip


def public_items(rows) -> list[PublicItem]:
    return [_public(row) for row in rows]


def public_item(pk, now=None) -> PublicItem:
    row = public_rows(now=now).filter(pk=pk).first()
    if row is None:
        raise Http404
    return _public(row)
