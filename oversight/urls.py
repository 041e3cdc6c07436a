from django.urls import include, path

from oversight import audit_views, break_glass_views, campaign_views, dashboard_views, flag_rules_views, views

urlpatterns = [
    path("", views.district_home, name="home"),
    path("dashboard/", dashboard_views.district_dashboard, name="dashboard"),
    path("dashboard/export/<slug:chart>.xlsx", dashboard_views.dashboard_export, name="dashboard-export"),
    path("dashboard/schools/<slug:slug>/", dashboard_views.dashboard_school, name="dashboard-school"),
    path("dashboard/rules/", flag_rules_views.flag_rules, name="dashboard-rules"),
    path("gongkai/", dashboard_views.public_figures_page, name="public-figures"),
    path("campaigns/", campaign_views.campaign_list, name="campaign-list"),
    path("campaigns/new/", campaign_views.campaign_new, name="campaign-new"),
    path("campaigns/<int:pk>/", campaign_views.campaign_detail, name="campaign-detail"),
    path("campaigns/<int:pk>/phases/", campaign_views.phase_new, name="phase-new"),
    path("campaigns/<int:pk>/monthly/", campaign_views.monthly_new, name="phase-monthly"),
    path("campaigns/<int:pk>/export.xlsx", campaign_views.campaign_export, name="campaign-export"),
    path("phases/<int:pk>/", campaign_views.phase_detail, name="phase-detail"),
    path("phases/<int:pk>/extensions/", campaign_views.phase_extend, name="phase-extend"),
    path("phases/<int:pk>/exemptions/", campaign_views.phase_exempt, name="phase-exempt"),
    path("submissions/<int:pk>/", campaign_views.submission_detail, name="submission-detail"),
    path("submissions/<int:pk>/accept/", campaign_views.submission_accept, name="submission-accept"),
    path("submissions/<int:pk>/return/", campaign_views.submission_return, name="submission-return"),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("audit/export.xlsx", audit_views.audit_export, name="audit-export"),
    path("serious-cases/", include("oversight.serious_cases.urls")),
    path("appeals/", include("oversight.appeals.urls")),
    path("break-glass/", break_glass_views.grant_list, name="break-glass-list"),
    path("break-glass/new/", break_glass_views.grant_new, name="break-glass-new"),
    path("break-glass/<int:pk>/revoke/", break_glass_views.grant_revoke, name="break-glass-revoke"),
]
