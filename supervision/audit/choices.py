from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出登录")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    OTP_ENROL = "otp_enrol", _("绑定动态口令")
    OTP_REMOVE = "otp_remove", _("解绑动态口令")
    PERMISSION_CHANGE = "permission_change", _("权限变更")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    EXPORT = "export", _("导出")
    DOWNLOAD = "download", _("下载")
    TOKEN_CREATE = "token_create", _("创建API令牌")
    TOKEN_REVOKE = "token_revoke", _("撤销API令牌")
