"""District pages of inspector visits, under /inspections/ (district_portal/urls_district.py)."""

from django.urls import path

from inspections import views

urlpatterns = [
    path("", views.visit_list, name="visit-list"),
    path("new/", views.visit_new, name="visit-new"),
    path("<int:pk>/", views.visit_detail, name="visit-detail"),
    path("<int:pk>/notices/", views.visit_raise_notice, name="visit-raise-notice"),
    path("<int:pk>/void/", views.visit_void, name="visit-void"),
    path("notices/<int:pk>/close/", views.notice_close, name="notice-close"),
]
