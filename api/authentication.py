from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from api.models import ApiToken


class SiteBoundTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`; the token must belong to this site (school or district)."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("令牌格式错误。"))
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(header[1].decode(errors="ignore")), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("令牌无效或已吊销。"))
        school = getattr(request._request, "school", None)
        if (token.school_id or None) != (school.pk if school else None):
            raise exceptions.PermissionDenied(_("此令牌不适用于本站点。"))
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
