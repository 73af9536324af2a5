"""The log as Excel (openpyxl), with the page's filters."""
from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from supervision import clock

from .choices import AuditAction
from .selectors import change_lines, detail_text, object_type_label

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def audit_workbook(entries) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = _("安全审计日志")
    ws.append([_("序号"), _("时间"), _("操作人"), _("督导室"), _("操作"), _("对象类型"), _("对象"),
               _("变更(前 → 后)"), _("详情"), _("地址"), _("浏览器"), _("哈希")])
    labels = dict(AuditAction.choices)
    for e in entries.iterator(chunk_size=2000):
        ws.append([
            e.seq, clock.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name, e.office.name if e.office else "",
            str(labels.get(e.action, e.action)), object_type_label(e.object_type), e.object_repr,
            "\n".join(change_lines(e)), detail_text(e), e.address, e.user_agent, e.hash,
        ])
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out
