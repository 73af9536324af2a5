from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from schools.models import School

from . import clock
from .choices import Role, SupervisorKind, ZoneCategory
from .models import Office, Supervisor, Zone, phone_validator

User = get_user_model()


class OfficeChoiceMixin:
    """Adds an ``office`` select limited to the offices the user manages (hidden when only one)."""

    def _setup_office(self, offices):
        self.fields["office"] = forms.ModelChoiceField(label=_("督导室"), queryset=offices)
        only = list(offices[:2])
        if len(only) == 1:
            self.fields["office"].initial = only[0]
            self.fields["office"].widget = forms.HiddenInput()


class ZoneForm(OfficeChoiceMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    category = forms.ChoiceField(label=_("类别"), choices=ZoneCategory.choices)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_office(offices)


class EffectiveDateField(forms.DateField):
    """自何日起: the day a change of the roster takes effect (today by default, never a future day)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("自何日起"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)

    def clean(self, value):
        day = super().clean(value) or clock.today()
        if day > clock.today():
            raise forms.ValidationError(_("生效日期不能晚于今天。"))
        return day


class ZoneSchoolsForm(forms.Form):
    """Bulk assignment: tick schools of the office to put them in this zone (from a day)."""

    schools = forms.ModelMultipleChoiceField(label=_("学校"), queryset=School.objects.none(), required=False)
    on = EffectiveDateField()

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["schools"].queryset = School.objects.current(office=zone.office_id)


class ZoneSupervisorsForm(forms.Form):
    supervisors = forms.ModelMultipleChoiceField(
        label=_("责任督学"), queryset=Supervisor.objects.none(), required=False
    )
    lead = forms.ModelChoiceField(label=_("组长"), queryset=Supervisor.objects.none(), required=False)
    on = EffectiveDateField()

    def __init__(self, *args, zone: Zone, **kwargs):
        super().__init__(*args, **kwargs)
        qs = Supervisor.objects.filter(office=zone.office_id, is_active=True)
        self.fields["supervisors"].queryset = qs
        self.fields["lead"].queryset = qs

    def clean(self):
        data = super().clean()
        lead, chosen = data.get("lead"), data.get("supervisors") or []
        if lead and lead not in chosen:
            self.add_error("lead", _("组长必须是勾选的责任督学之一。"))
        return data


class SupervisorForm(OfficeChoiceMixin, forms.ModelForm):
    # Not a model field of the form: the upload goes to supervisor_save, which stores only its
    # re-encoded JPEG (a ModelForm would put the raw upload on the instance and save it as it came).
    photo = forms.FileField(label=_("照片"), required=False, widget=forms.FileInput(attrs={"accept": "image/*"}))
    username = forms.CharField(
        label=_("登录名"), max_length=150, required=False,
        help_text=_("留空则自动生成（如 dx220524001）。不能用手机号：手机号印在公示牌上。"),
    )

    class Meta:
        model = Supervisor
        fields = ["name", "kind", "phone", "employer", "title", "duties", "is_active"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_office(offices)
        if self.instance.pk:
            self.fields["office"].initial = self.instance.office
            self.fields["username"].initial = self.instance.user.username
        self.fields["kind"].choices = SupervisorKind.choices

    def validate_unique(self):
        # Uniqueness of the phone is a business rule checked by supervisor_save with a clearer message.
        pass


class OfficeUserForm(OfficeChoiceMixin, forms.Form):
    ROLE_CHOICES = [(r.value, r.label) for r in (Role.DIRECTOR, Role.OFFICE_ADMIN, Role.SCHOOL_USER)]

    name = forms.CharField(label=_("姓名"), max_length=50)
    username = forms.CharField(label=_("登录名"), max_length=150)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False, validators=[phone_validator])
    role = forms.ChoiceField(label=_("角色"), choices=ROLE_CHOICES)
    school = forms.ModelChoiceField(label=_("学校(学校联系人必填)"), queryset=School.objects.none(), required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=True))

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_office(offices)
        self.fields["school"].queryset = School.objects.current(offices=offices).order_by("name")

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError(_("该登录名已被使用。"))
        return username

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.SCHOOL_USER:
            school = data.get("school")
            if school is None:
                self.add_error("school", _("学校联系人必须选择所属学校。"))
            elif data.get("office") and school.office_id != data["office"].pk:
                self.add_error("school", _("该学校不属于所选督导室。"))
        if data.get("password"):
            try:
                validate_password(data["password"])
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class OfficeForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = ["name", "address", "phone", "email", "late_entry_months", "password_max_age_days", "require_2fa_for_staff"]

    def clean_password_max_age_days(self):
        return self.cleaned_data.get("password_max_age_days") or 0  # blank: never expires


def add_service_errors(form: forms.Form, exc) -> None:
    """Show a service's ValidationError on the form: field errors on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
