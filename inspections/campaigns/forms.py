"""Forms of the campaign pages: they parse input only; every rule is in ``services``."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.visits.forms import DATE
from schools.choices import SchoolKind
from schools.models import School
from supervision import clock
from supervision.models import Supervisor

from .choices import CampaignTopic, SchoolSelection


class CampaignForm(forms.Form):
    topic = forms.ChoiceField(label=_("专项"), choices=CampaignTopic.choices)
    title = forms.CharField(
        label=_("名称"), max_length=200, required=False,
        help_text=_("留空则自动生成,如“2026年“双减”专项督导”;“其他”专项必须填写。"),
    )
    start = forms.DateField(label=_("开始日期"), widget=DATE)
    end = forms.DateField(label=_("结束日期"), widget=DATE)
    leader = forms.ModelChoiceField(label=_("督导组组长"), queryset=Supervisor.objects.none(), empty_label=_("请选择组长"))
    team = forms.ModelMultipleChoiceField(
        label=_("督导组成员"), queryset=Supervisor.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("组长自动加入督导组。成员可到责任区以外的名单学校督导。"),
    )
    selection = forms.ChoiceField(
        label=_("学校范围"), choices=SchoolSelection.choices, widget=forms.RadioSelect, initial=SchoolSelection.RANDOM
    )
    kinds = forms.MultipleChoiceField(
        label=_("学校类型"), choices=SchoolKind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("“全部”和“随机抽取”从这些类型的在办学校中选。"),
    )
    sample_size = forms.IntegerField(label=_("抽取数量"), required=False, min_value=1)
    seed = forms.IntegerField(
        label=_("随机种子"), required=False, min_value=0, max_value=10**12,
        help_text=_("留空则自动生成;记录种子,抽取结果可复现。"),
    )
    schools = forms.ModelMultipleChoiceField(
        label=_("指定学校"), queryset=School.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}), help_text=_("“指定学校”时选择;按住 Ctrl 可多选。"),
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        supervisors = Supervisor.objects.filter(office=office, is_active=True).order_by("name")
        self.fields["leader"].queryset = supervisors
        self.fields["team"].queryset = supervisors
        self.fields["schools"].queryset = School.objects.current(office=office).order_by("kind", "name")
        today = clock.today()
        self.fields["start"].initial = today
        self.fields["end"].initial = today + timezone.timedelta(days=14)
        self.fields["kinds"].initial = [SchoolKind.PRIMARY, SchoolKind.JUNIOR]


class CampaignItemForm(forms.Form):
    code = forms.CharField(label=_("编号"), max_length=16)
    title = forms.CharField(label=_("督导事项"), max_length=200)
    guidance = forms.CharField(label=_("督导要点"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
