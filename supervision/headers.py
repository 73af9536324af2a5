"""Response headers the browser enforces, beside the CSP (django-csp) and Referrer-Policy (Django)."""
from django.conf import settings


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` from settings.PERMISSIONS_POLICY (feature → allow-list) on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}={allow}" for feature, allow in settings.PERMISSIONS_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
