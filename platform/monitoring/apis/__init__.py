"""Thin API views of monitoring and evaluation, under /d/<slug>/api/monitoring/, one module per subject of the Decision:
`me_plan` (Đ9, the M&E plan), `evaluation` (Đ11.2, the People's Council's evaluation), `reports` (Đ10–Đ11, periods
and periodic reports), `supervision` (Đ8, community supervision: findings and photo evidence), `progress_import` (the
district's bulk progress sheet); `common` holds what they share.

Transitions are explicit POST actions (approve, consolidate, submit, accept, return); reads are
scoped by `monitoring.selectors`, writes checked by `monitoring.services` (access and rules).
"""
from monitoring.apis.evaluation import (  # noqa: F401
    EvaluationApi,
)
from monitoring.apis.me_plan import (  # noqa: F401
    MEPlanApproveApi,
    MEPlanDashboardApi,
    MEPlanDetailApi,
    MEPlanDocumentApi,
    MEPlanListApi,
)
from monitoring.apis.progress_import import (  # noqa: F401
    ProgressImportApi,
)
from monitoring.apis.reports import (  # noqa: F401
    PeriodListApi,
    ReportActionApi,
    ReportDetailApi,
    ReportDocumentApi,
    ReportingStatusApi,
    ReportListApi,
)
from monitoring.apis.supervision import (  # noqa: F401
    EvidenceApi,
    FindingApi,
)
