"""Idempotency keys: a retried POST with the same `Idempotency-Key` gets the first answer back and
creates nothing new. Works for every create and submit endpoint under /api/, because it sits in
front of them as middleware; keys are scoped to the host and the caller (session user or token)."""

import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from api.models import IdempotencyRecord

HEADER = "HTTP_IDEMPOTENCY_KEY"


def _scope(request) -> str | None:
    credential = request.META.get("HTTP_AUTHORIZATION", "")
    if not credential:
        if not request.user.is_authenticated:
            return (
                None  # anonymous callers (the public mailbox) get no replay: a key must not unlock a receipt
            )
        credential = f"user:{request.user.pk}"
    return hashlib.sha256(f"{request.get_host()}|{credential}".encode()).hexdigest()


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get(HEADER, "").strip()
        if request.method != "POST" or not key or not request.path.startswith("/api/"):
            return self.get_response(request)
        scope = _scope(request)
        if scope is None:
            return self.get_response(request)
        if len(key) > 100:
            return _error(_("Idempotency-Key 不能超过 100 个字符。"), 400)
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(scope=scope, key=key, path=request.path)
        except IntegrityError:
            return self._replay(scope, key, request.path)
        response = self.get_response(request)
        if response.status_code >= 500:
            record.delete()  # a failure is not an answer: let the retry run
            return response
        response_body = (
            response.rendered_content if hasattr(response, "rendered_content") else response.content
        )
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            body=response_body,
        )
        return response

    @staticmethod
    def _replay(scope, key, path):
        record = IdempotencyRecord.objects.get(scope=scope, key=key)
        if record.path != path:
            return _error(_("这个 Idempotency-Key 已用于另一个请求，请换一个新的。"), 422)
        if record.status_code is None:
            return _error(_("同一请求正在处理中，请稍后重试。"), 409)
        response = HttpResponse(
            bytes(record.body), status=record.status_code, content_type=record.content_type
        )
        response["Idempotent-Replay"] = "true"
        return response


def _error(message, status):
    return JsonResponse({"code": "idempotency", "message": message, "errors": {}}, status=status)
