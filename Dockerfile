# Production image for 督导系统: gunicorn (web), celery worker and celery beat all run from it.
# See docker-compose.yml and README "Running for real".
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# WeasyPrint needs Pango; PDFs and posters need CJK fonts; libharfbuzz-subset0 keeps CJK font
# subsetting fast; gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# Translations and static files are built into the image (the key only satisfies settings.py).
RUN set -e; \
    export DEBUG=false SECRET_KEY=build-only-not-secret DATABASE_URL=sqlite:///:memory: STATIC_ROOT=/app/staticfiles; \
    if find . -path '*/locale/*' -name '*.po' | grep -q .; then python manage.py compilemessages --verbosity 0; fi; \
    python manage.py collectstatic --noinput --verbosity 0

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /app/media /app/var \
    && chown -R app:app /app/media /app/var
USER app

ENV DEBUG=false MEDIA_ROOT=/app/media STATIC_ROOT=/app/staticfiles
EXPOSE 8000
CMD ["gunicorn", "supervision.wsgi:application", "-c", "gunicorn.conf.py"]
