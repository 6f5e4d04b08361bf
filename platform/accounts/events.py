"""The one shape in which every API answers a record's events (the rows of `accounts.models.StateChange`).

`event_output(event, user=…)` builds it; `EventOutput` documents it for /api/schema/. Every answer that carries events
lists them under `events`, oldest first (docs/API.md, "Events"):

    {"action": "approve", "action_label": "Phê duyệt", "from": "submitted", "to": "approved", "note": "",
     "actor": {"username": "huyen.yen-phong", "name": "Nguyễn Văn A"} | null,
     "at": "2026-03-02T09:15:00+07:00", "changes": {...} | null}

Who did something outside an event (a step's `done_by`, a photo's `uploaded_by`, a note's `author`) is the same
object, `person_output(user, reader=…)`, documented by `EventActorOutput`; every time an answer gives is
`moment_output(value)`, the same form as `at`.

`actor` is null when the caller may not learn who acted (`accounts.access.can_see_who_acted`: the public); `at` is
ISO 8601 in the platform's time zone with its offset; `changes` is what the event changed or recorded beside the
status, or null: `{field: [before, after]}` for an edit of an investment plan or project (Đ8), the review decision of a
project, or `{decided_on, due_on}` for a step of a plan cycle (Đ4: the decision's date and the step's due date then).
"""
from django.utils import timezone
from rest_framework import serializers

from accounts import access


def person_output(person, *, reader, public=False):
    """Who did something, as every API answer names a person: `{"username", "name"}` (`name`: the full name, else the
    username), or None when there is no one or the `reader` may not learn who acted (`access.can_see_who_acted`: the
    public). `public`: the answer goes to a public page or route."""
    if person is None or not access.can_see_who_acted(reader, public=public):
        return None
    return {"username": person.username, "name": person.get_full_name() or person.username}


# `EventActorOutput` as a JSON schema, for the answers described by hand (the layer kit's `property_schemas`).
PERSON_SCHEMA = {"type": "object", "nullable": True, "required": ["username", "name"],
                 "description": "who did it (accounts.events.person_output)",
                 "properties": {"username": {"type": "string"}, "name": {"type": "string"}}}


def person_sql(alias):
    """`person_output` written by PostgreSQL, for the SQL-built answers (layers): a json object of the user table row
    `alias` (an `accounts_user` joined by the caller), or SQL NULL when the row is absent. Only for answers the public
    never reads (their `rows()` refuse the anonymous reader)."""
    return (f"CASE WHEN {alias}.id IS NULL THEN NULL ELSE json_build_object('username', {alias}.username, 'name', "
            f"coalesce(nullif(trim({alias}.first_name || ' ' || {alias}.last_name), ''), {alias}.username)) END")


def moment_output(value):
    """A date-time as every API answers it: ISO 8601 in the platform's time zone (Asia/Ho_Chi_Minh) with its offset,
    `2026-03-02T09:15:00+07:00`; None stays None. `value`: an aware datetime."""
    return None if value is None else timezone.localtime(value).isoformat()


def action_label(event):
    """What `event` did, in the current language: the choice of its `action` field (proposals, investment), else its
    model's `ACTION_LABELS` {code: gettext_lazy label} (the event models of plans and monitoring, whose actions are
    written by their services); `StateChange.save` refuses a code with neither, so the code itself is only a last
    resort for rows written before."""
    label = type(event).action_labels().get(event.action)
    return event.action if label is None else str(label)


def event_output(event, *, user, public=False, changes=None):
    """One event (a `StateChange` row, its `actor` loaded) as every API answers it, for the reader `user`.

    `public`: the answer goes to a public page or route (no actor). `changes`: what to show under `changes` when the
    row has no `changes` field of its own (the plan cycle's step dates); JSON-ready values only.
    """
    if changes is None:
        changes = getattr(event, "changes", None) or None
    return {
        "action": event.action,
        "action_label": action_label(event),
        "from": event.from_status,
        "to": event.to_status,
        "note": event.note,
        "actor": person_output(event.actor, reader=user, public=public),
        "at": moment_output(event.at),
        "changes": changes,
    }


def events_output(events, *, user, public=False):
    """`event_output` of each row of `events` (a queryset or list), in their order."""
    return [event_output(event, user=user, public=public) for event in events]


class EventActorOutput(serializers.Serializer):
    """Who did something (`person_output`): the one person shape of every answer."""

    username = serializers.CharField(help_text="the sign-in name")
    name = serializers.CharField(help_text="the full name, else the username")


class EventOutput(serializers.Serializer):
    """An event of a workflow record, the one shape of every API answer (`accounts.events.event_output`)."""

    action = serializers.CharField(help_text="what was done, a code")
    action_label = serializers.CharField(help_text="what was done, in the request's language (the code where none is defined)")
    note = serializers.CharField(help_text="the note or reason given, may be empty")
    actor = EventActorOutput(allow_null=True, help_text="who acted; null when the caller may not know (the public)")
    at = serializers.DateTimeField(help_text="ISO 8601 with the offset of Asia/Ho_Chi_Minh")
    changes = serializers.JSONField(allow_null=True, help_text=(
        "what the event changed or recorded beside the status: {field: [before, after]} for an edit, "
        "{decided_on, due_on} for a step of a plan cycle; null when nothing"))

    def get_fields(self):
        # `from` and `to` are Python keywords: declared here, not as attributes.
        fields = super().get_fields()
        fields["from"] = serializers.CharField(help_text="the status before, may be empty")
        fields["to"] = serializers.CharField(help_text="the status after, may be empty")
        return fields


EVENT_KEYS = frozenset({"action", "action_label", "from", "to", "note", "actor", "at", "changes"})
