from django import forms
from django.utils.translation import gettext_lazy as _

from schools.models import School
from supervision import clock
from supervision.models import Zone

from .choices import CaseAction


class CaseForm(forms.Form):
    """The case the supervisor writes. ``body`` carries the editor's HTML (sanitised by the service)."""

    title = forms.CharField(label=_("标题"), max_length=120)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    tags = forms.CharField(label=_("主题"), max_length=200, required=False,
                           help_text=_("如:课后服务、校园安全,用顿号或逗号分隔"))
    school = forms.ModelChoiceField(label=_("涉及学校"), queryset=School.objects.none(), required=False)
    zone = forms.ModelChoiceField(label=_("涉及责任区"), queryset=Zone.objects.none(), required=False)
    body = forms.CharField(label=_("正文"), required=False, widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args, office_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = School.objects.filter(office=office_id).order_by("name")
        self.fields["zone"].queryset = Zone.objects.filter(office=office_id).order_by("name")
        self.fields["year"].initial = clock.today().year


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[(a.value, a.label) for a in (
        CaseAction.RETURNED, CaseAction.ACCEPTED, CaseAction.EXCELLENT, CaseAction.RECOMMENDED)])
    comment = forms.CharField(label=_("审核意见"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
