"""The work inbox: what waits for a user, gathered from every app that has work to hand out (issue 14, part 4).

`core` sits below every app, so it cannot read their models; each app registers its sources here in its
AppConfig.ready(), as `files.kinds` and `tenants.counters` do. A source is a function
`source(user, *, district, on) -> Iterable[InboxItem]`:

- a *district* source (`level="district"`) is called with the connection inside the user's district schema
  and `district` the tenant (district, commune and village users, and the reminder command for everyone);
- a *province* source (`level="province"`) is called in the public schema with `district=None` (province
  staff; it reads the province's own tables or copies, never loops over the schemas).

A source returns only what this user must act on; it asks `accounts.access` like any selector.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

DISTRICT = "district"
PROVINCE = "province"


@dataclass(frozen=True)
class InboxItem:
    """One piece of waiting work.

    `key`: stable across days ("<schema>:<kind>:<id>[:<more>]"), the reminder log's key; `kind`: the source's code
    (`proposal_decide`, `step_due`, `report_due`…); `title`: translated text naming the object; `due_on`: the
    due date (local date) or None; `url`: the page where the work is done (a path on this site).
    """

    key: str
    kind: str
    title: str
    due_on: date | None
    url: str

    def is_overdue(self, on: date) -> bool:
        """Past its due date: "by 10 May" means 10 May itself is still in time."""
        return self.due_on is not None and on > self.due_on

    def as_dict(self, on: date) -> dict:
        return {"key": self.key, "kind": self.kind, "title": str(self.title), "due_on": self.due_on,
                "overdue": self.is_overdue(on), "url": self.url}


@dataclass(frozen=True)
class Source:
    name: str
    level: str
    items: Callable[..., Iterable[InboxItem]]


SOURCES: dict[str, Source] = {}


def register_source(name: str, items: Callable[..., Iterable[InboxItem]], *, level: str = DISTRICT) -> None:
    """Add a source of inbox items (called from an app's AppConfig.ready()). `level`: DISTRICT or PROVINCE."""
    if level not in (DISTRICT, PROVINCE):
        raise ValueError(f"unknown inbox level {level!r}")
    SOURCES[name] = Source(name, level, items)


def collect(user, *, level: str, district=None, on: date) -> list[InboxItem]:
    """Every item the registered sources of `level` give this user, undated last, then by due date and title.

    The caller has put the connection in the right schema (the district's for DISTRICT, public for PROVINCE).
    """
    found = []
    for source in SOURCES.values():
        if source.level == level:
            found.extend(source.items(user, district=district, on=on))
    return sorted(found, key=lambda item: (item.due_on is None, item.due_on or date.max, str(item.title)))
