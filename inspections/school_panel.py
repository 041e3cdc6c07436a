"""The school dashboard's entry for rectification notices (registered in apps.ready)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.selectors import notices_for_school
from inspections.workflow import NoticeStatus


def notices_panel(request):
    school = getattr(request, "school", None)
    if school is None or getattr(request, "membership", None) is None:
        return None
    today = timezone.localdate()
    notices = list(notices_for_school(school).exclude(status=NoticeStatus.CLOSED))
    lines = [(
        _("%(date)s下达 · 期限 %(due)s · %(status)s") % {
            "date": n.issued_on, "due": n.due_on, "status": n.get_status_display()},
        reverse("school-notice-detail", args=[n.pk]), n.is_overdue(today),
    ) for n in notices]  # fmt: skip
    return {"title": _("整改通知书（未销号）"), "count": len(notices), "link": reverse("school-notice-list"),
            "late": any(late for _t, _l, late in lines), "lines": lines, "id": "panel-notices"}  # fmt: skip
