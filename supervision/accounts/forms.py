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
