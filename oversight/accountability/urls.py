from django.urls import path

from oversight.accountability import views

urlpatterns = [
    path("", views.record_list, name="accountability-list"),
    path("new/", views.record_new, name="accountability-new"),
    path("<int:pk>/", views.record_detail, name="accountability-detail"),
    path("<int:pk>/statement/", views.record_statement, name="accountability-statement"),
    path("<int:pk>/challenge/", views.record_challenge, name="accountability-challenge"),
    path("<int:pk>/challenge/decide/", views.decide_challenge, name="accountability-decide"),
]
