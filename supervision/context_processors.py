from .access import user_roles
from .choices import Role


def workspace(request):
    """Roles of the signed-in user, for the navigation bar."""
    roles = user_roles(request.user) if hasattr(request, "user") else set()
    return {"roles": roles, "Role": Role}
