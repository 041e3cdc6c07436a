from django.urls import path

from oversight.summons import views

urlpatterns = [
    path("", views.summons_list, name="summons-list"),
    path("new/", views.summons_new, name="summons-new"),
    path("<int:pk>/", views.summons_detail, name="summons-detail"),
    path("<int:pk>/notice.docx", views.summons_docx, name="summons-docx"),
    path("<int:pk>/meeting/", views.summons_meeting, name="summons-meeting"),
    path("<int:pk>/review/", views.summons_review, name="summons-review"),
]
