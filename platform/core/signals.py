"""What the workflow apps announce when they change something an app above them keeps a copy of.

Django signals, sent synchronously (`Signal.send`): every receiver runs inside the sender's transaction,
and an exception in a receiver propagates, so the sender's write and the receivers' copies commit or
roll back together. Senders call the `announce_*` functions below; they never import the receivers.
`province` subscribes in its AppConfig.ready() (its rollups), `monitoring` adds its section to the
commune plan's Word document.
"""
from django.dispatch import Signal

# kwargs: district (tenants.District, or the connection's tenant), commune_codes (list of GSO codes, or None: the
# whole district), project_ids (investment project ids whose communes, before and after, are touched).
investment_changed = Signal()

# kwargs: district, commune_ids (AdministrativeUnit ids of the communes whose plan cycles changed, or None: all).
cycle_changed = Signal()

# kwargs: plan (plans.CommunePlan), document (a python-docx Document being written): receivers may append sections.
plan_document_built = Signal()


def announce_investment_changed(*, sender, district, commune_codes=None, project_ids=()) -> None:
    """Say that money, status, communes, links or village proposals of a district changed (Đ5 step 1, Đ6, Đ8–9).

    `commune_codes`: GSO codes of the communes touched (None with no `project_ids`: the whole district);
    `project_ids`: investment projects whose communes served, before and after the write, are touched.
    Runs the receivers now, in the caller's transaction; their errors propagate.
    """
    investment_changed.send(sender=sender, district=district, commune_codes=commune_codes, project_ids=tuple(project_ids))


def announce_cycle_changed(*, sender, district, commune_ids=None) -> None:
    """Say that the plan cycles (Đ3–Đ6 steps) of these communes (AdministrativeUnit ids; None: all) were created or moved on.

    Runs the receivers now, in the caller's transaction; their errors propagate.
    """
    cycle_changed.send(sender=sender, district=district, commune_ids=None if commune_ids is None else sorted(set(commune_ids)))
