"""Pages of the plan cycle: /d/<slug>/plans/…"""
from django.urls import path

from plans import views

urlpatterns = [
    path("", views.dashboard, name="plans-dashboard"),
    path("cycles/<int:pk>/", views.cycle_page, name="plans-cycle"),
]
