"""The hybrid routing plan, in one place: several named workloads, each routed by the engine,
priced by the advice's pricing, placed on the guide's flowchart, sharing self-hosted
platforms, and exported as configurations real AI gateways load.

A Django app above ``advisor.advice`` (it calls the advice; the advice never imports it):

- ``building``: the plan from its workloads (pure: no database, no request).
- ``platform``: one shared self-hosted platform per approach, and each workload's share.
- ``gateways``: the LiteLLM and Portkey configurations and the routing policy, as data.
- ``exports``: those downloads as HTTP responses (live plan, saved plan).
- ``forms``, ``views``, ``urls``: the ``/plan/`` pages (URL names ``plan:...``).
- ``api``: ``POST /api/v1/route``, a router of the ``/api/v1/`` NinjaAPI.
"""
