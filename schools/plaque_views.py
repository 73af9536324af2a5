"""Public plaque pages (挂牌督导) and printable posters.

The plaque page is public (parents scan the QR code at the school gate); it shows only what the
plaque itself shows. The PDF poster is for the people who print it: signed-in users who can see
the school (rendering costs CPU, so it is not offered to anonymous visitors).
"""
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from supervision import access
from supervision.downloads import login_or_token_required

from .plaque import REGULAR_SUPERVISION_NOTE, RESPONSIBILITY_SUPERVISOR_DUTIES, plaque_for_code, plaque_pdf


def plaque(request, code):
    found = plaque_for_code(code=code)
    if found is None:
        raise Http404
    context = {"plaque": found, "duties": RESPONSIBILITY_SUPERVISOR_DUTIES, "regular_note": REGULAR_SUPERVISION_NOTE}
    return render(request, "schools/plaque.html", context)


@login_or_token_required
def plaque_poster(request, code):
    school = get_object_or_404(access.schools_visible_to(request.user).current(), code=code)
    pdf = plaque_pdf(plaque_for_code(code=school.code))
    filename = _("挂牌督导公示牌-%(school)s.pdf") % {"school": school.name}
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(False, filename)},
    )
