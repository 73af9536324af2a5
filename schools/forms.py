from django import forms
from django.utils.translation import gettext_lazy as _

from supervision import clock
from supervision.models import Zone

from .models import School


class SchoolForm(forms.ModelForm):
    """A school's details, and where it belongs from which day: its zone (a change moves it from the
    day given), 在办 (unticking closes it from that day; ticking reopens it)."""

    zone = forms.ModelChoiceField(label=_("责任区"), queryset=Zone.objects.none(), required=False)
    is_active = forms.BooleanField(label=_("在办"), required=False, initial=True)
    on = forms.DateField(
        label=_("自何日起"), widget=forms.DateInput(attrs={"type": "date"}), required=False,
        help_text=_("新学校列入名册、调整责任区或停办自哪一天起生效;默认今天,可填过去的日期,不能填将来的日期。"),
    )
    merged_into = forms.ModelChoiceField(
        label=_("并入学校(撤并时选择)"), queryset=School.objects.none(), required=False,
    )

    class Meta:
        model = School
        fields = ["code", "name", "kind", "ownership", "location", "office", "address", "principal", "phone"]

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        offices = list(offices)
        self.fields["office"].queryset = self.fields["office"].queryset.filter(pk__in=[o.pk for o in offices])
        self.fields["zone"].queryset = Zone.objects.filter(office__in=offices).order_by("name")
        self.fields["merged_into"].queryset = (
            School.objects.current().filter(office__in=offices).order_by("name")
        )
        self.fields["on"].initial = clock.today()
        if len(offices) == 1:
            self.fields["office"].initial = offices[0]
            self.fields["office"].widget = forms.HiddenInput()
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("学校标识码创建后不可修改。")
            self.fields["zone"].initial = self.instance.current_zone
            self.fields["is_active"].initial = self.instance.is_active
            self.fields["merged_into"].queryset = self.fields["merged_into"].queryset.exclude(pk=self.instance.pk)
        else:
            del self.fields["is_active"], self.fields["merged_into"]

    def validate_unique(self):
        # school_save reports a clash of 学校标识码 with which office holds it.
        pass

    def clean_on(self):
        day = self.cleaned_data.get("on") or clock.today()
        if day > clock.today():
            raise forms.ValidationError(_("生效日期不能晚于今天。"))
        return day

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not self.instance.pk and School.objects.filter(code=code).exists():
            raise forms.ValidationError(_("学校标识码 %(code)s 已存在。") % {"code": code})
        return code
