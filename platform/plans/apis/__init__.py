"""Thin API views of the plan cycle, one module per step of the Decision: they parse input, ask selectors and call services.

Staff API under /d/<slug>/api/plans/ (signed-in users of the district, gated by the middleware);
the public, read-only surface (plus posting a moderated comment) under /d/<slug>/api/public/plans/.
"""
from plans.apis.approval import (  # noqa: F401
    ApprovalInput,
    DistrictApprovalApi,
    DocumentNumberApi,
    FeedbackLetterNumberApi,
    ResolutionApi,
)
from plans.apis.common import (  # noqa: F401
    PlanItemFeatureSerializer,
    TargetOutput,
    cycle_data,
    plan_data,
)
from plans.apis.consultation import (  # noqa: F401
    CommentAnswerApi,
    CommentInput,
    CommentListApi,
    CommentModerateApi,
    ConferenceApi,
    ConsultationOpenApi,
)
from plans.apis.cycle import (  # noqa: F401
    CycleDetailApi,
    CycleListApi,
    CycleStepCompleteApi,
    DashboardApi,
    EvidenceApi,
)
from plans.apis.exports import (  # noqa: F401
    AnyAccept,
    ApprovalDecisionDocumentApi,
    FeedbackLetterDocumentApi,
    PlanDocumentApi,
    PlanTablesApi,
    PlanWorksApi,
    TeamDecisionDocumentApi,
)
from plans.apis.feedback import (  # noqa: F401
    FeedbackAnswerApi,
    FeedbackListApi,
)
from plans.apis.implementation import (  # noqa: F401
    ActionProgrammeApi,
)
from plans.apis.orientation import (  # noqa: F401
    CycleOrientationApi,
    DepartmentPublicationListApi,
    OrientationListApi,
    OrientationPublishApi,
)
from plans.apis.public import (  # noqa: F401
    COMMENT_RATE_LIMIT,
    COMMENT_RATE_WINDOW_S,
    HONEYPOT_FIELD,
    PublicApi,
    PublicCommentApi,
    PublicPlanDetailApi,
    PublicPlanDocumentApi,
    PublicPlanListApi,
    PublicPlanWorksApi,
)
from plans.apis.team import (  # noqa: F401
    TeamApi,
)
from plans.apis.versions import (  # noqa: F401
    DraftCreateApi,
    FeatureInput,
    ItemInput,
    PlanAmendApi,
    PlanCompareApi,
    PlanDetailApi,
    PlanEnvelopeCheckApi,
    PlanItemDetailApi,
    PlanItemListApi,
    PlanNewVersionApi,
    TargetDetailApi,
    TargetListApi,
)
