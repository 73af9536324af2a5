"""An unexpected error never shows a traceback: a Chinese page or JSON, with an error id the log has."""
import logging

import pytest
from django.urls import path

from supervision import urls as root_urls


def boom(request):
    raise RuntimeError("secret-internal-detail")


urlpatterns = [path("boom/", boom), path("api/v1/boom/", boom)] + root_urls.urlpatterns
handler404 = root_urls.handler404
handler500 = root_urls.handler500


@pytest.fixture
def raising(settings):
    settings.ROOT_URLCONF = __name__


@pytest.mark.django_db
def test_a_page_that_raises_answers_a_chinese_500_with_the_error_id_that_the_log_records(raising, client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="supervision.errors"):
        response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器内部错误" in html and "Traceback" not in html and "secret-internal-detail" not in html
    error_id = response["X-Request-ID"]
    assert error_id in html
    records = [r for r in caplog.records if r.name == "supervision.errors"]
    assert len(records) == 1 and records[0].error_id == error_id and records[0].exc_info


@pytest.mark.django_db
def test_an_api_view_that_raises_answers_json_with_a_chinese_message_and_error_id(raising, client):
    client.raise_request_exception = False
    response = client.get("/api/v1/boom/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"].startswith("服务器内部错误") and body["error_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_unknown_api_path_answers_json_404_and_unknown_page_a_chinese_page(client):
    api = client.get("/api/v1/no-such-thing/")
    page = client.get("/no-such-page/")

    assert api.status_code == 404 and api.json() == {"detail": "未找到。"}
    assert page.status_code == 404 and "页面不存在" in page.content.decode()


def test_debug_is_off_unless_the_environment_turns_it_on():
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp"}
    code = "from django.conf import settings; print(settings.DEBUG)"
    out = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=root, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "False", out.stderr


@pytest.mark.django_db
def test_a_missing_object_stays_a_chinese_404_not_a_500(admin_client):
    response = admin_client.get("/zones/999999/")

    assert response.status_code == 404 and "页面不存在" in response.content.decode()
