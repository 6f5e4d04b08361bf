"""Province pages of the library (Đ12.1), training (Đ12.3, Đ14, Đ18) and communication (Đ17)."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts import access
from guidance import selectors
from guidance.models import CommunicationLevel, DocumentKind


@require_safe
def library_page(request):
    """The library: anyone sees the public documents, staff all; province staff add documents."""
    return render(request, "guidance/library.html", {"documents": selectors.document_list(user=request.user),
                                                     "may_manage": access.can_manage_library(request.user), "kinds": DocumentKind.choices})


@require_safe
@login_required
def training_page(request):
    """Courses and who in each commune is not yet trained (province and district staff; 404 for others)."""
    if not access.can_read_training(request.user):
        raise access.not_found()
    return render(request, "guidance/training.html", {"courses": selectors.course_list(user=request.user),
                                                      "untrained": selectors.untrained_by_commune(user=request.user),
                                                      "may_manage": access.can_manage_training(request.user)})


@require_safe
@login_required
def communication_page(request):
    """Communication activities by level, in the reader's scope (Đ17)."""
    activities = selectors.communication_list(user=request.user)
    levels = [(code, label, [a for a in activities if a.level == code]) for code, label in CommunicationLevel.choices]
    return render(request, "guidance/communication.html", {"levels": levels})
