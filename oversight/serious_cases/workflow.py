"""Which report a case may receive next, in one table read by the action and the pages:
(has a first report, a 续报 is asked for, closed, has a closing report) → allowed kinds."""

from oversight.serious_cases.models import ReportKind

# A 续报 may be filed whenever the situation changes, asked for or not, until the closing report.
NEXT_REPORTS = {
    # (first filed, closed, closing filed): kinds
    (False, False, False): (ReportKind.FIRST,),
    (False, True, False): (ReportKind.FIRST,),
    (True, False, False): (ReportKind.FOLLOW_UP,),
    (True, True, False): (ReportKind.CLOSING,),
    (True, True, True): (),
}


def next_report_kinds(case) -> tuple[str, ...]:
    kinds = set(case.reports.values_list("kind", flat=True))
    key = (ReportKind.FIRST in kinds, case.closed_on is not None, ReportKind.CLOSING in kinds)
    return NEXT_REPORTS.get(key, ())
