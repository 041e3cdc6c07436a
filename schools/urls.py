from django.urls import path

from schools import views

urlpatterns = [
    path("", views.school_home, name="home"),
    path("gongshi/", views.publicity, name="publicity"),
]
