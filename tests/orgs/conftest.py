"""Organisation fixtures: see ``tests/orgs/fixtures.py`` (importable by other apps' tests)."""

from tests.orgs.fixtures import editor, org, outsider, owner, viewer  # noqa: F401
