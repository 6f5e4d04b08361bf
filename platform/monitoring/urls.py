"""District routes of monitoring and evaluation, mounted under /d/<slug>/ by config.urls_district."""
from django.urls import path

from monitoring import apis, views

api_patterns = [
    path("monitoring/plans/", apis.MEPlanListApi.as_view(), name="api-me-plans"),
    path("monitoring/plans/<int:pk>/", apis.MEPlanDetailApi.as_view(), name="api-me-plan"),
    path("monitoring/plans/<int:pk>/document.docx", apis.MEPlanDocumentApi.as_view(), name="api-me-plan-document"),
    path("monitoring/plans/<int:pk>/document.pdf", apis.MEPlanDocumentApi.as_view(), {"fmt": "pdf"}, name="api-me-plan-document-pdf"),
    path("monitoring/plans/<int:pk>/approve/", apis.MEPlanApproveApi.as_view(), name="api-me-plan-approve"),
    path("monitoring/plans/<int:pk>/dashboard/", apis.MEPlanDashboardApi.as_view(), name="api-me-plan-dashboard"),
    path("monitoring/plans/<int:pk>/evaluations/", apis.EvaluationApi.as_view(), name="api-me-plan-evaluations"),
    path("monitoring/periods/", apis.PeriodListApi.as_view(), name="api-me-periods"),
    path("monitoring/status/", apis.ReportingStatusApi.as_view(), name="api-me-status"),
    path("monitoring/reports/", apis.ReportListApi.as_view(), name="api-me-reports"),
    path("monitoring/reports/<int:pk>/", apis.ReportDetailApi.as_view(), name="api-me-report"),
    path("monitoring/reports/<int:pk>/document.docx", apis.ReportDocumentApi.as_view(), name="api-me-report-document"),
    path("monitoring/reports/<int:pk>/document.pdf", apis.ReportDocumentApi.as_view(), {"fmt": "pdf"}, name="api-me-report-document-pdf"),
    *[path(f"monitoring/reports/<int:pk>/{action}/", apis.ReportActionApi.as_view(action=action), name=f"api-me-report-{action}")
      for action in ("consolidate", "submit", "accept", "return")],
    path("monitoring/evidence/", apis.EvidenceApi.as_view(), name="api-me-evidence"),
    path("monitoring/findings/", apis.FindingApi.as_view(), name="api-me-findings"),
    path("monitoring/progress-import/", apis.ProgressImportApi.as_view(), name="api-me-progress-import"),
]

page_patterns = [
    path("monitoring/", views.district_dashboard, name="monitoring-district"),
    path("monitoring/plans/<int:pk>/", views.commune_dashboard, name="monitoring-commune"),
]
