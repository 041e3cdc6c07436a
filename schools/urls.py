from django.urls import path

from schools.views import dashboard, incidents, tips

urlpatterns = [
    path("", dashboard.school_home, name="home"),
    path("gongshi/", dashboard.publicity, name="publicity"),
    path("xinxiang/", tips.mailbox, name="tip-mailbox"),
    path("xinxiang/chaxun/", tips.follow, name="tip-follow"),
    path("tips/", tips.tip_list, name="tip-list"),
    path("tips/<int:pk>/", tips.tip_detail, name="tip-detail"),
    path("incidents/", incidents.incident_list, name="incident-list"),
    path("incidents/new/", incidents.incident_new, name="incident-new"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/open/", incidents.open_investigation, name="incident-open"),
    path("incidents/<int:pk>/parties/", incidents.add_party, name="incident-add-party"),
    path("incidents/<int:pk>/determine/", incidents.determine, name="incident-determine"),
    path("incidents/<int:pk>/measures/", incidents.add_measure, name="incident-add-measure"),
    path("incidents/<int:pk>/support/", incidents.add_support, name="incident-add-support"),
    path("incidents/<int:pk>/follow-ups/", incidents.schedule_follow_up, name="incident-schedule-follow-up"),
    path(
        "incidents/<int:pk>/follow-ups/done/",
        incidents.complete_follow_up,
        name="incident-complete-follow-up",
    ),
    path("incidents/<int:pk>/appeals/", incidents.file_appeal, name="incident-file-appeal"),
    path("incidents/<int:pk>/appeals/decide/", incidents.decide_appeal, name="incident-decide-appeal"),
    path("incidents/<int:pk>/close/", incidents.close, name="incident-close"),
    path("incidents/<int:pk>/void/", incidents.void, name="incident-void"),
    path("incidents/<int:pk>/report-upward/", incidents.report_upward, name="incident-report-upward"),
]
