"""Reads of proposals and village meetings (in the current district schema)."""
from proposals.models import Proposal, VillageMeeting


def district_counts():
    """Counts for the district summary."""
    return {"proposals": Proposal.objects.count(), "village_meetings": VillageMeeting.objects.count()}
