"""Reports fixtures: the organisation's users (``tests/orgs/fixtures.py``) and a report.

``report`` is a report of ``org`` saved by ``editor`` from the "Healthcare, finance or
legal" preset (see ``tests/reports/helpers.py``).
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AbstractBaseUser

from advisor.orgs.models import Organisation
from advisor.reports.models import Report
from tests.orgs.fixtures import editor, org, outsider, owner, viewer  # noqa: F401
from tests.reports.helpers import make_report


@pytest.fixture
def report(org: Organisation, editor: AbstractBaseUser) -> Report:  # noqa: F811
    return make_report(org, created_by=editor)
