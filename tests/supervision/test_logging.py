"""Logs an operator can ship: one JSON line per record, carrying the request id the response returns."""
import io
import json
import logging
import logging.config
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings


@pytest.fixture
def json_stream():
    """The settings' LOGGING applied for real; its one console handler writes into a buffer."""
    logging.config.dictConfig(django_settings.LOGGING)
    buffer = io.StringIO()
    handlers = [h for name in ("", "django", "django.request", "supervision.request")
                for h in logging.getLogger(name).handlers]
    for handler in handlers:
        handler.setStream(buffer)
    yield lambda: [line for line in buffer.getvalue().splitlines() if line.strip()]
    logging.config.dictConfig(django_settings.LOGGING)


@pytest.mark.parametrize("debug", ["true", "false"])
def test_one_log_call_writes_one_json_line_even_through_djangos_own_logger(debug):
    # A fresh process with the settings' logging as a server has it (DEBUG on gave two lines before).
    root = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "DEBUG": debug, "LOG_FORMAT": "json"}
    code = "import logging; logging.getLogger('django.request').error('只写一次')"
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120)

    lines = [line for line in (result.stdout + result.stderr).splitlines() if "只写一次" in line]
    assert len(lines) == 1, result.stderr
    record = json.loads(lines[0])
    assert record["level"] == "ERROR" and record["logger"] == "django.request" and record["time"]


@pytest.mark.django_db
def test_access_line_is_json_with_the_request_id_of_the_response_header(json_stream, client, world):
    admin = world["admin_a"]
    client.force_login(admin)
    response = client.get("/office/", HTTP_X_REQUEST_ID="req-from-proxy-0001")

    assert response["X-Request-ID"] == "req-from-proxy-0001"
    lines = [json.loads(line) for line in json_stream() if line.startswith("{")]
    access = [r for r in lines if r["logger"] == "supervision.request"]
    assert len(access) == 1
    assert access[0]["request_id"] == "req-from-proxy-0001"
    assert access[0]["user_id"] == admin.pk
    assert access[0]["method"] == "GET" and access[0]["path"] == "/office/"
    assert access[0]["status"] == 200 and access[0]["duration_ms"] >= 0


@pytest.mark.django_db
def test_an_insane_request_id_header_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="x" * 500 + "\n")

    assert len(response["X-Request-ID"]) == 32
