from django.urls import path

from oversight.serious_cases import views

urlpatterns = [
    path("", views.register, name="serious-register"),
    path("export.xlsx", views.register_export, name="serious-export"),
    path("learned-elsewhere/", views.external_new, name="serious-external-new"),
    path("<int:pk>/", views.case_detail, name="serious-detail"),
]
