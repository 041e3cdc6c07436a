from django.urls import path

from oversight.operations import views

urlpatterns = [path("", views.operations, name="operations")]
