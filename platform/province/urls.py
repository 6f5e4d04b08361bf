"""Province API routes, included under /api/province/ by config.urls_public."""
from django.urls import path

from province import apis, projects_apis, publications

urlpatterns = [
    path("investment-distribution/", apis.InvestmentDistributionApi.as_view(), name="api-province-distribution"),
    path("investment-distribution.geojson", apis.InvestmentDistributionExportApi.as_view(), name="api-province-distribution-geojson"),
    path("investment-distribution.png", apis.InvestmentDistributionPngApi.as_view(), name="api-province-distribution-png"),
    path("equity/", apis.EquityApi.as_view(), name="api-province-equity"),
    path("compare/", apis.CompareApi.as_view(), name="api-province-compare"),
    path("compare.xlsx", apis.CompareWorkbookApi.as_view(), name="api-province-compare-xlsx"),
    path("projects/", projects_apis.ProvinceProjectsApi.as_view(), name="api-province-projects"),
    path("publications/", publications.PublicationListApi.as_view(), name="api-province-publications"),
    path("publications/<int:pk>/", publications.PublicationDetailApi.as_view(), name="api-province-publication"),
    path("publications/<int:pk>/files/", publications.PublicationFileApi.as_view(), name="api-province-publication-files"),
    path("publications/<int:pk>/publish/", publications.PublicationPublishApi.as_view(), name="api-province-publication-publish"),
    path("plan-compliance/", apis.PlanComplianceApi.as_view(), name="api-province-plan-compliance"),
]
