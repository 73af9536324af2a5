"""POST /api/v1/auth/token/: DRF's token login behind the lockout."""
from rest_framework.authtoken.views import ObtainAuthToken

from supervision.accounts.lockout import api_locked_response


class ObtainToken(ObtainAuthToken):
    def post(self, request, *args, **kwargs):
        username = request.data.get("username")
        locked = api_locked_response(request._request, username)
        if locked:
            return locked
        try:
            return super().post(request, *args, **kwargs)
        except Exception:
            # The failure that reaches the limit answers with the lock, not "wrong password".
            locked = api_locked_response(request._request, username)
            if locked:
                return locked
            raise


obtain_token = ObtainToken.as_view()
