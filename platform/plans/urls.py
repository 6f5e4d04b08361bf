"""Staff API of the plan cycle: /d/<slug>/api/plans/…"""
from django.urls import path

from plans import apis

urlpatterns = [
    path("cycles/", apis.CycleListApi.as_view(), name="api-plan-cycles"),
    path("cycles/<int:pk>/", apis.CycleDetailApi.as_view(), name="api-plan-cycle"),
    path("cycles/<int:pk>/steps/<str:step>/complete/", apis.CycleStepCompleteApi.as_view(), name="api-plan-cycle-step-complete"),
    path("cycles/<int:pk>/team/", apis.TeamApi.as_view(), name="api-plan-cycle-team"),
    path("cycles/<int:pk>/evidence/", apis.EvidenceApi.as_view(), name="api-plan-cycle-evidence"),
    path("cycles/<int:pk>/conferences/", apis.ConferenceApi.as_view(), name="api-plan-cycle-conferences"),
    path("cycles/<int:pk>/draft/", apis.DraftCreateApi.as_view(), name="api-plan-cycle-draft"),
    path("cycles/<int:pk>/orientation/", apis.CycleOrientationApi.as_view(), name="api-plan-cycle-orientation"),
    path("cycles/<int:pk>/action-programmes/", apis.ActionProgrammeApi.as_view(), name="api-plan-cycle-action-programmes"),
    path("dashboard/", apis.DashboardApi.as_view(), name="api-plan-dashboard"),
    path("department-publications/", apis.DepartmentPublicationListApi.as_view(), name="api-plan-department-publications"),
    path("orientations/", apis.OrientationListApi.as_view(), name="api-plan-orientations"),
    path("orientations/<int:pk>/publish/", apis.OrientationPublishApi.as_view(), name="api-plan-orientation-publish"),
    path("items/<int:pk>/", apis.PlanItemDetailApi.as_view(), name="api-plan-item"),
    path("targets/<int:pk>/", apis.TargetDetailApi.as_view(), name="api-plan-target"),
    path("feedback/<int:pk>/answer/", apis.FeedbackAnswerApi.as_view(), name="api-plan-feedback-answer"),
    path("comments/<int:pk>/moderate/", apis.CommentModerateApi.as_view(), name="api-plan-comment-moderate"),
    path("comments/<int:pk>/answer/", apis.CommentAnswerApi.as_view(), name="api-plan-comment-answer"),
    path("<int:pk>/", apis.PlanDetailApi.as_view(), name="api-plan"),
    path("<int:pk>/items/", apis.PlanItemListApi.as_view(), name="api-plan-items"),
    path("<int:pk>/targets/", apis.TargetListApi.as_view(), name="api-plan-targets"),
    path("<int:pk>/new-version/", apis.PlanNewVersionApi.as_view(), name="api-plan-new-version"),
    path("<int:pk>/amend/", apis.PlanAmendApi.as_view(), name="api-plan-amend"),
    path("<int:pk>/compare/<int:other>/", apis.PlanCompareApi.as_view(), name="api-plan-compare"),
    path("<int:pk>/feedback/", apis.FeedbackListApi.as_view(), name="api-plan-feedback"),
    path("<int:pk>/consultation/", apis.ConsultationOpenApi.as_view(), name="api-plan-consultation"),
    path("<int:pk>/comments/", apis.CommentListApi.as_view(), name="api-plan-comments"),
    path("<int:pk>/resolution/", apis.ResolutionApi.as_view(), name="api-plan-resolution"),
    path("<int:pk>/district-approval/", apis.DistrictApprovalApi.as_view(), name="api-plan-district-approval"),
    path("<int:pk>/document.docx", apis.PlanDocumentApi.as_view(), name="api-plan-document"),
    path("<int:pk>/tables.xlsx", apis.PlanTablesApi.as_view(), name="api-plan-tables"),
    path("<int:pk>/works.geojson", apis.PlanWorksApi.as_view(), name="api-plan-works"),
]

public_urlpatterns = [
    path("", apis.PublicPlanListApi.as_view(), name="api-public-plans"),
    path("<int:pk>/", apis.PublicPlanDetailApi.as_view(), name="api-public-plan"),
    path("<int:pk>/works.geojson", apis.PublicPlanWorksApi.as_view(), name="api-public-plan-works"),
    path("<int:pk>/document.docx", apis.PublicPlanDocumentApi.as_view(), name="api-public-plan-document"),
    path("<int:pk>/comments/", apis.PublicCommentApi.as_view(), name="api-public-plan-comments"),
]
