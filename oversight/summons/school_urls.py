from django.urls import path

from oversight.summons import school_views

urlpatterns = [
    path("summons/", school_views.summons_list, name="school-summons-list"),
    path("summons/<int:pk>/", school_views.summons_detail, name="school-summons-detail"),
    path("summons/<int:pk>/notice.docx", school_views.summons_docx, name="school-summons-docx"),
    path(
        "summons/<int:pk>/acknowledge/", school_views.summons_acknowledge, name="school-summons-acknowledge"
    ),
    path("summons/<int:pk>/report/", school_views.summons_report, name="school-summons-report"),
    path("circulars/", school_views.circular_list, name="school-circular-list"),
]
