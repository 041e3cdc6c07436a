from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from api import (
    audit,
    break_glass,
    campaigns,
    care,
    governance,
    incidents,
    inspections,
    records,
    serious_cases,
    summons,
    tips,
    views,
)
from api.schema import DocsView, schema_view

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("incidents", incidents.IncidentViewSet, basename="api-incident")
router.register("audit", audit.SchoolAuditViewSet, basename="api-audit")
router.register("tips", tips.TipViewSet, basename="api-tip")
router.register("reports", campaigns.ReportViewSet, basename="api-report")
router.register("phases", campaigns.SchoolPhaseViewSet, basename="api-school-phase")
router.register("care", care.CareEntryViewSet, basename="api-care")
router.register("ledger", records.HazardViewSet, basename="api-hazard")
router.register("activities", records.ActivityViewSet, basename="api-activity")
router.register("governance/members", governance.MemberViewSet, basename="api-governance-member")
router.register("governance/duties", governance.DutyViewSet, basename="api-governance-duty")
router.register("governance/documents", governance.DocumentViewSet, basename="api-governance-document")
router.register("rectification-notices", inspections.SchoolNoticeViewSet, basename="api-school-notice")
router.register(
    "rectification-notice-items", inspections.SchoolNoticeItemViewSet, basename="api-school-notice-item"
)
router.register("governance/published", governance.PublishedInfoViewSet, basename="api-governance-published")

urlpatterns = [
    path("v1/me/", views.MyMembership.as_view(), name="api-me"),
    path("v1/public/tips/", tips.PublicTipSubmit.as_view(), name="api-public-tip-submit"),
    path("v1/public/tips/lookup/", tips.PublicTipLookup.as_view(), name="api-public-tip-lookup"),
    path("v1/break-glass/", break_glass.SchoolGrants.as_view(), name="api-school-break-glass"),
    path(
        "v1/break-glass/<int:pk>/object/",
        break_glass.SchoolGrantObject.as_view(),
        name="api-school-break-glass-object",
    ),
    path("v1/summons/", summons.SchoolSummonsList.as_view(), name="api-school-summons-list"),
    path("v1/summons/<int:pk>/", summons.SchoolSummons.as_view(), name="api-school-summons"),
    path("v1/summons/<int:pk>/notice/", summons.SchoolSummonsDocx.as_view(), name="api-school-summons-docx"),
    path(
        "v1/summons/<int:pk>/acknowledge/",
        summons.SchoolSummonsAcknowledge.as_view(),
        name="api-school-summons-acknowledge",
    ),
    path(
        "v1/summons/<int:pk>/report/", summons.SchoolSummonsReport.as_view(), name="api-school-summons-report"
    ),
    path("v1/circulars/", summons.SchoolCirculars.as_view(), name="api-school-circulars"),
    path("v1/serious-cases/", serious_cases.SchoolSeriousCases.as_view(), name="api-school-serious-cases"),
    path("v1/appeals/", serious_cases.SchoolAppeals.as_view(), name="api-school-appeals"),
    path(
        "v1/appeals/<int:pk>/respond/",
        serious_cases.SchoolAppealRespond.as_view(),
        name="api-school-appeal-respond",
    ),
    path("v1/", include(router.urls)),
    path("schema/", schema_view("district_portal.urls_school"), name="api-schema"),
    path("docs/", DocsView.as_view(), name="api-docs"),
    # Last: a JSON 404 for any other /api/ path, a newline in it included ([\s\S], not ".").
    re_path(r"^(?:[\s\S]*/)?$", views.NoSuchEndpoint.as_view()),
]
