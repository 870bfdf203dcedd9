"""Account pages we add to Django's own (login, logout, password change and reset)."""

from __future__ import annotations

from django.urls import path

from advisor.orgs import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
]
