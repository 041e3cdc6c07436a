from django.urls import path

from oversight.onboarding import views

urlpatterns = [
    path("", views.upload, name="onboarding-upload"),
    path("<int:pk>/", views.job, name="onboarding-job"),
    path("<int:pk>/start/", views.start, name="onboarding-start"),
]
