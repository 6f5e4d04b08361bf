"""District routes of inspections and difficulties, mounted under /d/<slug>/ by config.urls_district."""
from django.urls import path

from duties import apis, views

api_patterns = [
    path("duties/inspections/", apis.InspectionListApi.as_view(), name="api-inspections"),
    path("duties/corrections/<int:pk>/close/", apis.CorrectionCloseApi.as_view(), name="api-correction-close"),
    path("duties/difficulties/", apis.DifficultyListApi.as_view(), name="api-difficulties"),
    path("duties/difficulties/<int:pk>/answer/", apis.DifficultyAnswerApi.as_view(), name="api-difficulty-answer"),
    path("duties/difficulties/<int:pk>/forward/", apis.DifficultyForwardApi.as_view(), name="api-difficulty-forward"),
]

page_patterns = [
    path("duties/inspections/", views.inspections_page, name="inspections-page"),
    path("duties/difficulties/", views.difficulties_page, name="difficulties-page"),
]
