from django.urls import path

from oversight import views

urlpatterns = [
    path("", views.district_home, name="home"),
]
