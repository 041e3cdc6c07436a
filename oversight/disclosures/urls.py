from django.urls import path

from oversight.disclosures import views

urlpatterns = [
    path("", views.disclosure_list, name="disclosure-list"),
    path("new/", views.disclosure_new, name="disclosure-new"),
    path("<int:pk>/", views.disclosure_detail, name="disclosure-detail"),
    path("<int:pk>/revise/", views.disclosure_revise, name="disclosure-revise"),
    path("<int:pk>/sign-off/", views.disclosure_sign, name="disclosure-sign"),
    path("<int:pk>/publish/", views.disclosure_publish, name="disclosure-publish"),
    path("<int:pk>/withdraw/", views.disclosure_withdraw, name="disclosure-withdraw"),
]
public_urlpatterns = [
    path("", views.public_list, name="public-disclosures"),
    path("feed.atom", views.disclosure_feed, name="public-disclosure-feed"),
    path("<int:pk>/", views.public_detail, name="public-disclosure"),
]
