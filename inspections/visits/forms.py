"""Forms of the phone checklist: they parse input only; every rule is in ``inspections.visits.services``."""
from django import forms
from django.utils.translation import gettext_lazy as _

from schools.models import School
from supervision import clock
from supervision.models import Supervisor

from inspections.models.choices import Conclusion, RecheckResult, Severity, VisitMethod

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class PartialForm(forms.Form):
    """An autosave posts one field at a time (listed in ``_fields``); only those are parsed, so a
    missing field means "unchanged". A plain form post (no ``_fields``) parses every field posted."""

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        if data is not None:
            posted = data.getlist("_fields") or [name for name in self.fields if name in data]
            for name in list(self.fields):
                if name not in posted:
                    del self.fields[name]


class VisitStartForm(forms.Form):
    school = forms.ModelChoiceField(
        label=_("学校"), queryset=School.objects.none(), empty_label=_("请选择学校"),
        error_messages={"invalid_choice": _("所选学校不在您的责任区内。")},
    )
    date = forms.DateField(label=_("督导日期"), widget=DATE)
    arrived_at = forms.TimeField(label=_("到校时间"), required=False, widget=TIME)
    methods = forms.MultipleChoiceField(
        label=_("督导方式"), choices=VisitMethod.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    co_supervisors = forms.ModelMultipleChoiceField(
        label=_("同行督学"), queryset=Supervisor.objects.none(), required=False,
        help_text=_("联合督导时选择同行的督学;他们也可以填写本清单。"),
    )

    def __init__(self, *args, schools, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["co_supervisors"].queryset = colleagues
        now = clock.local_now()
        self.fields["date"].initial = now.date()
        self.fields["arrived_at"].initial = now.strftime("%H:%M")


class VisitHeaderForm(PartialForm):
    """The visit header of the checklist page, autosaved field by field."""

    date = forms.DateField(label=_("督导日期"), widget=DATE)
    arrived_at = forms.TimeField(label=_("到校时间"), required=False, widget=TIME)
    left_at = forms.TimeField(label=_("离校时间"), required=False, widget=TIME)
    methods = forms.MultipleChoiceField(
        label=_("督导方式"), choices=VisitMethod.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    co_supervisors = forms.ModelMultipleChoiceField(label=_("同行督学"), queryset=Supervisor.objects.none(), required=False)
    summary = forms.CharField(label=_("督导小结"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, colleagues=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "co_supervisors" in self.fields and colleagues is not None:
            self.fields["co_supervisors"].queryset = colleagues


class AnswerForm(PartialForm):
    conclusion = forms.ChoiceField(label=_("结论"), choices=[("", "")] + Conclusion.choices, required=False)
    notes = forms.CharField(label=_("情况记录"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2}))


class ProblemForm(forms.Form):
    description = forms.CharField(
        label=_("问题描述"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
    )
    severity = forms.ChoiceField(label=_("严重程度"), choices=Severity.choices, initial=Severity.MINOR, required=False)
    opinion = forms.CharField(label=_("整改意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("整改期限"), required=False, widget=DATE, help_text=_("默认一个月。"))

    def clean_severity(self):
        return self.cleaned_data["severity"] or Severity.MINOR


class RecheckForm(forms.Form):
    result = forms.ChoiceField(label=_("复查结果"), choices=RecheckResult.choices, required=False)
    notes = forms.CharField(label=_("复查情况"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    # Optional here so the service states the rule (a reason is required) in one place.
    reason = forms.CharField(label=_("重新打开原因"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
