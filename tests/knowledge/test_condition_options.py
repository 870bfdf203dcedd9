"""A rule condition's option picker says which question each option belongs to, and the
rule page loads the script that offers only the chosen question's options."""

from __future__ import annotations

import re

import pytest

from advisor.knowledge.models import Option

pytestmark = pytest.mark.django_db


def test_each_option_names_its_question(admin_client) -> None:
    page = admin_client.get("/admin/knowledge/rule/add/").content.decode()

    assert 'src="/static/advisor/js/admin-conditions.js"' in page
    select = re.search(
        r'<select name="conditions-0-option"[^>]*data-filter-by-question[^>]*>(.*?)</select>',
        page,
        re.S,
    )
    assert select, "no option picker marked for filtering"
    tagged = dict(re.findall(r'<option value="(\d+)" data-question="(\d+)"', select.group(1)))
    expected = {str(o.pk): str(o.question_id) for o in Option.objects.all()}
    assert tagged == expected


def test_the_lists_load_the_admin_stylesheet(admin_client) -> None:
    for path in ("rule", "offering"):
        page = admin_client.get(f"/admin/knowledge/{path}/").content.decode()
        assert 'href="/static/advisor/css/admin.css"' in page
