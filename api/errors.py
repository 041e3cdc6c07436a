"""One error shape for the whole API: {"code", "message", "errors"}, message in the request's language.

Actions raise Django's ValidationError; a stale edit becomes 409 and an edit without its version
428, so clients can tell them apart."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from schools.editing import MissingVersion, StaleEdit

log = logging.getLogger("django.request")


# Messages that DRF or Django give in English (or mistranslate), keyed by their error code.
MESSAGES_BY_CODE = {
    "null_characters_not_allowed": _lazy("不能包含空字符（\\x00）。"),
}


def _message(item) -> str:
    return str(MESSAGES_BY_CODE.get(getattr(item, "code", None), item))


def _field_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Nested errors (a dict field, a list of objects) flattened into field paths such as
    "sections.work" or "items.2.name", each with its list of messages."""
    if isinstance(detail, dict):
        errors = {}
        for key, value in detail.items():
            errors.update(_field_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return errors
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [_message(item) for item in detail]} if detail else {}
        errors = {}
        for index, item in enumerate(detail):
            errors.update(_field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return errors
    return {prefix or "non_field_errors": [_message(detail)]}


def handle(exc, context):
    # Django's own 404 and 403 (get_object_or_404, …) get the same shape as DRF's. Http404's text
    # names the model in English ("No Activity matches the given query."): say "not found" instead.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if isinstance(exc, StaleEdit):
        return Response(
            {
                "code": "stale",
                "message": exc.messages[0],
                "errors": {},
                "current_version": exc.current_version,
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, MissingVersion):
        return Response(
            {"code": "version_required", "message": exc.messages[0], "errors": {"version": exc.messages}},
            status=status.HTTP_428_PRECONDITION_REQUIRED,
        )
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {}
        messages = exc.messages
        body = {"code": "invalid", "message": "；".join(messages), "errors": errors}
        if getattr(exc, "confirm_token", ""):
            # Unknown-name warnings of the privacy gate: sent back in X-Privacy-Confirm, they pass.
            body["code"], body["confirm_token"] = "confirm_names", exc.confirm_token
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    response = exception_handler(exc, context)
    if response is None:
        # Anything unexpected: logged with its traceback like any 500, answered in the same shape.
        log.error("Internal Server Error: %s", context["request"].path, exc_info=exc,
                  extra={"status_code": 500, "request": context["request"]})  # fmt: skip
        set_rollback()
        return Response(
            {
                "code": "server_error",
                "message": _("服务器内部错误，请稍后重试；如仍出错请联系管理员。"),
                "errors": {},
            },
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        message = _("提交的数据有误，请检查。")
        if isinstance(exc.detail, list) and all(not isinstance(m, dict | list) for m in exc.detail):
            message = "；".join(_message(m) for m in exc.detail)
            errors = {}
        else:
            errors = _field_errors(exc.detail)
        response.data = {"code": "invalid", "message": message, "errors": errors}
    elif isinstance(exc, exceptions.ParseError):
        # DRF's text carries Python's own parser message, in English.
        response.data = {"code": "parse_error", "errors": {},
                         "message": _("请求内容无法解析：请发送有效的 JSON，并与 Content-Type 一致。")}  # fmt: skip
    elif isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        response.data = {"code": "csrf_failed", "errors": {}, "message": _(
            "CSRF 校验失败：网页请刷新后重试；脚本请用 API 令牌（Authorization: Token …）而不是登录会话。")}  # fmt: skip
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        response.data = {"code": exc.get_codes() if isinstance(exc.get_codes(), str) else "error",
                         "message": str(detail), "errors": {}}  # fmt: skip
    return response
