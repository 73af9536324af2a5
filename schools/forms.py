from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.models import Zone

from .models import School


class SchoolForm(forms.ModelForm):
    class Meta:
        model = School
        fields = ["code", "name", "kind", "ownership", "location", "office", "zone", "address", "principal", "phone", "is_active"]

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        offices = list(offices)
        self.fields["office"].queryset = self.fields["office"].queryset.filter(pk__in=[o.pk for o in offices])
        self.fields["zone"].queryset = Zone.objects.filter(office__in=offices).order_by("name")
        if len(offices) == 1:
            self.fields["office"].initial = offices[0]
            self.fields["office"].widget = forms.HiddenInput()
        if self.instance.pk:
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("学校标识码创建后不可修改。")

    def validate_unique(self):
        # school_save reports a clash of 学校标识码 with which office holds it.
        pass

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not self.instance.pk and School.objects.filter(code=code).exists():
            raise forms.ValidationError(_("学校标识码 %(code)s 已存在。") % {"code": code})
        return code
