"""URLs of the district site (public schema)."""

from django.contrib import admin
from django.urls import include, path

from district_portal.health_views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("operations/", include("oversight.operations.urls")),
    path("", include("oversight.urls")),
    path("inspections/", include("inspections.urls")),
    path("accounts/", include("district_portal.auth_urls")),
    path("api/", include("api.urls_district")),
    path("admin/", admin.site.urls),
]
