"""Password rules in the users' language. Django 5.2's catalogue lost the Chinese for the minimum
length message (its msgid changed), so that one validator speaks for itself here."""
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self):
        return _("密码长度太短,至少需要%(min_length)d个字符。") % {"min_length": self.min_length}

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short")

    def get_help_text(self):
        return _("密码至少需要%(min_length)d个字符。") % {"min_length": self.min_length}


# --- The policy of issue 13 (等保 2.0 三级 身份鉴别: 口令复杂度) ---------------------------------------

CLASSES = (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())


def classes_in(password: str) -> int:
    """How many of the four kinds of character (lower case, upper case, digits, symbols) it holds."""
    return sum(any(test(c) for c in password) for test in CLASSES)


class CharacterClassesValidator:
    """At least three of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if classes_in(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("密码需包含大写字母、小写字母、数字、符号中的至少%(count)d类。") % {"count": self.min_classes}


class NotPersonalValidator:
    """Not containing the login name or the phone number (of the user, or of their supervisor card)."""

    def validate(self, password, user=None):
        if user is None:
            return
        supervisor = getattr(user, "supervisor", None) if getattr(user, "pk", None) else None
        personal = [user.username, getattr(supervisor, "phone", "")]
        lowered = password.lower()
        if any(value and len(value) >= 3 and value.lower() in lowered for value in personal):
            raise ValidationError(self.get_help_text(), code="password_personal")

    def get_help_text(self):
        return _("密码不能包含登录名或手机号。")


class LeakedPasswordValidator(password_validation.CommonPasswordValidator):
    """Not a known leaked password (Django's list of 20,000), nor — on a real server — the demo's."""

    DEMO_PASSWORD = "Demo@2026"

    def validate(self, password, user=None):
        from django.conf import settings

        if not settings.DEBUG and password == self.DEMO_PASSWORD:
            raise ValidationError(_("不能使用演示密码。"), code="password_demo")
        super().validate(password, user)
