"""The default 家长满意度 questionnaire an office starts from (edited freely before answers arrive)."""
from django.utils.translation import gettext_lazy as _

from .choices import QuestionKind

PARENT_SATISFACTION_TITLE = _("家长满意度调查问卷")
PARENT_SATISFACTION_INTRO = _(
    "尊敬的家长：为了解学校办学情况，改进教育教学工作，请您根据实际情况填写本问卷。问卷匿名填写，感谢您的支持！"
)

# (kind, text, options, required) — the questions county offices ask parents every year.
PARENT_SATISFACTION_QUESTIONS = (
    (QuestionKind.SINGLE, _("您的孩子就读的年级"), [_("幼儿园"), _("小学低年级(1-3年级)"), _("小学高年级(4-6年级)"), _("初中"), _("高中")], True),
    (QuestionKind.SCALE, _("您对学校(幼儿园)办学总体情况是否满意？"), [], True),
    (QuestionKind.SCALE, _("您对学校校园安全管理是否满意？"), [], True),
    (QuestionKind.SCALE, _("您对学校食堂饮食和卫生是否满意？"), [], True),
    (QuestionKind.SCALE, _("您对教师的师德师风是否满意？"), [], True),
    (QuestionKind.SCALE, _("您对孩子的作业量和课业负担是否满意？"), [], True),
    (QuestionKind.SCALE, _("您对学校课后服务是否满意？"), [], True),
    (
        QuestionKind.MULTIPLE,
        _("您认为学校最需要改进的方面(可多选)"),
        [_("校园安全"), _("饮食卫生"), _("教学质量"), _("作业负担"), _("课后服务"), _("家校沟通"), _("收费管理")],
        False,
    ),
    (QuestionKind.SINGLE, _("学校是否存在乱收费、违规补课等现象？"), [_("没有"), _("有"), _("不清楚")], True),
    (QuestionKind.TEXT, _("您对学校(幼儿园)还有哪些意见和建议？"), [], False),
)
