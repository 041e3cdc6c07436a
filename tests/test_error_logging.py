"""An error in a page: the user sees the plain 500 page; the traceback goes to the log, with the
request's id on the error and on its one request line."""

import logging

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def logged():
    """What the project's two loggers emit (they do not propagate to the root, where caplog is)."""
    collect = Collect()
    loggers = [logging.getLogger("django.request"), logging.getLogger("district_portal.requests")]
    for logger in loggers:
        logger.addHandler(collect)
    yield collect.records
    for logger in loggers:
        logger.removeHandler(collect)


@override_settings(PUBLIC_SCHEMA_URLCONF="tests.urls_failing", DEBUG=False)
def test_a_failing_page_logs_its_traceback_and_shows_none(logged, client_for):
    client = client_for("bureau_admin")
    client.raise_request_exception = False
    response = client.get("/broken/", HTTP_X_REQUEST_ID="err-trace-12345678")
    assert response.status_code == 500
    page = response.content.decode()
    assert "RuntimeError" not in page and "secret detail" not in page and "Traceback" not in page
    assert response["X-Request-ID"] == "err-trace-12345678"
    (error,) = [r for r in logged if r.name == "django.request" and r.levelno == logging.ERROR]
    assert error.exc_info and "secret detail" in str(error.exc_info[1])
    (line,) = [r for r in logged if r.name == "district_portal.requests"]
    assert line.status == 500 and line.request_id == "err-trace-12345678" and line.user_id is not None
