from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from api import audit, campaigns, dashboard, inspections, views
from api.schema import DocsView, schema_view

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("campaigns", campaigns.CampaignViewSet, basename="api-campaign")
router.register("submissions", campaigns.SubmissionViewSet, basename="api-submission")
router.register("phases", campaigns.PhaseViewSet, basename="api-phase")
router.register("audit", audit.DistrictAuditViewSet, basename="api-audit")
router.register("visits", inspections.VisitViewSet, basename="api-visit")
router.register("notices", inspections.NoticeViewSet, basename="api-notice")

urlpatterns = [
    path("v1/schools/", views.SchoolList.as_view(), name="api-schools"),
    path("v1/dashboard/", dashboard.DistrictDashboard.as_view(), name="api-dashboard"),
    path(
        "v1/dashboard/schools/<slug:slug>/", dashboard.DashboardSchool.as_view(), name="api-dashboard-school"
    ),
    path("v1/public/figures/", dashboard.PublicFigures.as_view(), name="api-public-figures"),
    path("v1/dashboard/rules/", dashboard.FlagRules.as_view(), name="api-dashboard-rules"),
    path("v1/", include(router.urls)),
    path("schema/", schema_view("district_portal.urls_district"), name="api-schema"),
    path("docs/", DocsView.as_view(), name="api-docs"),
    # Last: a JSON 404 for any other /api/ path, a newline in it included ([\s\S], not ".").
    re_path(r"^(?:[\s\S]*/)?$", views.NoSuchEndpoint.as_view()),
]
