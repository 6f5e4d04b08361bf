"""The kinds of uploaded file and the object each belongs to.

A workflow app registers each of its upload fields here (in its AppConfig.ready), so this module never
imports the workflow apps: the download route finds the object by the stored name and asks the kind's
`may_read` (staff route) or `is_public` (public route), both of which call `accounts.access`.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps


@dataclass(frozen=True)
class FileKind:
    """One upload field. `name` is the folder and the URL segment (`proposal-attachments`); `model` is
    "app_label.Model"; `field` the FileField; `name_field` the CharField keeping the sender's file name;
    `may_read(user, obj) -> bool` and `is_public(obj) -> bool` decide who may fetch it; `in_public_schema`: the
    province's own uploads (stored under `public/`, served at the root), which a district's file commands skip."""

    name: str
    model: str
    field: str
    name_field: str
    may_read: Callable[[Any, Any], bool]
    is_public: Callable[[Any], bool]
    select_related: tuple = field(default=())
    in_public_schema: bool = False

    def find(self, stored_name):
        """The object holding the file stored under `stored_name` in the current schema, or None."""
        model = apps.get_model(self.model)
        return model._default_manager.select_related(*self.select_related).filter(**{self.field: stored_name}).first()


KINDS: dict[str, FileKind] = {}


def register(kind: FileKind) -> None:
    KINDS[kind.name] = kind


def get(name: str) -> FileKind | None:
    return KINDS.get(name)
