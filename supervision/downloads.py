"""File downloads (job files, 报送 packages, evidence, exports) take the API's credentials too.

The API hands out ``download_url``s that point at these pages, so a script holding an API token
(``Authorization: Token <key>``) must be able to fetch them. The view's own scope checks stay the
only permission checks: the token only says who is asking.
"""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.settings import api_settings


def login_or_token_required(view):
    """The page's ``login_required``, also accepting what the API accepts (token or session).

    Without credentials the browser goes to the login page; credentials that do not hold (a made-up
    or deactivated token) answer 401 like the API, since a script cannot follow a login redirect.
    """
    page = login_required(view)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        authenticators = [auth() for auth in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
        api_request = Request(request, authenticators=authenticators)
        try:
            user = api_request.user  # also sets request.user to whoever the credentials name
        except exceptions.APIException as exc:
            response = JsonResponse({"detail": exc.detail}, status=exc.status_code)
            if isinstance(exc, exceptions.AuthenticationFailed):
                response.status_code = 401
                response["WWW-Authenticate"] = authenticators[0].authenticate_header(request)
            return response
        request.user = user
        return page(request, *args, **kwargs)

    return wrapped


def private_file(response, *, inline: bool):
    """A stored upload as served to the one user allowed to see it: never sniffed, cached only by
    their browser, and a downloaded document sandboxed (never rendered as a page of this site)."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    if not inline:
        response["Content-Security-Policy"] = "sandbox"
    return response
