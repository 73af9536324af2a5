"""Deployment checks: the production configuration is sound before anyone deploys it.

Each check runs manage.py in a fresh process with production environment variables, because
settings.py reads the environment once, at import.
"""
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="duban.example.gov.cn",
        CSRF_TRUSTED_ORIGINS="https://duban.example.gov.cn",
        SITE_URL="https://duban.example.gov.cn",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL="sqlite://:memory:",
    )
    for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
                 "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "STATICFILES_BACKEND", "STATIC_ROOT"):
        env.pop(name, None)
    env.update(extra)
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_production_settings_pass_djangos_deployment_checklist_without_a_single_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=_production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_short_or_default_secret_key_is_flagged_by_the_deployment_checklist():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env=_production_env(SECRET_KEY="too-short")
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_production_uses_whitenoise_compressed_manifest_storage_for_static_files():
    code = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    result = _manage("shell", "-c", code, env=_production_env())

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_every_static_file_collects_under_hashed_names_with_no_dangling_references(tmp_path):
    # The manifest pass (the part of production storage that rewrites url() and sourceMappingURL
    # references) fails on a vendored file pointing at a missing source map or font. WhiteNoise's
    # compression of the same files adds a minute and nothing that can break, so it is left out.
    env = _production_env(
        STATIC_ROOT=str(tmp_path),
        STATICFILES_BACKEND="django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    )
    result = _manage("collectstatic", "--noinput", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", manifest["css/app.css"])
    assert "vendor/bootstrap/bootstrap.min.css" in manifest
    assert "vendor/htmx/htmx.min.js" in manifest
    for hashed in manifest.values():
        assert (tmp_path / hashed).is_file(), hashed


def test_vendored_scripts_and_stylesheets_carry_no_source_map_comments():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "static").rglob("*")
        if path.suffix in {".js", ".css"} and "sourceMappingURL" in path.read_text(errors="ignore")
    ]

    assert offenders == []


def test_docker_compose_runs_postgres_redis_web_worker_and_beat_with_media_never_published():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]

    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "gunicorn supervision.wsgi" in " ".join(services["web"]["command"])
    assert "migrate" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "supervision", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "supervision", "beat"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
        assert "media:/app/media" in services[name]["volumes"]
    assert {"pgdata", "media"} <= set(compose["volumes"])
    # Only the web port is published; nothing maps the media folder to a URL.
    published = [name for name, svc in services.items() if svc.get("ports")]
    assert published == ["web"]


def test_env_example_documents_every_variable_the_settings_read():
    settings_source = (ROOT / "supervision" / "settings.py").read_text()
    read = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]*)\"", settings_source))
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))

    assert read, "no env() calls found in settings.py"
    assert sorted(read - documented) == []


def test_gunicorn_names_no_product_or_version_and_the_page_carries_the_browser_policy(tmp_path):
    # A real gunicorn with the project's config file, production settings, on a private port.
    import socket
    import time
    import urllib.request

    port = 18431
    env = _production_env(SECURE_SSL_REDIRECT="false", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
                          ALLOWED_HOSTS="127.0.0.1", REDIS_URL="")
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "supervision.wsgi:application", "-c", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
            headers = response.headers
    finally:
        proc.terminate()
        proc.wait(10)

    assert headers["Server"] == "web"
    assert "gunicorn" not in str(headers).lower()
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=(self)" in headers["Permissions-Policy"]
