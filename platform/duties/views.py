"""Pages of inspections and difficulties (Vietnamese, server-rendered; forms sent by frontend/js/forms.js)."""
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts import access
from duties.models import Difficulty, Inspection
from geo.selectors import communes_of


@require_safe
def inspections_page(request):
    """The district's inspections of its communes with their corrections; the office records and closes them (Đ16.4)."""
    rows = access.inspection_scope(request.user, Inspection.objects.select_related("commune").prefetch_related("corrections"))
    may_inspect = access.can_orient_communes(request.user, request.tenant)
    return render(request, "duties/inspections.html", {"inspections": rows, "may_inspect": may_inspect,
                                                       "communes": communes_of(request.tenant.unit) if may_inspect else []})


@require_safe
def difficulties_page(request):
    """Difficulties raised by communes (Đ19): a commune raises, the district answers or forwards, the province answers."""
    user = request.user
    rows = list(access.difficulty_scope(user, Difficulty.objects.select_related("commune")))
    for d in rows:
        d.may_answer = access.can_answer_difficulty(user, d)
    own = access.commune_unit_of(user) if access.is_commune_team(user) else None
    return render(request, "duties/difficulties.html", {"difficulties": rows, "own_commune": own})
