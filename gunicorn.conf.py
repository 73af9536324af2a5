"""gunicorn settings for the web service (Dockerfile and docker-compose.yml use ``-c gunicorn.conf.py``)."""
import gunicorn.http.wsgi

bind = "0.0.0.0:8000"
timeout = 120
# The app writes one JSON access line per request (supervision.requestlog); gunicorn's own would be a second.
accesslog = None
errorlog = "-"
# The Server header names no product and no version.
gunicorn.http.wsgi.SERVER = "web"
