"""REST API for logins: the users of the offices one administers, their roles, passwords and
deactivation, and a user changing their own password.

The rules are the users page's: an office admin manages the logins of their own office (office roles,
its supervisors, its schools' contacts) and nobody else's; a superuser is never managed here. Anything
outside that answers 404; creating a login without the admin role answers 403. Supervisors' logins
are made with their record (``/api/v1/supervisors/``, login = phone number, no password): their
password is then set or reset here, like anyone's.
"""
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from schools.models import School, SchoolUserObjectPermission

from . import access, selectors, services
from .accounts import selectors as token_selectors
from .accounts import services as token_services
from .accounts.api import ApiTokenSerializer
from .accounts import gate
from .api import ActionInputMixin, ScopedPrimaryKeyRelatedField
from .choices import Role
from .filters import UserFilter
from .models import Office, OfficeUserObjectPermission

User = get_user_model()

# Roles a login is given here; a supervisor's comes with their record in the roster.
GRANTABLE_ROLES = [(r.value, r.label) for r in (Role.OFFICE_ADMIN, Role.DIRECTOR, Role.VIEWER, Role.SCHOOL_USER)]
ROLE_ERRORS = {
    "invalid_choice": _("“{input}”不是可在此授予的角色。督学的登录账号在登记督学时创建。")
}


class UserRoleSerializer(serializers.Serializer):
    """One role and where it applies: an office (管理员、主任、上级督导室, 责任督学) or a school (学校联系人)."""

    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField()
    office = serializers.IntegerField(allow_null=True)
    office_name = serializers.CharField(allow_null=True)
    school = serializers.IntegerField(allow_null=True)
    school_name = serializers.CharField(allow_null=True)


def _role(role: str, *, office=None, school=None) -> dict:
    return {
        "role": role, "role_label": str(Role(role).label),
        "office": office.pk if office else None, "office_name": office.name if office else None,
        "school": school.pk if school else None, "school_name": school.name if school else None,
    }


class UserSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="first_name", read_only=True)
    supervisor = serializers.SerializerMethodField(help_text=_("督学编号(督学的登录账号)"))
    roles = serializers.SerializerMethodField()

    backfill_offices = serializers.SerializerMethodField(
        help_text=_("该用户可“补录”历史记录的督导室编号(管理员默认具有,也可单独授予)。")
    )

    class Meta:
        model = User
        fields = ["id", "username", "name", "email", "is_active", "last_login", "supervisor", "roles", "backfill_offices"]
        read_only_fields = fields

    def get_backfill_offices(self, user) -> list[int]:
        return sorted(p.content_object_id for p in user.managed_office_perms if p.permission.codename == access.BACKFILL)

    def get_supervisor(self, user) -> int | None:
        supervisor = getattr(user, "supervisor", None)
        return supervisor.pk if supervisor else None

    @extend_schema_field(UserRoleSerializer(many=True))
    def get_roles(self, user) -> list[dict]:
        """Roles within the offices the reader manages (the prefetches are limited to them)."""
        by_office: dict[Office, set[str]] = {}
        for perm in user.managed_office_perms:
            by_office.setdefault(perm.content_object, set()).add(perm.permission.codename)
        roles = []
        for office, codenames in sorted(by_office.items(), key=lambda item: item[0].division_code):
            roles += [_role(role, office=office) for role in access.office_roles_of(codenames)]
        supervisor = getattr(user, "supervisor", None)
        if supervisor is not None:
            roles.append(_role(Role.SUPERVISOR, office=supervisor.office))
        for perm in sorted(user.managed_school_perms, key=lambda p: p.content_object.code):
            roles.append(_role(Role.SCHOOL_USER, office=perm.content_object.office, school=perm.content_object))
        return roles


class UserCreateSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    name = serializers.CharField(max_length=50, help_text=_("姓名"))
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=GRANTABLE_ROLES, error_messages=ROLE_ERRORS)
    office = ScopedPrimaryKeyRelatedField(
        scope=access.offices_managed_by, queryset=Office.objects.none(), required=False, allow_null=True,
        help_text=_("督导室管理员、主任、上级督导室账号所属的督导室(您管理的督导室)。"),
    )
    school = ScopedPrimaryKeyRelatedField(
        scope=access.schools_managed_by, queryset=School.objects.none(), required=False, allow_null=True,
        help_text=_("学校联系人所属的学校(您管理的督导室的学校)。"),
    )
    password = serializers.CharField(
        required=False, allow_blank=True, write_only=True, style={"input_type": "password"},
        help_text=_("初始密码;不填则账号暂不能登录,可稍后设置或重置密码。"),
    )


class RoleInputSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=GRANTABLE_ROLES, error_messages=ROLE_ERRORS)
    office = ScopedPrimaryKeyRelatedField(
        scope=access.offices_managed_by, queryset=Office.objects.none(), required=False, allow_null=True
    )
    school = ScopedPrimaryKeyRelatedField(
        scope=access.schools_managed_by, queryset=School.objects.none(), required=False, allow_null=True
    )


class BackfillInputSerializer(serializers.Serializer):
    office = ScopedPrimaryKeyRelatedField(scope=access.offices_managed_by, queryset=Office.objects.none())
    granted = serializers.BooleanField(help_text=_("true 授予“补录”权限,false 收回。"))


class PasswordSetSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class PasswordResetSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    password = serializers.CharField(read_only=True, help_text=_("临时密码,只显示这一次,请转交本人并提醒其修改。"))


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(write_only=True, style={"input_type": "password"})
    new_password = serializers.CharField(write_only=True, style={"input_type": "password"})


class UserCreateWrites(permissions.BasePermission):
    """Creating a login needs the admin role on some office (403); everything else is limited by the
    queryset (the users of the offices one administers), so another office's user answers 404."""

    message = _("只有督导室管理员可以管理用户。")

    def has_permission(self, request, view):
        return view.action != "create" or access.offices_managed_by(request.user).exists()


@extend_schema_view(create=extend_schema(request=UserCreateSerializer, responses={201: UserSerializer}))
class UserViewSet(ActionInputMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Logins of the offices the user administers, with each one's roles and where they apply."""

    serializer_class = UserSerializer
    permission_classes = [permissions.IsAuthenticated, UserCreateWrites]
    filterset_class = UserFilter
    ordering = ["username"]

    def get_queryset(self):
        user = self.request.user
        offices = access.offices_managed_by(user)
        return (
            selectors.users_of_offices(offices=offices)
            .exclude(is_superuser=True)
            .select_related("supervisor__office")
            .prefetch_related(
                Prefetch(
                    "officeuserobjectpermission_set",
                    queryset=OfficeUserObjectPermission.objects.filter(content_object__in=offices.values("pk"))
                    .select_related("permission", "content_object"),
                    to_attr="managed_office_perms",
                ),
                Prefetch(
                    "schooluserobjectpermission_set",
                    queryset=SchoolUserObjectPermission.objects.filter(
                        content_object__office__in=offices.values("pk"), permission__codename=access.ACT_FOR_SCHOOL
                    ).select_related("content_object__office"),
                    to_attr="managed_school_perms",
                ),
            )
        )

    def _user_response(self, user, status_code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=user.pk)).data, status=status_code)

    def create(self, request):
        data = self._input(UserCreateSerializer)
        user = services.office_user_create(
            username=data["username"], name=data["name"], email=data["email"], password=data.get("password") or None,
            role=data["role"], office=data.get("office"), school=data.get("school"),
        )
        return self._user_response(user, status.HTTP_201_CREATED)

    @extend_schema(request=RoleInputSerializer, responses=UserSerializer, summary=_("授予角色"))
    @action(detail=True, methods=["post"])
    def grant(self, request, pk=None):
        target = self.get_object()
        data = self._input(RoleInputSerializer)
        services.role_grant(user=target, role=data["role"], office=data.get("office"), school=data.get("school"))
        return self._user_response(target)

    @extend_schema(request=RoleInputSerializer, responses=UserSerializer, summary=_("撤销角色"))
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        target = self.get_object()
        data = self._input(RoleInputSerializer)
        services.role_revoke(
            user=target, role=data["role"], office=data.get("office"), school=data.get("school"), actor=request.user
        )
        return self._user_response(target)

    @extend_schema(request=BackfillInputSerializer, responses=UserSerializer, summary=_("授予或收回“补录”权限"))
    @action(detail=True, methods=["post"])
    def backfill(self, request, pk=None):
        target = self.get_object()
        data = self._input(BackfillInputSerializer)
        services.backfill_grant(user=target, office=data["office"], granted=data["granted"])
        return self._user_response(target)

    @extend_schema(request=None, responses=UserSerializer, summary=_("停用账号"))
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        target = self.get_object()
        services.user_deactivate(user=target, actor=request.user)
        return self._user_response(target)

    @extend_schema(request=PasswordSetSerializer, responses={204: None}, summary=_("设置密码"))
    @action(detail=True, methods=["post"], url_path="password")
    def password(self, request, pk=None):
        target = self.get_object()
        services.user_password_set(user=target, password=self._input(PasswordSetSerializer)["password"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=PasswordResetSerializer, summary=_("重置密码(返回临时密码)"))
    @action(detail=True, methods=["post"], url_path="reset-password")
    def reset_password(self, request, pk=None):
        target = self.get_object()
        password = services.user_password_reset(user=target)
        return Response(PasswordResetSerializer({"username": target.username, "password": password}).data)

    @extend_schema(request=None, responses=ApiTokenSerializer(many=True), summary=_("该用户的API令牌"))
    @action(detail=True, methods=["get"], pagination_class=None)
    def tokens(self, request, pk=None):
        target = self.get_object()
        shown = token_selectors.addresses_shown(viewer=request.user, owner=target)
        tokens = token_selectors.tokens_of(owner=target)
        return Response(ApiTokenSerializer(tokens, many=True, context={"addresses_shown": shown}).data)

    @extend_schema(request=None, responses={204: None}, summary=_("撤销该用户的API令牌"))
    @action(detail=True, methods=["post"], url_path=r"tokens/(?P<token_id>[0-9]+)/revoke")
    def token_revoke(self, request, pk=None, token_id=None):
        target = self.get_object()
        token = get_object_or_404(token_selectors.tokens_of(owner=target), pk=token_id)
        token_services.token_revoke(token=token, actor=request.user, request=request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    """A logged-in user changes their own password (the old one, then the new one). A browser session
    stays logged in; the API token stays valid."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = PasswordChangeSerializer

    @extend_schema(request=PasswordChangeSerializer, responses={204: None}, summary=_("修改自己的密码"))
    def post(self, request):
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        state = services.user_password_change(user=request.user, **serializer.validated_data)
        if request.auth is None:  # logged in with the browser session: keep it, nothing more owed
            update_session_auth_hash(request, request.user)
            gate.password_changed(request, state)
        return Response(status=status.HTTP_204_NO_CONTENT)
