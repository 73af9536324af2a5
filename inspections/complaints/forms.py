"""Forms of complaints: the public form (with its honeypot and fill-time token) and the
supervisor's verify and close forms. Real rules live in services.py."""
from __future__ import annotations

import time

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from inspections.models.choices import Severity
from supervision import clock

from . import services
from .choices import CloseOutcome, ComplaintCategory, ReporterKind, VerifyMethod

TOKEN_SALT = "complaints.form-started"
TOKEN_MAX_AGE = 24 * 3600


def form_token(at: float | None = None) -> str:
    """A signed note of when the form was shown (the minimum fill time is measured from it)."""
    return signing.dumps(at if at is not None else time.time(), salt=TOKEN_SALT)


def form_age(token: str) -> float | None:
    """Seconds since the form was shown, or None for a missing, forged or day-old token."""
    try:
        started = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
        return time.time() - float(started)
    except (signing.BadSignature, TypeError, ValueError):
        return None


class ComplaintForm(forms.Form):
    category = forms.ChoiceField(label=_("反映问题类别"), choices=[("", _("请选择"))] + ComplaintCategory.choices)
    text = forms.CharField(
        label=_("具体情况"), max_length=services.TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": _("请写明时间、地点、涉及的年级或人员和具体情况。")}),
    )
    photo = forms.FileField(
        label=_("照片(可选)"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=_("只能上传照片,系统会重新压缩并去除照片中的位置等信息。"),
    )
    reporter_kind = forms.ChoiceField(
        label=_("您的身份"), choices=ReporterKind.choices, initial=ReporterKind.PARENT,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    contact_name = forms.CharField(label=_("姓名(可选)"), max_length=services.NAME_MAX, required=False)
    contact_phone = forms.CharField(
        label=_("联系电话(可选)"), max_length=services.PHONE_MAX, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("可以匿名反映;留下电话便于督学向您了解情况,联系方式只有责任督学和督导室可见。"),
    )
    # Honeypot: hidden from people, filled in by form-filling robots.
    website = forms.CharField(required=False, label=_("网址"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A re-shown form gets a fresh token: the time already spent counts, the fields are kept.
        self.fields["started"].initial = form_token()
        if self.is_bound:
            self.data = self.data.copy()
            self.data["started"] = self.data.get("started") or form_token()
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})


class VerifyForm(forms.Form):
    verified_on = forms.DateField(label=_("核实日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    method = forms.ChoiceField(label=_("核实方式"), choices=VerifyMethod.choices)
    notes = forms.CharField(label=_("核实情况(内部记录,反映人看不到)"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verified_on"].initial = clock.today()


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("办结方式"), choices=CloseOutcome.choices,
                                widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    public_reply = forms.CharField(
        label=_("给反映人的答复(凭回执码可见)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("“已解决”必须填写;不要写反映人或其他人的个人信息。"),
    )
    note = forms.CharField(label=_("办结说明(内部)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    problem_description = forms.CharField(
        label=_("问题描述(学校可见)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("转为整改时填写:写核实发现的问题,不要照抄反映人的原话。"),
    )
    opinion = forms.CharField(label=_("整改意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("整改期限"), required=False, help_text=_("留空则为核实之日起一个月。"),
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, initial=Severity.MINOR)
