from rest_framework import generics
from rest_framework.permissions import IsAuthenticated

from api.permissions import SiteAccess
from api.serializers import MembershipSerializer, SchoolSerializer
from oversight.selectors import schools_overview
from tenants.access import DISTRICT


class SchoolList(generics.ListAPIView):
    """Schools of the district (district site)."""

    site_access = DISTRICT
    permission_classes = [IsAuthenticated, SiteAccess]
    serializer_class = SchoolSerializer

    def get_queryset(self):
        return schools_overview().order_by("name")


class MyMembership(generics.RetrieveAPIView):
    """The caller's membership in this school (school site)."""

    permission_classes = [IsAuthenticated, SiteAccess]
    serializer_class = MembershipSerializer

    def get_object(self):
        return self.request.user.membership_in(self.request.school)
