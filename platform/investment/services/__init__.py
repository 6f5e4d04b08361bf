"""Writes of public-investment plans, projects and reviews, one module per entity (plans, projects, reviews).

Every write is atomic, checks its rules before it touches a row, and leaves an event row (who, when,
from, to, what changed). A refused write raises ValidationError with field-level messages (a 400) and
changes nothing. Every write first asks `accounts.access` whether the actor may make it (AccessDenied, 403
or 404), in the district of the connection's tenant. Callers import from `investment.services`.
"""
from investment.services.plans import (  # noqa: F401
    MEDIUM_TERM_YEARS,
    PLAN_TRANSITIONS,
    plan_create,
    plan_transition,
    plan_update,
)
from investment.services.projects import (  # noqa: F401
    PROGRESS_RANGE,
    PROJECT_FIELDS,
    PROJECT_TRANSITIONS,
    SOURCES_DO_NOT_ADD_UP,
    disbursement_record,
    progress_record,
    project_create,
    project_transition,
    project_update,
)
from investment.services.reviews import (  # noqa: F401
    review_answer,
    review_create,
)
