"""OpenAPI descriptions of the plan-cycle views."""
import re
import sys

from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView


def annotated(function) -> bool:
    """Whether a view method already carries drf-spectacular's annotation (`@extend_schema`, `@extend_schema_view`).

    drf-spectacular 0.28–0.30 records it as the method's `kwargs["schema"]` (the class it built, drf_spectacular.utils.extend_schema).
    """
    return "schema" in getattr(function, "kwargs", {})


def document_schemas(package: str = "plans.apis") -> None:
    """Describe every view of the package's modules to drf-spectacular in one place.

    The views are plain APIViews with nested Input serializers (HackSoft style), which spectacular
    cannot guess; this gives each operation a unique operation id, instead of repeating a decorator on some
    forty methods. Bodies and answers are each view's `Input` and `Output` (core.openapi.AutoSchema). A method that carries
    its own `@extend_schema`, or whose view class does, keeps it untouched. Only modules already imported
    are seen: a new module of plans/apis is re-exported in plans/apis/__init__.py above the call.
    """
    modules = [m for name, m in sys.modules.items() if name.startswith(package + ".")]
    views = {v for m in modules for v in vars(m).values()
             if isinstance(v, type) and issubclass(v, APIView) and v.__module__.startswith(package + ".")}
    for view in sorted(views, key=lambda v: v.__name__):
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", view.__name__.removesuffix("Api")).lower()
        for method in ("get", "post", "put", "patch", "delete"):
            if method not in view.__dict__ or annotated(view.__dict__[method]) or "schema" in view.__dict__:
                continue  # not this class's, or described by hand
            # The body is the view's `Input` and the answer its `Output`, read by core.openapi.AutoSchema.
            decorated = extend_schema(operation_id=f"plans_{name}_{method}")
            setattr(view, method, decorated(view.__dict__[method]))
