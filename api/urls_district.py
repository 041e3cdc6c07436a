from django.urls import path

from api import views
from api.schema import schema_view

urlpatterns = [
    path("v1/schools/", views.SchoolList.as_view(), name="api-schools"),
    path("schema/", schema_view("district_portal.urls_district"), name="api-schema"),
]
