"""URLs of the district site (public schema)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("oversight.urls")),
    path("inspections/", include("inspections.urls")),
    path("accounts/", include("district_portal.auth_urls")),
    path("api/", include("api.urls_district")),
    path("admin/", admin.site.urls),
]
