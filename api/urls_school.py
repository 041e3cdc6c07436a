from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import views
from tenants.access import public_view

urlpatterns = [
    path("v1/me/", views.MyMembership.as_view(), name="api-me"),
    path(
        "schema/",
        public_view(SpectacularAPIView.as_view(urlconf="district_portal.urls_school")),
        name="api-schema",
    ),
]
