"""The public-investment API of a district, one module per subject of the Decision: plans (the district's public-investment
plan), projects (with disbursements, the template and the import), reviews (the review on the map), plan items (the
communes' draft works under review, and a proposal's way to the money); `common` holds what they share.

Thin classes: input serializers check types, `accounts.access` decides who may act, services write,
selectors read. Lists that feed the map come out of PostgreSQL as GeoJSON text.
"""
from investment.apis.plan_items import (  # noqa: F401
    PlanItemDetailApi,
    PlanItemListApi,
    ProposalChainApi,
)
from investment.apis.plans import (  # noqa: F401
    PlanAllocationsApi,
    PlanDetailApi,
    PlanEnvelopesApi,
    PlanExcelApi,
    PlanGeoJSONApi,
    PlanListApi,
    PlanMediumTermCheckApi,
    PlanTransitionApi,
)
from investment.apis.projects import (  # noqa: F401
    DisbursementApi,
    ProjectDetailApi,
    ProjectImportApi,
    ProjectListApi,
    ProjectTemplateApi,
    ProjectTransitionApi,
)
from investment.apis.reviews import (  # noqa: F401
    ReviewAnswerApi,
    ReviewListApi,
)
