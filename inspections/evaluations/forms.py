from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from schools.models import School
from supervision import clock
from supervision.forms import OfficeChoiceMixin

from .choices import SchemeKind
from .models import Indicator, Scheme


class SchemeCreateForm(OfficeChoiceMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("评估类型"), choices=SchemeKind.choices)
    name = forms.CharField(label=_("名称"), max_length=100, required=False, help_text=_("留空则用评估类型作名称。"))
    load_default = forms.BooleanField(label=_("载入默认指标(可再修改或用Excel导入替换)"), required=False, initial=True)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_office(offices)
        self.fields["year"].initial = clock.today().year


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = ["name", "excellent_min", "good_min", "pass_min", "weak_share"]
        help_texts = {"weak_share": _("某项指标得分低于其分值的这一比例即为薄弱项,如0.6。"),
                      "pass_min": _("达标验收、考核以此为合格(达标)线。")}


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["area", "code", "title", "max_points", "guidance"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}

    def validate_unique(self):
        pass  # the service checks the code, with its own message


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel 文件(.xlsx)"))


class RoundForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    schools = forms.ModelMultipleChoiceField(label=_("参评学校"), queryset=School.objects.none(),
                                             widget=forms.CheckboxSelectMultiple)
    self_evaluation = forms.BooleanField(label=_("要求幼儿园先自评"), required=False, initial=True)
    notes = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        qs = School.objects.current(office=scheme.office_id).order_by("code")
        if scheme.kind == SchemeKind.KINDERGARTEN:
            qs = qs.filter(kind="kindergarten")
        else:
            del self.fields["self_evaluation"]
        self.fields["schools"].queryset = qs
        self.fields["name"].initial = f"{scheme.year}年{scheme.get_kind_display()}"


class ScoreForm(forms.Form):
    """One text box per indicator (kept as typed: a bad value comes back as it was)."""

    def __init__(self, *args, sheet, stage: str, with_notes: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in sheet.rows:
            name = f"i{row.indicator.pk}"
            value = row.points.get(stage)
            self.fields[name] = forms.CharField(
                label=f"{row.indicator.code} {row.indicator.title}", required=False,
                initial=f"{value.normalize():f}" if value is not None else "",
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
            self.rows.append((row, name))
        if with_notes:
            self.fields["notes"] = forms.CharField(label=_("评估意见"), required=False, initial=sheet.entry.notes,
                                                   widget=forms.Textarea(attrs={"rows": 3}))

    def bound_rows(self):
        return [(row, self[name]) for row, name in self.rows]

    def points(self) -> dict[int, str]:
        return {row.indicator.pk: self.cleaned_data.get(name, "") for row, name in self.rows}


class RaiseForm(forms.Form):
    indicators = forms.TypedMultipleChoiceField(label=_("需整改的指标"), coerce=int, choices=(),
                                                widget=forms.CheckboxSelectMultiple)
    opinion = forms.CharField(label=_("整改意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    deadline = forms.DateField(label=_("整改期限"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                               help_text=_("留空则默认一个月。"))

    def __init__(self, *args, sheet, share: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = [(r.indicator.pk, f"{r.indicator.code} {r.indicator.title}") for r in sheet.rows]
        self.fields["indicators"].initial = [r.indicator.pk for r in sheet.weak_rows(share)]
