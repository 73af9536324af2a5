from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_DAYS, default_days


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=50, help_text=_("用在哪里，如“手机App”“数据同步脚本”。"))
    days = forms.IntegerField(label=_("有效天数"), min_value=1, max_value=MAX_DAYS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].initial = default_days()
        self.fields["days"].help_text = _("1 至 %(max)s 天。") % {"max": MAX_DAYS}


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("原密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(
        label=_("新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    new_password_again = forms.CharField(
        label=_("再次输入新密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password") and data.get("new_password_again") not in (None, data["new_password"]):
            self.add_error("new_password_again", _("两次输入的新密码不一致。"))
        return data


class OtpTokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("动态口令"), max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text=_("手机验证器（如微信小程序“腾讯身份验证器”、Google Authenticator）上显示的 6 位数字。"),
    )
