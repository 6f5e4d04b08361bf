"""OpenAPI descriptions of the plan-cycle views."""
import re
import sys

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from plans.apis.exports import ApprovalDecisionDocumentApi, FeedbackLetterDocumentApi, PlanDocumentApi, PlanTablesApi, TeamDecisionDocumentApi
from plans.apis.public import PublicPlanDocumentApi


def annotated(function) -> bool:
    """Whether a view method already carries drf-spectacular's annotation (`@extend_schema`, `@extend_schema_view`).

    drf-spectacular 0.28–0.30 records it as the method's `kwargs["schema"]` (the class it built, drf_spectacular.utils.extend_schema).
    """
    return "schema" in getattr(function, "kwargs", {})


def document_schemas(package: str = "plans.apis") -> None:
    """Describe every view of the package's modules to drf-spectacular in one place.

    The views are plain APIViews with nested Input serializers (HackSoft style), which spectacular
    cannot guess; this gives each operation its input serializer, a JSON (or file) response and a
    unique operation id, instead of repeating a decorator on some forty methods. A method that carries
    its own `@extend_schema`, or whose view class does, keeps it untouched. Only modules already imported
    are seen: a new module of plans/apis is re-exported in plans/apis/__init__.py above the call.
    """
    files = {PlanDocumentApi, PlanTablesApi, PublicPlanDocumentApi, TeamDecisionDocumentApi, ApprovalDecisionDocumentApi, FeedbackLetterDocumentApi}
    modules = [m for name, m in sys.modules.items() if name.startswith(package + ".")]
    views = {v for m in modules for v in vars(m).values()
             if isinstance(v, type) and issubclass(v, APIView) and v.__module__.startswith(package + ".")}
    for view in sorted(views, key=lambda v: v.__name__):
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", view.__name__.removesuffix("Api")).lower()
        for method in ("get", "post", "put", "patch", "delete"):
            if method not in view.__dict__ or annotated(view.__dict__[method]) or "schema" in view.__dict__:
                continue  # not this class's, or described by hand
            request = getattr(view, "Input", None) if method in ("post", "put", "patch") else None
            if request is not None and request.__name__ == "Input":
                # Component names come from class names: every view's nested Input would collide.
                request.__name__ = request.__qualname__ = f"{view.__name__.removesuffix('Api')}Input"
            response = OpenApiTypes.BINARY if view in files else OpenApiTypes.OBJECT
            decorated = extend_schema(operation_id=f"plans_{name}_{method}", request=request or OpenApiTypes.OBJECT, responses=response)
            setattr(view, method, decorated(view.__dict__[method]))
