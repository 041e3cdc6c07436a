from django.urls import include, path
from rest_framework.routers import DefaultRouter

from api import campaigns, views
from api.schema import schema_view

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("campaigns", campaigns.CampaignViewSet, basename="api-campaign")
router.register("submissions", campaigns.SubmissionViewSet, basename="api-submission")

urlpatterns = [
    path("v1/schools/", views.SchoolList.as_view(), name="api-schools"),
    path("v1/", include(router.urls)),
    path("schema/", schema_view("district_portal.urls_district"), name="api-schema"),
]
