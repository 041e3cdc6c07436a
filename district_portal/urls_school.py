"""URLs of a school's own site (the school's schema)."""

from django.urls import include, path

urlpatterns = [
    path("", include("schools.urls")),
    path("", include("inspections.urls_school")),
    path("accounts/", include("district_portal.auth_urls")),
    path("api/", include("api.urls_school")),
]
