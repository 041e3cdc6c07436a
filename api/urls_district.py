from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from api import (
    accountability,
    audit,
    break_glass,
    campaigns,
    dashboard,
    disclosures,
    district_settings,
    inspections,
    serious_cases,
    summons,
    views,
)
from api.schema import DocsView, schema_view

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("campaigns", campaigns.CampaignViewSet, basename="api-campaign")
router.register("submissions", campaigns.SubmissionViewSet, basename="api-submission")
router.register("phases", campaigns.PhaseViewSet, basename="api-phase")
router.register("audit", audit.DistrictAuditViewSet, basename="api-audit")
router.register("visits", inspections.VisitViewSet, basename="api-visit")
router.register("notices", inspections.NoticeViewSet, basename="api-notice")
router.register("notice-items", inspections.NoticeItemViewSet, basename="api-notice-item")
router.register("plans", inspections.PlanViewSet, basename="api-plan")
router.register("assignments", inspections.AssignmentViewSet, basename="api-assignment")

urlpatterns = [
    path("v1/schools/", views.SchoolList.as_view(), name="api-schools"),
    path("v1/dashboard/", dashboard.DistrictDashboard.as_view(), name="api-dashboard"),
    path(
        "v1/dashboard/schools/<slug:slug>/", dashboard.DashboardSchool.as_view(), name="api-dashboard-school"
    ),
    path("v1/public/figures/", dashboard.PublicFigures.as_view(), name="api-public-figures"),
    path("v1/dashboard/rules/", dashboard.FlagRules.as_view(), name="api-dashboard-rules"),
    path("v1/checklist/", inspections.CurrentChecklist.as_view(), name="api-checklist"),
    path("v1/coverage/", inspections.Coverage.as_view(), name="api-coverage"),
    path("v1/coverage/rules/", inspections.InspectionRules.as_view(), name="api-inspection-rules"),
    path(
        "v1/inspectors/<int:pk>/profile/",
        inspections.InspectorProfileView.as_view(),
        name="api-inspector-profile",
    ),
    path("v1/break-glass/", break_glass.DistrictGrants.as_view(), name="api-break-glass"),
    path(
        "v1/break-glass/<int:pk>/accesses/",
        break_glass.DistrictGrantAccesses.as_view(),
        name="api-break-glass-accesses",
    ),
    re_path(
        r"^v1/break-glass/(?P<pk>[0-9]+)/(?P<step>approve|reject|revoke)/$",
        break_glass.DistrictGrantStep.as_view(),
        name="api-break-glass-step",
    ),
    path("v1/settings/", district_settings.DistrictSettingsView.as_view(), name="api-district-settings"),
    path("v1/serious-cases/", serious_cases.DistrictSeriousCases.as_view(), name="api-serious-cases"),
    path("v1/serious-cases/<int:pk>/", serious_cases.DistrictSeriousCase.as_view(), name="api-serious-case"),
    path("v1/appeals/", serious_cases.DistrictAppeals.as_view(), name="api-appeals"),
    path(
        "v1/appeals/<int:pk>/decide/", serious_cases.DistrictAppealDecide.as_view(), name="api-appeal-decide"
    ),
    path("v1/summons/", summons.DistrictSummonsList.as_view(), name="api-summons-list"),
    path("v1/summons/<int:pk>/", summons.DistrictSummons.as_view(), name="api-summons"),
    path(
        "v1/summons/<int:pk>/meeting/", summons.DistrictSummonsMeeting.as_view(), name="api-summons-meeting"
    ),
    path("v1/summons/<int:pk>/review/", summons.DistrictSummonsReview.as_view(), name="api-summons-review"),
    path("v1/summons/<int:pk>/notice/", summons.DistrictSummonsDocx.as_view(), name="api-summons-docx"),
    path("v1/circulars/", summons.DistrictCirculars.as_view(), name="api-circulars"),
    path("v1/chains/", summons.Chains.as_view(), name="api-chains"),
    path("v1/links/<slug:kind>/<int:pk>/", summons.RecordLinks.as_view(), name="api-record-links"),
    path("v1/accountability/", accountability.Records.as_view(), name="api-accountability-list"),
    path("v1/accountability/<int:pk>/", accountability.Record.as_view(), name="api-accountability"),
    path(
        "v1/accountability/<int:pk>/statement/",
        accountability.Statement.as_view(),
        name="api-accountability-statement",
    ),
    path(
        "v1/accountability/<int:pk>/challenge/",
        accountability.Challenge.as_view(),
        name="api-accountability-challenge",
    ),
    path(
        "v1/accountability/<int:pk>/challenge/decide/",
        accountability.ChallengeDecide.as_view(),
        name="api-accountability-challenge-decide",
    ),
    path("v1/disclosures/", disclosures.Disclosures.as_view(), name="api-disclosures"),
    path("v1/disclosures/<int:pk>/", disclosures.Disclosure.as_view(), name="api-disclosure"),
    path("v1/disclosures/<int:pk>/sign-off/", disclosures.SignOff.as_view(), name="api-disclosure-sign-off"),
    path("v1/disclosures/<int:pk>/publish/", disclosures.Publish.as_view(), name="api-disclosure-publish"),
    path("v1/disclosures/<int:pk>/withdraw/", disclosures.Withdraw.as_view(), name="api-disclosure-withdraw"),
    path("v1/public/disclosures/", disclosures.PublicDisclosures.as_view(), name="api-public-disclosures"),
    path(
        "v1/public/disclosures/<int:pk>/",
        disclosures.PublicDisclosure.as_view(),
        name="api-public-disclosure",
    ),
    path("v1/", include(router.urls)),
    path("schema/", schema_view("district_portal.urls_district"), name="api-schema"),
    path("docs/", DocsView.as_view(), name="api-docs"),
    # Last: a JSON 404 for any other /api/ path, a newline in it included ([\s\S], not ".").
    re_path(r"^(?:[\s\S]*/)?$", views.NoSuchEndpoint.as_view()),
]
