"""The API's tokens: POST /api/v1/auth/token/ (log in with a password, behind the lockout, for a new
named token) and /api/v1/auth/tokens/ (a login's own tokens: list, create, revoke)."""
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from supervision.accounts.lockout import api_locked_response

from . import selectors, services
from .choices import TokenStatus
from .models import ApiToken


class TokenRequestSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, help_text=_("令牌名称，如“手机App”；不填为“API”。")
    )
    days = serializers.IntegerField(
        min_value=1, max_value=services.MAX_DAYS, required=False,
        help_text=_("有效天数（1–365），不填为系统默认（90 天）。"),
    )


class LoginSerializer(TokenRequestSerializer):
    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, style={"input_type": "password"}, trim_whitespace=False)

    def validate(self, attrs):
        user = authenticate(request=self.context.get("request"), username=attrs["username"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError(_("用户名或密码不正确。"), code="authorization")
        attrs["user"] = user
        return attrs


class ApiTokenSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=TokenStatus.choices, read_only=True)
    status_label = serializers.SerializerMethodField()
    last_used_address = serializers.SerializerMethodField(
        help_text=_("最近使用的网络地址：只有可查阅该督导室审计日志的用户可见，其他人为空。")
    )

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "last_used_address",
                  "revoked_at", "status", "status_label"]
        read_only_fields = fields

    def get_status_label(self, token) -> str:
        return str(token.status.label)

    def get_last_used_address(self, token) -> str | None:
        return token.last_used_address if self.context.get("addresses_shown") else None


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    token = serializers.SerializerMethodField(help_text=_("令牌本身，只在创建时返回这一次，请妥善保存。"))

    class Meta(ApiTokenSerializer.Meta):
        fields = ["token", *ApiTokenSerializer.Meta.fields]
        read_only_fields = fields

    def get_token(self, token) -> str:
        return self.context["key"]


def created_response(token: ApiToken, key: str, status_code=status.HTTP_200_OK) -> Response:
    return Response(ApiTokenCreatedSerializer(token, context={"key": key}).data, status=status_code)


class ObtainToken(APIView):
    """Log in with username and password for a new named token (its key is in ``token``)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    serializer_class = LoginSerializer

    @extend_schema(request=LoginSerializer, responses=ApiTokenCreatedSerializer, summary=_("登录并获取API令牌"))
    def post(self, request):
        username = request.data.get("username")
        locked = api_locked_response(request._request, username)
        if locked:
            return locked
        serializer = LoginSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # The failure that reaches the limit answers with the lock, not "wrong password".
            locked = api_locked_response(request._request, username)
            if locked:
                return locked
            raise serializers.ValidationError(serializer.errors)
        data = serializer.validated_data
        token, key = services.token_create(
            owner=data["user"], name=data.get("name", ""), days=data.get("days"), request=request._request
        )
        return created_response(token, key)


obtain_token = ObtainToken.as_view()


@extend_schema_view(
    list=extend_schema(summary=_("我的API令牌")),
    create=extend_schema(request=TokenRequestSerializer, responses={201: ApiTokenCreatedSerializer},
                         summary=_("创建API令牌")),
    destroy=extend_schema(responses={204: None}, summary=_("撤销API令牌")),
)
class ApiTokenViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                      viewsets.GenericViewSet):
    """The caller's own tokens, newest first; DELETE revokes one (it stays listed as revoked)."""

    serializer_class = ApiTokenSerializer
    queryset = ApiToken.objects.none()  # the schema's model; the real one is get_queryset's
    pagination_class = None  # a login holds a handful

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApiToken.objects.none()
        return selectors.tokens_of(owner=self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request is not None and self.request.user.is_authenticated:
            context["addresses_shown"] = selectors.addresses_shown(viewer=self.request.user, owner=self.request.user)
        return context

    def create(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, key = services.token_create(owner=request.user, **serializer.validated_data, request=request._request)
        return created_response(token, key, status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        services.token_revoke(token=self.get_object(), actor=request.user, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router) -> None:
    router.register("auth/tokens", ApiTokenViewSet, basename="api-token-own")
