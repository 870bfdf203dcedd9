"""Account pages we add to Django's own (logout, password change and reset).

Included before ``django.contrib.auth.urls``, so our ``login`` and ``password_reset``
(limited, one email either way) and ``password_reset_confirm`` (a new password lifts a
login block) win.
"""

from __future__ import annotations

from django.urls import path

from advisor.orgs import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.login, name="login"),
    path("password_reset/", views.password_reset, name="password_reset"),
    path("reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
]
