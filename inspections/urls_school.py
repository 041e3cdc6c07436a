"""The school site's inspection pages (district_portal/urls_school.py)."""

from django.urls import path

from inspections import school_views

urlpatterns = [
    path("zhenggai/", school_views.notice_list, name="school-notice-list"),
    path("zhenggai/<int:pk>/", school_views.notice_detail, name="school-notice-detail"),
    path("zhenggai/<int:pk>/notice.docx", school_views.notice_docx, name="school-notice-docx"),
    path("zhenggai/items/<int:pk>/answer/", school_views.notice_answer, name="school-notice-answer"),
    path("guapai/", school_views.sign, name="inspector-sign"),
    path("guapai/print/", school_views.sign_print, name="inspector-sign-print"),
    path("guapai/photo/<int:pk>/", school_views.sign_photo, name="inspector-sign-photo"),
]
