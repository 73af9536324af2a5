"""Models of the monthly loop (loop.py) and of rectification (tickets.py)."""
from .loop import *  # noqa: F401,F403
from .loop import (  # noqa: F401
    Checklist,
    ChecklistAnswer,
    ChecklistReopening,
    ChecklistTemplate,
    MonthlySummary,
    Photo,
    Plan,
    PlanMonth,
    Problem,
    Recheck,
    TemplateItem,
    Visit,
    photo_path,
)
from .tickets import *  # noqa: F401,F403
