"""Forms of the ticket pages: they parse input only; every rule is in ``inspections.tickets.services``.

Each form carries the ticket's ``version`` as the user saw it, so a second person acting on the
same ticket is told (StaleTicket) instead of overwriting what the first one did.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from supervision import clock

from inspections.models.choices import RecheckMode
from inspections.tickets.evidence import accepted_types_text

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
EVIDENCE_ACCEPT = ".jpg,.jpeg,.png,.webp,.pdf,.doc,.docx,.xls,.xlsx,image/*,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def with_version(self, version: int):
        """The same typed input, now carrying the ticket's current version (after a StaleTicket)."""
        data = self.data.copy()
        data["version"] = str(version)
        return type(self)(data)


class ReportForm(VersionedForm):
    text = forms.CharField(
        label=_("整改情况"), required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("写明采取了哪些整改措施、完成情况和长效机制。")}),
    )
    files = forms.FileField(
        label=_("佐证材料"), required=False,
        widget=MultipleFileInput(attrs={"accept": EVIDENCE_ACCEPT}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = _("可一次选择多个文件:%(types)s。") % {"types": accepted_types_text()}


class ExtensionForm(VersionedForm):
    requested_deadline = forms.DateField(label=_("申请延期至"), required=False, widget=DATE)
    reason = forms.CharField(label=_("延期理由"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(VersionedForm):
    note = forms.CharField(label=_("审批意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("不同意时必填。"))


class RecheckForm(VersionedForm):
    mode = forms.ChoiceField(label=_("复查方式"), choices=RecheckMode.choices, initial=RecheckMode.EVIDENCE,
                             widget=forms.RadioSelect)
    date = forms.DateField(label=_("复查日期"), required=False, widget=DATE)
    notes = forms.CharField(label=_("复查情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("退回时必填,学校将看到这些原因。"))
    photos = forms.FileField(label=_("复查照片"), required=False,
                             widget=MultipleFileInput(attrs={"accept": "image/*"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = clock.today()
