"""One log line per request — request id, school schema, user id, status, time — and the request
id on every other line logged while the request runs (errors with their tracebacks included).

Only ids go into the log: never a user's or a pupil's name, never a query string (search boxes
carry names)."""

import contextvars
import json
import logging
import re
import time
import uuid

request_id_var = contextvars.ContextVar("request_id", default="-")
logger = logging.getLogger("district_portal.requests")
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    FIELDS = ("request_id", "method", "path", "status", "duration_ms", "schema", "user_id")

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in self.FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # A reverse proxy's id is kept, so one request can be followed from proxy to app.
        offered = request.headers.get("X-Request-ID", "")
        request_id = offered if _ACCEPTED_ID.match(offered) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.monotonic()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            tenant = getattr(request, "tenant", None)
            user = getattr(request, "user", None)
            fields = {
                "request_id": request_id,
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "schema": getattr(tenant, "schema_name", "-"),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            }
            logger.info(
                "%(method)s %(path)s %(status)s %(duration_ms)sms schema=%(schema)s user=%(user_id)s", fields,
                extra=fields,
            )  # fmt: skip
            request_id_var.reset(token)
