from django.urls import path

from oversight.appeals import views

urlpatterns = [
    path("", views.appeal_list, name="appeal-list"),
    path("new/", views.appeal_new, name="appeal-new"),
    path("<int:pk>/", views.appeal_detail, name="appeal-detail"),
    path("<int:pk>/decide/", views.appeal_decide, name="appeal-decide"),
]
