"""Issuing and revoking personal API tokens (one action each, audited on the district log)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ApiToken
from schools.privacy.gate import refuse_identifying
from tenants import audit

MAX_ACTIVE = 10


@transaction.atomic(durable=True)
def issue_token(*, acting_user, school, name: str) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("请填写令牌用途，例如“台账导入脚本”。"))
    refuse_identifying(school, name=name)
    if ApiToken.objects.filter(user=acting_user, revoked_at__isnull=True).count() >= MAX_ACTIVE:
        raise ValidationError(_("您已有 %(n)s 个有效令牌，请先吊销不用的令牌。") % {"n": MAX_ACTIVE})
    token, key = ApiToken.issue(user=acting_user, school=school, name=name[:100])
    audit.record(actor=acting_user, action="api_token.issued", obj=token, school=school,
                 changes={"name": token.name, "prefix": token.prefix})  # fmt: skip
    return token, key


@transaction.atomic(durable=True)
def revoke_token(*, acting_user, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=acting_user, action="api_token.revoked", obj=token, school=token.school)
    return token


def tokens_page(request):
    """The user's tokens for this site; a new key is shown once, right after it is made."""
    school = getattr(request, "school", None)
    new_key, error = None, None
    if request.method == "POST" and "revoke" in request.POST:
        # Only this user's tokens on this site; anything else (a malformed id included) is one refusal.
        pk = request.POST["revoke"].strip()
        token = (
            ApiToken.objects.filter(pk=pk, user=request.user, school=school).first() if pk.isdigit() else None
        )
        if token is not None:
            revoke_token(acting_user=request.user, token=token)
            return redirect("api-tokens")
        error = _("未找到要撤销的令牌，请刷新页面后重试。")
    elif request.method == "POST":
        try:
            _token, new_key = issue_token(
                acting_user=request.user, school=school, name=request.POST.get("name", "")
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    tokens = ApiToken.objects.filter(user=request.user, school=school)
    return render(request, "api/tokens.html", {"tokens": tokens, "new_key": new_key, "error": error},
                  status=400 if error else 200)  # fmt: skip
