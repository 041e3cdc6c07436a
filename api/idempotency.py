"""Idempotency keys: a retried POST with the same `Idempotency-Key` gets the first answer back and
creates nothing new. Works for every create and submit endpoint under /api/, because it sits in
front of them as middleware; keys are scoped to the host and the caller (session user or token).

The key remembers a hash of the request body: the same key with another body is refused (422),
never answered with the first answer. A school's records live in that school's own schema (the
answers hold pupils' names), the district site's in public; both expire after
IDEMPOTENCY_TTL_HOURS (24 by default)."""

import datetime as dt
import hashlib

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import IdempotencyRecord as DistrictRecord
from schools.models import IdempotencyRecord as SchoolRecord

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


def _body_hash(request) -> str:
    digest = hashlib.sha256(request.META.get("CONTENT_TYPE", "").encode() + b"\n")
    try:
        digest.update(request.body)
    except RequestDataTooBig:
        # A large upload is not read into memory here; its length stands in for its content.
        digest.update(f"length:{request.META.get('CONTENT_LENGTH', '')}".encode())
    except RawPostDataException:
        # An upload already streamed into request.POST/FILES: its fields and files' names and sizes
        # stand in for the raw bytes.
        for key, values in sorted(request.POST.lists()):
            digest.update(f"{key}={values!r}\n".encode())
        for key, files in sorted(request.FILES.lists()):
            digest.update(f"{key}:{[(f.name, f.size) for f in files]!r}\n".encode())
    return digest.hexdigest()


def record_model():
    """Where this site's records live: the school's own schema on a school host, else public."""
    return DistrictRecord if connection.schema_name == "public" else SchoolRecord


def expiry_cutoff():
    return timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)


def purge_expired() -> int:
    """Delete this schema's expired records (run on each new key, so the table stays small)."""
    deleted, _ = record_model().objects.filter(created_at__lt=expiry_cutoff()).delete()
    return deleted


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
        model = record_model()
        body_hash = _body_hash(request)
        purge_expired()
        try:
            with transaction.atomic():
                record = model.objects.create(scope=scope, key=key, path=request.path, body_hash=body_hash)
        except IntegrityError:
            return self._replay(model, scope, key, request.path, body_hash)
        response = self.get_response(request)
        if response.status_code >= 500:
            record.delete()  # a failure is not an answer: let the retry run
            return response
        response_body = (
            response.rendered_content if hasattr(response, "rendered_content") else response.content
        )
        model.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            content_type=response.get("Content-Type", ""),
            body=response_body,
        )
        return response

    @staticmethod
    def _replay(model, scope, key, path, body_hash):
        record = model.objects.get(scope=scope, key=key)
        if record.path != path:
            return _error(_("这个 Idempotency-Key 已用于另一个请求，请换一个新的。"), 422)
        if record.body_hash != body_hash:
            return _error(
                _(
                    "这个 Idempotency-Key 已用于内容不同的请求。重试时请发送完全相同的内容，或换一个新的 Idempotency-Key。"
                ),
                422,
            )
        if record.status_code is None:
            return _error(_("同一请求正在处理中，请稍后重试。"), 409)
        response = HttpResponse(
            bytes(record.body), status=record.status_code, content_type=record.content_type
        )
        response["Idempotent-Replay"] = "true"
        return response


def _error(message, status):
    return JsonResponse({"code": "idempotency", "message": message, "errors": {}}, status=status)
