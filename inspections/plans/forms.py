"""Forms of the annual plan (工作计划) and checklist template pages. They only parse input;
the rules live in inspections/services.py."""
from django import forms
from django.utils.translation import gettext_lazy as _

from supervision import clock
from supervision.forms import OfficeChoiceMixin

from inspections.models.choices import Audience
from inspections.models import TemplateItem

TEXTAREA = {"rows": 4}


def year_field(**kwargs) -> forms.IntegerField:
    this_year = clock.today().year
    return forms.IntegerField(label=_("年度"), min_value=2000, max_value=this_year + 5, **kwargs)


class PlanCreateForm(OfficeChoiceMixin, forms.Form):
    year = year_field()
    copy_from_previous = forms.BooleanField(
        label=_("复制上一年度的计划(每月重点和每月必查事项),再逐月修改"), required=False, initial=True
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_office(offices)
        self.order_fields(["office", "year", "copy_from_previous"])


class PlanForm(forms.Form):
    title = forms.CharField(label=_("计划标题"), max_length=200)
    monthly_topics = forms.CharField(
        label=_("每月必查事项"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一项,每月的督导清单都会加上这些事项,例如“双减”工作落实。"),
    )


class ItemCodesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class PlanMonthForm(forms.Form):
    """One month: three texts, and the standing items of each template this month focuses on."""

    school_focus = forms.CharField(label=_("学校督导重点"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    school_item_codes = ItemCodesField(label=_("学校清单中的本月重点事项"), required=False)
    kindergarten_focus = forms.CharField(label=_("幼儿园督导重点"), required=False, widget=forms.Textarea(attrs=TEXTAREA))
    kindergarten_item_codes = ItemCodesField(label=_("幼儿园清单中的本月重点事项"), required=False)
    other_tasks = forms.CharField(
        label=_("其他工作"), required=False, widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("如责任督学月例会、撰写督导案例、材料归档,每行一项。"),
    )

    def __init__(self, *args, items: dict[str, list[TemplateItem]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_item_codes"].choices = [
            (i.code, f"{i.code} {i.title}") for i in items.get(Audience.SCHOOL, [])
        ]
        self.fields["kindergarten_item_codes"].choices = [
            (i.code, f"{i.code} {i.title}") for i in items.get(Audience.KINDERGARTEN, [])
        ]


class TemplateItemForm(forms.Form):
    code = forms.CharField(
        label=_("编号"), max_length=16, help_text=_("如 S9、K7;月度计划按编号标记重点事项。")
    )
    title = forms.CharField(label=_("督导事项"), max_length=200)
    guidance = forms.CharField(label=_("督导要点"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    sub_points = forms.CharField(
        label=_("检查细目"), required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=_("每行一项。")
    )

    def __init__(self, *args, lock_code: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if lock_code:
            # The plan marks focus items by code, so an existing item keeps its code.
            self.fields["code"].disabled = True
            self.fields["code"].help_text = _("编号不可修改:年度计划按编号标记每月重点。")


class TemplateEnsureForm(OfficeChoiceMixin, forms.Form):
    year = year_field()
    audience = forms.ChoiceField(label=_("适用对象"), choices=Audience.choices)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_office(offices)
