"""``/api/v1/``: the NinjaAPI's URL patterns (names ``api:ruleset``, ``api:recommend``,
``api:openapi-json``)."""

from advisor.api.api import api

app_name = "api"
urlpatterns = api.urls[0]
