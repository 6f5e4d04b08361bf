"""Province routes of the library, training and communication (Đ12–Đ18), included by config.urls_public."""
from django.urls import path

from guidance import apis, views

api_patterns = [
    path("library/", apis.DocumentListApi.as_view(), name="api-library"),
    path("training/courses/", apis.CourseListApi.as_view(), name="api-training-courses"),
    path("training/untrained/", apis.UntrainedApi.as_view(), name="api-training-untrained"),
    path("communication/", apis.CommunicationListApi.as_view(), name="api-communication"),
]

page_patterns = [
    path("library/", views.library_page, name="library-page"),
    path("training/", views.training_page, name="training-page"),
    path("communication/", views.communication_page, name="communication-page"),
]
