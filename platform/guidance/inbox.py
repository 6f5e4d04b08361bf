"""The province's inbox source: difficulties districts forwarded to it, not yet answered (Đ19)."""
from datetime import timedelta

from django.utils.translation import gettext as _

from accounts import access
from core.inbox import InboxItem
from guidance.models import ForwardedDifficulty

# Đ19 sets no time for an answer; the province's inbox shows one two weeks after forwarding.
ANSWER_WITHIN = timedelta(days=14)


def forwarded_difficulties(user, *, district, on):
    """Province staff: each forwarded difficulty still without the province's answer, due 14 days after forwarding."""
    if not access.is_province_wide(user):
        return []
    return [
        InboxItem(key=f"public:difficulty:{d.district_code}:{d.difficulty_id}", kind="difficulty_answer",
                  title=_("Answer the difficulty of %(commune)s: %(title)s") % {"commune": d.commune_name, "title": d.title},
                  due_on=d.forwarded_on + ANSWER_WITHIN, url=f"/d/{d.district_slug}/duties/difficulties/#difficulty-{d.difficulty_id}")
        for d in ForwardedDifficulty.objects.filter(answered_at=None)
    ]
