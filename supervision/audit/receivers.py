"""What the log hears: Django's login signals, password changes, and django-auditlog's entries for
every create/update/delete of the domain models (fed into the one chain by ``services.record``)."""
from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save

from . import services
from .choices import AuditAction
from .context import current_request

# The project's apps whose models are audited (create, update, delete with before → after).
AUDITED_APPS = ("supervision", "schools", "inspections", "reports")
# Machinery, not records: flood counters, a report job's progress, the inbox's read marks; API tokens
# are recorded as their own acts (created, revoked), never their hash or each use; a password's state
# (its changes and resets are audited as acts of their own, below).
NOT_AUDITED = {"supervision.Throttle", "reports.Job", "inspections.Notification", "accounts.ApiToken",
               "accounts.PasswordState"}
# Who may act for whom: a change of these is a permission change (guardian grants, zone assignments).
PERMISSION_MODELS = {
    "supervision.OfficeUserObjectPermission", "schools.SchoolUserObjectPermission",
    "supervision.ZoneAssignment", "audit.AuditorOffice",
}
# Secrets (a survey's codes and link tokens) and citizens' phone numbers: the log says they changed, not to what.
MASKED = {
    "surveys.AccessCode": ["code"], "surveys.SurveyLink": ["token"], "surveys.Response": ["access_code"],
    "complaints.Complaint": ["contact_phone"], "inspections.TicketEvent": ["ip_address"],
}
MASK = "******"


def mask(value) -> str:
    """A secret or a citizen's phone number never reaches the log, only that it changed."""
    return MASK


def register() -> None:
    from auditlog.registry import auditlog

    for model in apps.get_models():
        label = model._meta.label
        if model.__module__.split(".")[0] not in AUDITED_APPS or label in NOT_AUDITED:
            continue
        if model._meta.app_label == "audit" and label not in PERMISSION_MODELS:
            continue
        if not auditlog.contains(model):
            auditlog.register(model, mask_fields=MASKED.get(label, []), mask_callable="supervision.audit.receivers.mask")
    User = get_user_model()
    if not auditlog.contains(User):
        # The password is audited as its own act (below), never as a value; last_login is the login entry.
        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
    from auditlog.models import LogEntry

    post_save.connect(logentry_recorded, sender=LogEntry, dispatch_uid="audit_logentry")
    post_save.connect(password_saved, sender=User, dispatch_uid="audit_password")
    user_logged_in.connect(logged_in, dispatch_uid="audit_login")
    user_logged_out.connect(logged_out, dispatch_uid="audit_logout")
    user_login_failed.connect(login_failed, dispatch_uid="audit_login_failed")


def logged_in(sender, request, user, **kwargs):
    services.record(action=AuditAction.LOGIN, actor=user, object_type="auth.user", object_id=user.pk,
                    object_repr=user.get_username(), request=request)


def logged_out(sender, request, user, **kwargs):
    if user is not None:
        services.record(action=AuditAction.LOGOUT, actor=user, object_type="auth.user", object_id=user.pk,
                        object_repr=user.get_username(), request=request)


def login_failed(sender, credentials, request=None, **kwargs):
    """A failed login names the account tried (never the password); when it exists, its office reads it."""
    from supervision import access

    User = get_user_model()
    username = str(credentials.get(User.USERNAME_FIELD) or credentials.get("username") or "")[:150]
    target = User.objects.filter(**{User.USERNAME_FIELD: username}).first() if username else None
    services.record(
        action=AuditAction.LOGIN_FAILED, object_type="auth.user", object_id=target.pk if target else "",
        object_repr=username, office=access.audit_office_of(target) if target else None,
        details={"username": username}, request=request if request is not None else current_request.get(),
    )


def password_saved(sender, instance, created, **kwargs):
    # AbstractBaseUser.save() keeps the raw password in _password until after post_save: set_password ran.
    if created or getattr(instance, "_password", None) is None:
        return
    request = current_request.get()
    actor = getattr(request, "user", None) if request is not None else None
    actor = actor if actor is not None and actor.is_authenticated else None
    by_self = actor is not None and actor.pk == instance.pk
    services.record(
        action=AuditAction.PASSWORD_CHANGE if by_self else AuditAction.PASSWORD_RESET,
        actor=actor, object_type="auth.user", object_id=instance.pk, object_repr=instance.get_username(),
    )


def logentry_recorded(sender, instance, created, **kwargs):
    """One django-auditlog entry becomes one link of the chain."""
    from auditlog.models import LogEntry

    if not created:
        return
    ct = instance.content_type
    model = ct.model_class()
    label = model._meta.label if model is not None else f"{ct.app_label}.{ct.model}"
    operation = {LogEntry.Action.CREATE: "create", LogEntry.Action.UPDATE: "update",
                 LogEntry.Action.DELETE: "delete"}.get(instance.action, "access")
    changes = instance.changes if isinstance(instance.changes, dict) else {}
    is_permission = label in PERMISSION_MODELS or (label == get_user_model()._meta.label and "groups" in changes)
    action = AuditAction.PERMISSION_CHANGE if is_permission else {
        "create": AuditAction.CREATE, "update": AuditAction.UPDATE, "delete": AuditAction.DELETE,
    }.get(operation, AuditAction.UPDATE)
    services.record(
        action=action, object_type=label.lower(), object_id=instance.object_pk, object_repr=instance.object_repr,
        changes=changes, details={"operation": operation},
    )
