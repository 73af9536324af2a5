from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from schools.models import School
from supervision import clock

from .choices import Audience, OncePer, QuestionKind
from .services import TEXT_MAX

STARTED_SALT = "surveys.started"
# A person needs more than this to read and answer a questionnaire; a script does not.
MIN_FILL_SECONDS = 5


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=100)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    intro = forms.CharField(label=_("卷首语"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    once_per = forms.ChoiceField(
        label=_("防重复作答"), choices=OncePer.choices, initial=OncePer.DEVICE, widget=forms.RadioSelect,
        help_text=_("每台设备一份：手机首次打开时记录匿名标识；每个访问码一份：为每所学校生成访问码，打印后逐人发放。"),
    )
    from_template = forms.BooleanField(label=_("从默认“家长满意度”问卷开始"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["from_template"]
            del self.fields["year"]


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("题目"), max_length=300)
    options = forms.CharField(
        label=_("选项"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("单选题、多选题每行一个选项；满意度量表固定为非常满意、满意、一般、不满意、非常不满意五级；填空题不需要选项。"),
    )
    required = forms.BooleanField(label=_("必答"), required=False, initial=True)

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("options", "").splitlines() if line.strip()]


class PublishForm(forms.Form):
    schools = forms.ModelMultipleChoiceField(
        label=_("学校"), queryset=School.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    audiences = forms.MultipleChoiceField(
        label=_("调查对象"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple, initial=[Audience.PARENT]
    )

    def __init__(self, *args, office, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.current(office=office).order_by("code")


class CodesForm(forms.Form):
    count = forms.IntegerField(label=_("生成数量"), min_value=1, max_value=2000, initial=50)


def started_token() -> str:
    return signing.TimestampSigner(salt=STARTED_SALT).sign(str(int(clock.now().timestamp())))


def started_age(token: str) -> int | None:
    """Seconds since the form was handed out, or None when the token is missing or forged."""
    try:
        value = signing.TimestampSigner(salt=STARTED_SALT).unsign(token or "", max_age=86400 * 7)
    except signing.BadSignature:
        return None
    return int(clock.now().timestamp()) - int(value)


class AnswerForm(forms.Form):
    """The public questionnaire: one field per question (q<id>), the access code when the office
    chose codes, a honeypot (``website``, hidden from people) and the signed start time."""

    website = forms.CharField(required=False, label=_("网址"))
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, questions, with_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        if with_code:
            self.fields["code"] = forms.CharField(
                label=_("访问码"), max_length=32, help_text=_("请填写学校发放的纸条上的访问码。"),
                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "inputmode": "text"}),
            )
        for q in self.questions:
            choices = [(str(i), label) for i, label in enumerate(q.choices)]
            if q.kind == QuestionKind.TEXT:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "maxlength": TEXT_MAX}), max_length=TEXT_MAX)
            elif q.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect)
            field.required = q.required
            field.label = q.text
            field.error_messages["required"] = _("此题为必答题。")
            field.question = q
            self.fields[f"q{q.pk}"] = field

    def question_fields(self):
        return [self[f"q{q.pk}"] for q in self.questions]

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}
