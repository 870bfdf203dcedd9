"""Random JSON to every POST endpoint of the API: never a 5xx, always JSON, and every
refusal in the one error shape ``{"errors": {"<field>": ["message", ...]}}``.

Bodies are arbitrary JSON (``st.recursive``), JSON of roughly the right shape with hostile
values, and raw bytes that are not JSON at all.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.knowledge.loader import read_seed
from tests.security.conftest import examples

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SEED = read_seed()
QUESTION_KEYS = [q["key"] for q in SEED["questions"]]
OPTION_KEYS = [o["key"] for q in SEED["questions"] for o in q["options"]]

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "\x00", "regulated", "production", "1e400", "-0", "\u202e"])
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(QUESTION_KEYS) | st.text(max_size=20)
answer_values = st.sampled_from(OPTION_KEYS) | json_values
answers = st.dictionaries(keys, answer_values, max_size=10) | json_values

BODIES = {
    "recommend": st.fixed_dictionaries({"answers": answers}) | json_values,
    "break-even": st.fixed_dictionaries(
        {"requests_per_day": st.integers(min_value=-10, max_value=2 * 10**9) | json_values},
        optional={
            "input_tokens": st.integers(min_value=-10, max_value=3 * 10**6) | json_values,
            "output_tokens": st.integers(min_value=-10, max_value=3 * 10**6) | json_values,
            "offering": json_values,
            "infrastructure": json_values,
            "mission_critical": json_values,
            "extra": json_values,
        },
    )
    | json_values,
    "route": st.fixed_dictionaries(
        {
            "workloads": st.lists(
                st.fixed_dictionaries(
                    {"name": st.text(max_size=130) | json_values},
                    optional={"answers": answers, "extra": json_values},
                )
                | json_values,
                max_size=6,
            )
            | json_values
        }
    )
    | json_values,
}

RAW_BODIES = [
    b"",
    b"{",
    b"null",
    b'{"answers": NaN}',
    b'{"requests_per_day": Infinity}',
    b'{"requests_per_day": 1e400}',
    b'{"requests_per_day": ' + b"9" * 5000 + b"}",
    b'{"answers": {"requests_per_day": ' + b"9" * 5000 + b"}}",
    b'{"answers": {"requests_per_day": 1e400}}',
    b'{"workloads": [{"name": "a", "answers": {"requests_per_day": -1e400}}]}',
    b"\xff\xfe{}",
    b'{"a": "\xc3\x28"}',
    b"[" * 50_000 + b"]" * 50_000,
    b'{"answers": {}, "answers": []}',
    b'{"workloads": [' + b'{"name": "w"},' * 3000 + b'{"name": "w"}]}',  # over 64 KB
]


def check(response) -> None:
    assert response.status_code < 500, response.content[:500]
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    if response.status_code >= 400:
        assert response.status_code in (400, 413), response.status_code
        assert set(body) == {"errors"}, body
        assert isinstance(body["errors"], dict)
        assert body["errors"]
        for field, messages in body["errors"].items():
            assert isinstance(field, str)
            assert isinstance(messages, list)
            assert messages
            assert all(isinstance(m, str) and m for m in messages)
    else:
        assert response.status_code == 200
        assert isinstance(body, dict)
        assert "errors" not in body


@pytest.mark.parametrize("endpoint", BODIES)
def test_random_json_never_breaks_the_api(endpoint: str) -> None:
    client = Client(enforce_csrf_checks=True)
    url = f"/api/v1/{endpoint}"

    @FUZZ
    @given(body=BODIES[endpoint])
    def run(body: Any) -> None:
        check(client.post(url, json.dumps(body), content_type="application/json"))

    run()


@pytest.mark.parametrize("endpoint", BODIES)
@pytest.mark.parametrize("body", RAW_BODIES, ids=range(len(RAW_BODIES)))
def test_raw_bodies_that_are_not_json_answer_the_error_shape(endpoint: str, body: bytes) -> None:
    response = Client().post(f"/api/v1/{endpoint}", body, content_type="application/json")
    check(response)
    assert response.status_code in (400, 413)


@pytest.mark.parametrize("endpoint", BODIES)
@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_other_content_types_answer_the_error_shape(endpoint: str, content_type: str) -> None:
    response = Client().post(f"/api/v1/{endpoint}", b"a=1", content_type=content_type)
    check(response)
