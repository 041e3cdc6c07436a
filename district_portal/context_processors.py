from django.conf import settings

from district_portal.urls_helpers import district_url


def site(request):
    school = getattr(request, "school", None)
    return {
        "site_school": school,
        "is_district_site": school is None,
        "district_name": settings.DISTRICT_NAME,
        "district_home": district_url(),
        # Read lazily: the gate sets it while the view runs, after this processor is called.
        "privacy_confirm_token": pending_confirm_token,
    }


def pending_confirm_token() -> str:
    from schools.privacy.gate import pending_token

    return pending_token.get()
