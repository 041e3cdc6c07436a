from rest_framework import generics
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.views import APIView

from api.permissions import SiteAccess
from api.serializers import MembershipSerializer, SchoolSerializer
from oversight.selectors import schools_overview
from tenants.access import DISTRICT, PUBLIC


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


class NoSuchEndpoint(APIView):
    """Any other path under /api/: a 404 in the API's error shape instead of the HTML page.
    Unnamed in the URL confs: it shows nothing to anyone, so it needs no rule in the isolation suite."""

    site_access = PUBLIC
    authentication_classes = []
    permission_classes = [AllowAny]
    schema = None  # not an operation of the API

    def initial(self, request, *args, **kwargs):
        raise NotFound()
