"""District pages of inspectors, under /inspections/ (district_portal/urls_district.py)."""

from django.urls import path

from inspections import views

urlpatterns = [
    path("", views.visit_list, name="visit-list"),
    path("me/", views.inspector_home, name="inspector-home"),
    path("plans/new/", views.plan_new, name="plan-new"),
    path("plans/<int:pk>/cancel/", views.plan_cancel, name="plan-cancel"),
    path("new/", views.visit_new, name="visit-new"),
    path("<int:pk>/", views.visit_detail, name="visit-detail"),
    path("<int:pk>/notices/", views.visit_raise_notice, name="visit-raise-notice"),
    path("<int:pk>/void/", views.visit_void, name="visit-void"),
    path("<int:pk>/photos/<int:photo_pk>/", views.visit_photo, name="visit-photo"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice-close"),
    path("notices/<int:pk>/notice.docx", views.notice_docx, name="notice-docx"),
    path("notice-items/<int:pk>/recheck/", views.notice_item_recheck, name="notice-item-recheck"),
    path("assignments/", views.assignments, name="assignments"),
    path("assignments/new/", views.assignment_new, name="assignment-new"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment-end"),
    path("assignments/rules/", views.inspection_rules, name="inspection-rules"),
    path("inspectors/<int:pk>/", views.profile, name="inspector-profile"),
    path("checklist/", views.checklist, name="checklist"),
    path("checklist/items/", views.checklist_add, name="checklist-add"),
    path("checklist/items/<slug:code>/", views.checklist_edit, name="checklist-edit"),
    path("checklist/items/<slug:code>/remove/", views.checklist_remove, name="checklist-remove"),
]
