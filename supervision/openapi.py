"""The OpenAPI schema tells the truth about errors: a drf-spectacular postprocessing hook
(SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]) documents on every operation the error answers
the API really gives, with their JSON bodies, instead of 114 views each repeating them.

The bodies: DRF's ``{"detail": "…"}`` for 401/403/404/429 (``supervision.errors`` answers the
same shape outside DRF), the field errors of a 400 (``{"field": ["…"]}``, ``non_field_errors``
for a service's domain error, see ``supervision.api.exception_handler``), and
``{"detail": "…", "error_id": "…"}`` for a 500 (``supervision.requestlog``).
"""
from django.utils.translation import gettext_lazy as _

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "说明（中文）"}},
    "required": ["detail"],
}
COMPONENTS = {
    "ErrorDetail": DETAIL,
    # A field's messages, a nested serializer's field errors, or ParseError's {"detail": "…"}.
    "ValidationErrors": {
        "type": "object",
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {}},
                {"type": "object"},
                {"type": "string"},
            ]
        },
    },
    "ServerError": {
        "type": "object",
        "properties": {
            "detail": {"type": "string"},
            "error_id": {"type": "string", "description": "错误编号：与访问日志的 request_id 相同"},
        },
        "required": ["detail", "error_id"],
    },
}
ERRORS = {
    "400": (_("输入有误：各字段的错误信息，或 non_field_errors。"), "ValidationErrors"),
    "401": (_("未登录或令牌无效。"), "ErrorDetail"),
    "403": (_("没有执行该操作的权限。"), "ErrorDetail"),
    "404": (_("不存在，或不在您的权限范围内。"), "ErrorDetail"),
    "500": (_("服务器内部错误，附错误编号。"), "ServerError"),
}
LOCKED = (_("登录失败次数过多，账号已锁定。"), "ErrorDetail")
# The operations that answer 429: the logins, behind the lockout (supervision.accounts.lockout).
LOCKOUT_PATHS = {"/api/v1/auth/token/"}
METHODS = {"get", "put", "patch", "post", "delete"}


def _response(description, component) -> dict:
    return {
        "description": str(description),
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def _needs_login(operation: dict) -> bool:
    # drf-spectacular lists {} among the security requirements of an AllowAny view.
    return {} not in operation.get("security", [{}])


def _blank_emails(schemas: dict) -> None:
    """Every e-mail the API shows may be blank (Office.email and User.email are ``blank=True``):
    a shown ``format: email`` also takes ""."""
    for component in schemas.values():
        for prop in component.get("properties", {}).values():
            if prop.get("format") == "email" and prop.get("readOnly"):
                del prop["format"]
                prop["anyOf"] = [{"format": "email"}, {"maxLength": 0}]


def document_errors(result, generator, request, public):
    """POSTPROCESSING_HOOKS: the error answers of every operation; an answer a view documents itself
    stays, and a 400 of its own may still be a field error of its input (the view's serializer)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(COMPONENTS)
    _blank_emails(schemas)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            errors = dict(ERRORS)
            if not _needs_login(operation):
                del errors["401"], errors["403"]
            if path in LOCKOUT_PATHS:
                errors["429"] = LOCKED
            responses = operation.setdefault("responses", {})
            own = responses.get("400", {}).get("content", {}).get("application/json")
            if own and "schema" in own:
                own["schema"] = {"anyOf": [own["schema"], {"$ref": "#/components/schemas/ValidationErrors"}]}
            for code, (description, component) in errors.items():
                responses.setdefault(code, _response(description, component))
    return result
