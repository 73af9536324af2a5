"""``Authorization: Token <key>`` for the API and file downloads: the named, expiring tokens of
``ApiToken`` in place of DRF's one eternal token per user. The header clients send is unchanged."""
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from supervision import clock

from . import selectors, services
from .choices import TokenStatus


class ApiTokenAuthentication(TokenAuthentication):
    """Refuses (401, in Chinese) a key that is unknown, revoked or expired, or whose login is
    deactivated; stamps the last use at most once a minute."""

    keyword = "Token"

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            services.token_touch(token=result[1], request=request)
        return result

    def authenticate_credentials(self, key):
        token = selectors.token_by_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("认证令牌无效。"))
        status = token.status
        if status == TokenStatus.REVOKED:
            raise exceptions.AuthenticationFailed(_("该API令牌已被撤销，请重新获取令牌。"))
        if status == TokenStatus.EXPIRED:
            raise exceptions.AuthenticationFailed(
                _("该API令牌已于 %(time)s 过期，请重新获取令牌。")
                % {"time": clock.localtime(token.expires_at).strftime("%Y-%m-%d %H:%M")}
            )
        if not token.owner.is_active:
            raise exceptions.AuthenticationFailed(_("用户已停用或被删除。"))
        return token.owner, token
