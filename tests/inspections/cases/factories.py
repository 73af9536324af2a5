"""Cases in any state, built through the services (so history and sanitising are the real ones)."""
from inspections.cases import services
from inspections.cases.choices import CaseAction

BODY = "<h2>基本情况</h2><p>学校课后服务覆盖全体学生,<strong>家长满意度高</strong>。</p><ul><li>时间安排合理</li></ul>"

# The reviewer's moves that take a submitted case to each later state.
PATH = {
    "submitted": [],
    "returned": [CaseAction.RETURNED],
    "accepted": [CaseAction.ACCEPTED],
    "excellent": [CaseAction.ACCEPTED, CaseAction.EXCELLENT],
    "recommended": [CaseAction.ACCEPTED, CaseAction.EXCELLENT, CaseAction.RECOMMENDED],
}


def case_made(*, author, status: str = "draft", reviewer=None, title: str = "课后服务提质增效的实践", year: int = 2026,
              body: str = BODY, tags: str = "课后服务", school=None, uploads=()):
    case = services.case_save(actor=author, title=title, year=year, body=body, tags=tags, school=school, uploads=uploads)
    if status == "draft":
        return case
    case = services.case_submit(case=case, actor=author)
    for action in PATH[status]:
        case = services.case_review(case=case, actor=reviewer, action=action, comment="请补充整改成效" if action == "return" else "")
    return case
