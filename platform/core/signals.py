"""What the workflow apps announce when they change something an app above them keeps a copy of.

Django signals, sent synchronously (`Signal.send`): every receiver runs inside the sender's transaction,
and an exception in a receiver propagates, so the sender's write and the receivers' copies commit or
roll back together. Senders call the `announce_*` functions below; they never import the receivers.
`province` subscribes in its AppConfig.ready() (its rollups), `monitoring` adds its section to the
commune plan's Word document, `frontend` e-mails new inbox work (after commit).
"""
from django.dispatch import Signal

# kwargs: district (tenants.District, or the connection's tenant), commune_codes (list of GSO codes, or None: the
# whole district), project_ids (investment project ids whose communes, before and after, are touched).
investment_changed = Signal()

# kwargs: district, commune_ids (AdministrativeUnit ids of the communes whose plan cycles changed, or None: all), actor
# (who moved them, or None).
cycle_changed = Signal()

# kwargs: level (a duty, as `accounts.access.recipients` reads it: "commune", "district", "province"…), unit (the
# geo.AdministrativeUnit of that duty, None for the province and the departments), actor (who made the work, or None).
work_created = Signal()

# kwargs: plan (plans.CommunePlan), document (a python-docx Document being written): receivers may append sections.
plan_document_built = Signal()


def announce_investment_changed(*, sender, district, commune_codes=None, project_ids=()) -> None:
    """Say that money, status, communes, links or village proposals of a district changed (Đ5 step 1, Đ6, Đ8–9).

    `commune_codes`: GSO codes of the communes touched (None with no `project_ids`: the whole district);
    `project_ids`: investment projects whose communes served, before and after the write, are touched.
    Runs the receivers now, in the caller's transaction; their errors propagate.
    """
    investment_changed.send(sender=sender, district=district, commune_codes=commune_codes, project_ids=tuple(project_ids))


def announce_cycle_changed(*, sender, district, commune_ids=None, actor=None) -> None:
    """Say that the plan cycles (Đ3–Đ6 steps) of these communes (AdministrativeUnit ids; None: all) were created or moved on.

    Runs the receivers now, in the caller's transaction; their errors propagate.
    """
    cycle_changed.send(sender=sender, district=district, commune_ids=None if commune_ids is None else sorted(set(commune_ids)), actor=actor)


def announce_new_work(*, sender, level, unit=None, actor=None) -> None:
    """Say that a write may have put new work in the inbox (`core.inbox`) of the accounts with a duty at `level` for
    `unit`: a proposal to decide, a comment or feedback to answer, feedback to give, a report to review, a correction
    to make or close, a difficulty to answer (issue 14, part 4: "each new item notifies its recipients").

    The sender does not say what is new: the receiver (`frontend.reminders`) reads each candidate's inbox after the
    transaction commits and tells them, by e-mail, of the items never told before; `actor` is not told of its own work.
    """
    work_created.send(sender=sender, level=level, unit=unit, actor=actor)
