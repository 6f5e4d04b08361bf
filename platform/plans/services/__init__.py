"""Writes of the plan cycle, one module per step of the Decision. Every state change locks its row, checks the source state, and records who/when/from/to.

Refusals raise django's ValidationError (a 400 with the reason) when the request is wrong for the
state of things, and `accounts.access.AccessDenied` (a 403) when the user's role does not own the action; in
both cases nothing is written (each service is one transaction). Callers import from `plans.services`.
"""
from plans.services.approval import (  # noqa: F401
    plan_record_district_approval,
    plan_record_document_number,
    plan_record_resolution,
)
from plans.services.consultation import (  # noqa: F401
    PUBLIC_COMMENT_MAX_CHARS,
    PUBLIC_NAME_MAX_CHARS,
    conference_record,
    consultation_open,
    public_comment_answer,
    public_comment_moderate,
    public_comment_submit,
)
from plans.services.cycle import (  # noqa: F401
    cycle_create,
    cycle_step_complete,
    evidence_add,
)
from plans.services.feedback import (  # noqa: F401
    feedback_answer,
    feedback_create,
    feedback_letter_record_number,
    feedback_no_comments,
)
from plans.services.implementation import (  # noqa: F401
    action_programme_create,
)
from plans.services.orientation import (  # noqa: F401
    orientation_create,
    orientation_publish,
)
from plans.services.team import (  # noqa: F401
    TEAM_MAX,
    TEAM_MIN,
    team_check,
    team_set,
)
from plans.services.versions import (  # noqa: F401
    NEXT_KIND_STEPS,
    item_create,
    item_delete,
    item_update,
    plan_amend,
    plan_create_draft,
    plan_new_version,
    plan_update,
    target_create,
    target_delete,
)
