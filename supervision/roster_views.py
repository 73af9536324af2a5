"""Roster import/export pages (filled in by the roster work)."""
from django.contrib.auth.decorators import login_required
from django.http import Http404


@login_required
def roster(request):
    raise Http404


roster_template = roster_export = roster_import = roster
