"""A plan as files: the Word (or PDF) documents, the Excel tables, the works as GeoJSON."""
from django.http import HttpResponse
from django.utils import translation

from geo.documents import AnyAccept, document_output, document_response
from geo.layers import MEDIA_TYPE, collection_text
from geo.openapi import geojson_file
from plans import exports, layers, selectors
from plans.apis.common import XLSX, PlanApi, binary
from plans.models import DistrictFeedback, PlanItem


def _export_name(plan, ext):
    return f"ke-hoach-{plan.cycle.commune.code}-{plan.cycle.plan_year}-v{plan.number}.{ext}"


def _document(plan, fmt="docx", admit=None):
    def build():
        return exports.plan_docx(plan=plan, items=list(selectors.plan_items(plan=plan)), targets=list(plan.targets.all()))
    return document_response(build, name=_export_name(plan, "").rstrip("."), fmt=fmt, sources=[plan], admit=admit)


def _tables(plan):
    """The plan's tables (.xlsx) are part of the plan, a Vietnamese form like its Word document: always in Vietnamese,
    whatever the request's language (English mixed "Final" into the Vietnamese sheets, review rv15g)."""
    with translation.override("vi"):
        body = exports.plan_xlsx(plan=plan, items=list(selectors.plan_items(plan=plan)), targets=list(plan.targets.all()))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(plan, "xlsx")}"'
    return response


def _works(plan, layer=layers.plan_works):
    """The plan's located works as one GeoJSON file, built by the layer kit (`layer`: the private or public plan-works layer)."""
    features, _count, _returned = layer.page(PlanItem.objects.filter(plan=plan, geom__isnull=False), limit=None, offset=0)
    name = f"{plan.cycle.commune.name} {plan.cycle.plan_year} v{plan.number}"
    response = HttpResponse(collection_text(features, name=name), content_type=MEDIA_TYPE)
    response["Content-Disposition"] = f'inline; filename="{_export_name(plan, "geojson")}"'
    return response


class PlanDocumentApi(PlanApi):
    """GET the plan version as a Decree 30 document: document.docx (Word) or document.pdf."""

    Output = document_output("the plan in the Decree 30 form")

    content_negotiation_class = AnyAccept

    def get(self, request, pk, fmt="docx"):
        return _document(selectors.plan_get(user=request.user, pk=pk), fmt)


class TeamDecisionDocumentApi(PlanApi):
    """GET the decision forming the cycle's planning team (Đ3) as decision.docx or decision.pdf, to sign."""

    Output = document_output("the decision forming the planning team")
    content_negotiation_class = AnyAccept

    def get(self, request, pk, fmt="docx"):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        name = f"quyet-dinh-to-ke-hoach-{cycle.commune.code}-{cycle.plan_year}"
        return document_response(lambda: exports.team_decision_docx(cycle=cycle), name=name, fmt=fmt, sources=[cycle])


class ApprovalDecisionDocumentApi(PlanApi):
    """GET the district's decision approving the plan version (Đ7) as decision.docx or decision.pdf, to sign."""

    Output = document_output("the district's approval decision")
    content_negotiation_class = AnyAccept

    def get(self, request, pk, fmt="docx"):
        plan = selectors.plan_get(user=request.user, pk=pk)
        return document_response(lambda: exports.approval_decision_docx(plan=plan, items=list(selectors.plan_items(plan=plan))), name=_export_name(plan, "").rstrip(".").replace("ke-hoach", "quyet-dinh-phe-duyet"), fmt=fmt, sources=[plan])


class FeedbackLetterDocumentApi(PlanApi):
    """GET the district's comments on the plan's cycle (step 4) as an official letter: feedback.docx or feedback.pdf."""

    Output = document_output("the district's feedback letter")
    content_negotiation_class = AnyAccept

    def get(self, request, pk, fmt="docx"):
        plan = selectors.plan_get(user=request.user, pk=pk)
        feedback = DistrictFeedback.objects.filter(plan__cycle=plan.cycle).select_related("item")
        return document_response(lambda: exports.feedback_letter_docx(plan=plan, feedback=list(feedback)), name=_export_name(plan, "").rstrip(".").replace("ke-hoach", "gop-y"), fmt=fmt, sources=[plan])


class PlanTablesApi(PlanApi):
    Output = binary(XLSX, "the plan's tables as an Excel workbook")

    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _tables(selectors.plan_get(user=request.user, pk=pk))


class PlanWorksApi(PlanApi):
    Output = geojson_file("the plan's works")

    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _works(selectors.plan_get(user=request.user, pk=pk))
