"""Account pages we add to Django's own (logout, password change and reset).

Included before ``django.contrib.auth.urls``, so our ``login`` and ``password_reset``
(limited, one email either way) win.
"""

from __future__ import annotations

from django.urls import path

from advisor.orgs import views

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.login, name="login"),
    path("password_reset/", views.password_reset, name="password_reset"),
]
