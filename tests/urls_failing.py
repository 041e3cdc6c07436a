"""The district URLs plus one page that fails, for the error-logging test."""

from django.urls import path

from district_portal.urls_district import urlpatterns as district_urlpatterns


def broken_page(request):
    raise RuntimeError("a bug in a page, with a secret detail")


urlpatterns = [path("broken/", broken_page), *district_urlpatterns]
