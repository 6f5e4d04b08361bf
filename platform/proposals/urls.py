from django.urls import path

from proposals import apis

api_patterns = [
    path("proposals/", apis.ProposalListApi.as_view(), name="api-proposals"),
    path("proposals/clusters/", apis.ProposalClusterApi.as_view(), name="api-proposal-clusters"),
    path("proposals/rank/", apis.ProposalRankApi.as_view(), name="api-proposal-rank"),
    path("proposals/publish/", apis.ProposalPublishApi.as_view(), name="api-proposal-publish"),
    path("proposals/import/", apis.ProposalImportApi.as_view(), name="api-proposal-import"),
    path("proposals/<int:pk>/", apis.ProposalDetailApi.as_view(), name="api-proposal"),
    path("proposals/<int:pk>/accept/", apis.ProposalAcceptApi.as_view(), name="api-proposal-accept"),
    path("proposals/<int:pk>/defer/", apis.ProposalDeferApi.as_view(), name="api-proposal-defer"),
    path("proposals/<int:pk>/reject/", apis.ProposalRejectApi.as_view(), name="api-proposal-reject"),
    path("proposals/<int:pk>/merge/", apis.ProposalMergeApi.as_view(), name="api-proposal-merge"),
    path("proposals/<int:pk>/attachments/", apis.ProposalAttachmentApi.as_view(), name="api-proposal-attachments"),
    path("commune-units/", apis.CommuneUnitListApi.as_view(), name="api-commune-units"),
    path("commune-units/<int:pk>/", apis.CommuneUnitDetailApi.as_view(), name="api-commune-unit"),
    path("village-meetings/", apis.VillageMeetingListApi.as_view(), name="api-village-meetings"),
    path("village-meetings/<int:pk>/", apis.VillageMeetingDetailApi.as_view(), name="api-village-meeting"),
]

public_api_patterns = [
    path("proposals/", apis.PublicProposalListApi.as_view(), name="api-public-proposals"),
    path("proposals/<int:pk>/attachments/", apis.PublicProposalAttachmentsApi.as_view(), name="api-public-proposal-attachments"),
]
