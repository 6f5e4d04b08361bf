"""District routes of public investment, mounted under /d/<slug>/ by config.urls_district."""
from django.urls import path

from investment import apis, views
from investment.services import PLAN_TRANSITIONS, PROJECT_TRANSITIONS

api_patterns = [
    path("investment-plans/", apis.PlanListApi.as_view(), name="api-investment-plans"),
    path("investment-plans/<int:pk>/", apis.PlanDetailApi.as_view(), name="api-investment-plan"),
    path("investment-plans/<int:pk>/allocations/", apis.PlanAllocationsApi.as_view(), name="api-investment-plan-allocations"),
    path("investment-plans/<int:pk>/envelopes/", apis.PlanEnvelopesApi.as_view(), name="api-investment-plan-envelopes"),
    path("investment-plans/<int:pk>/medium-term-check/", apis.PlanMediumTermCheckApi.as_view(), name="api-investment-plan-medium-term-check"),
    path("investment-plans/<int:pk>/projects.xlsx", apis.PlanExcelApi.as_view(), name="api-investment-plan-xlsx"),
    path("investment-plans/<int:pk>/projects.geojson", apis.PlanGeoJSONApi.as_view(), name="api-investment-plan-geojson"),
    *[
        path(f"investment-plans/<int:pk>/{action}/", apis.PlanTransitionApi.as_view(action=action), name=f"api-investment-plan-{action}")
        for action in PLAN_TRANSITIONS
    ],
    path("investment-projects/", apis.ProjectListApi.as_view(), name="api-investment-projects"),
    path("investment-projects/template.xlsx", apis.ProjectTemplateApi.as_view(), name="api-investment-project-template"),
    path("investment-projects/import/", apis.ProjectImportApi.as_view(), name="api-investment-project-import"),
    path("investment-projects/<int:pk>/", apis.ProjectDetailApi.as_view(), name="api-investment-project"),
    path("investment-projects/<int:pk>/disbursements/", apis.DisbursementApi.as_view(), name="api-investment-project-disbursements"),
    *[
        path(f"investment-projects/<int:pk>/{action}/", apis.ProjectTransitionApi.as_view(action=action), name=f"api-investment-project-{action}")
        for action in PROJECT_TRANSITIONS
    ],
    path("investment-plan-items/", apis.PlanItemListApi.as_view(), name="api-investment-plan-items"),
    path("investment-plan-items/<int:pk>/", apis.PlanItemDetailApi.as_view(), name="api-investment-plan-item"),
    path("investment-chain/proposals/<int:pk>/", apis.ProposalChainApi.as_view(), name="api-investment-proposal-chain"),
    path("reviews/", apis.ReviewListApi.as_view(), name="api-reviews"),
    path("reviews/<int:pk>/answers/", apis.ReviewAnswerApi.as_view(), name="api-review-answers"),
]

page_patterns = [
    path("investment/review/", views.review_map, name="investment-review-map"),
    path("investment/plans/", views.plans_page, name="investment-plans-page"),
    path("investment/projects/", views.projects_page, name="investment-projects-page"),
]
