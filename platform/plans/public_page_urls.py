"""Public pages of plans (no login): /d/<slug>/public/plans/…"""
from django.urls import path

from plans import views

urlpatterns = [
    path("", views.public_plan_list, name="public-plans"),
    path("<int:pk>/", views.public_plan_page, name="public-plan"),
]
