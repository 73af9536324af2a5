from django import forms
from django.utils.translation import gettext_lazy as _

from .blocks import BlockSpec


class SummaryForm(forms.Form):
    """Title, cut-off date, signature, and one text per section (named by the section's key, so a
    service error on a block lands on its field)."""

    title = forms.CharField(label=_("标题"), max_length=200)
    until = forms.DateField(label=_("数据截至日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                            help_text=_("文中数据统计到这一天,落款日期也用这一天。"))
    signature = forms.CharField(label=_("落款"), max_length=200, required=False,
                                help_text=_("留空则用督导室(责任区)名称。"))

    def __init__(self, *args, specs: list[BlockSpec], **kwargs):
        super().__init__(*args, **kwargs)
        self.block_keys = []
        for spec in specs:
            self.fields[spec.key] = forms.CharField(
                label=spec.heading or _("开头"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
            )
            self.block_keys.append(spec.key)

    def blocks(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key, "") for key in self.block_keys}
