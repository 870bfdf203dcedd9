"""Every bad request answers 400 (or 413/405) with the field at fault; none answers 5xx."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api import RECOMMEND_URL, RULESET_URL, post_answers, post_body

pytestmark = pytest.mark.django_db

QUESTION_KEYS = [
    "data_sensitivity",
    "requests_per_day",
    "team_capacity",
    "customization",
    "uptime",
    "frontier_capability",
    "stage",
    "workload_mix",
]


def assert_error_shape(response: Any) -> dict[str, list[str]]:
    """The API's error body: ``{"errors": {field: [message, ...]}}`` with no other key."""
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"errors"}
    assert body["errors"]
    for field, messages in body["errors"].items():
        assert isinstance(field, str)
        assert messages
        assert all(isinstance(message, str) and message for message in messages)
    return body["errors"]


BAD_BODIES = [
    pytest.param('{"answers": {', "body", id="malformed-json"),
    pytest.param("", "body", id="empty-body"),
    pytest.param("[]", "body", id="json-array"),
    pytest.param('"answers"', "body", id="json-string"),
    pytest.param("null", "body", id="json-null"),
    pytest.param('{"answers": {"requests_per_day": NaN}}', "body", id="nan-is-not-json"),
    pytest.param(b'{"answers": {"stage": "\xc3\x28"}}', "body", id="not-utf8"),
    pytest.param("[" * 30_000 + "]" * 30_000, "body", id="deeply-nested"),
    pytest.param('{"answers": []}', "answers", id="answers-list"),
    pytest.param('{"answers": "regulated"}', "answers", id="answers-string"),
    pytest.param('{"answers": null}', "answers", id="answers-null"),
    pytest.param('{"answer": {}}', "answer", id="stray-top-level-field"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_a_bad_body_is_a_400_naming_the_field(client, body: str | bytes, field: str) -> None:
    response = post_body(client, body)
    assert response.status_code == 400
    assert set(assert_error_shape(response)) == {field}


BAD_ANSWERS = [
    pytest.param({"foo": "x"}, "foo", "Unknown question.", id="unknown-question"),
    pytest.param(
        {"data_sensitivity": "secret"}, "data_sensitivity", "is not one of", id="unknown-option"
    ),
    pytest.param({"data_sensitivity": 1}, "data_sensitivity", "is not one of", id="number-choice"),
    pytest.param(
        {"requests_per_day": "500"}, "requests_per_day", "whole number", id="number-as-string"
    ),
    pytest.param({"requests_per_day": True}, "requests_per_day", "whole number", id="bool"),
    pytest.param({"requests_per_day": 1.5}, "requests_per_day", "whole number", id="fraction"),
    pytest.param({"requests_per_day": [1]}, "requests_per_day", "whole number", id="list"),
    pytest.param({"requests_per_day": -1}, "requests_per_day", "at least 0", id="negative"),
    pytest.param(
        {"requests_per_day": 1_000_000_001},
        "requests_per_day",
        "at most 1000000000",
        id="above-max",
    ),
    pytest.param({"requests_per_day": 1e300}, "requests_per_day", "at most", id="huge-float"),
]


@pytest.mark.parametrize(("answers", "field", "message"), BAD_ANSWERS)
def test_a_bad_answer_is_a_400_naming_the_question(
    client, answers: dict[str, Any], field: str, message: str
) -> None:
    response = post_answers(client, {"team_capacity": "ml_team", **answers})
    assert response.status_code == 400
    errors = assert_error_shape(response)
    assert set(errors) == {field}
    assert message in " ".join(errors[field])


def test_every_bad_answer_is_reported_at_once(client) -> None:
    response = post_answers(
        client, {"foo": 1, "data_sensitivity": "secret", "requests_per_day": -5, "stage": None}
    )
    assert response.status_code == 400
    assert set(assert_error_shape(response)) == {"foo", "data_sensitivity", "requests_per_day"}


def test_a_whole_float_is_a_whole_number(client) -> None:
    assert post_answers(client, {"requests_per_day": 2000.0}).status_code == 200


def test_an_oversized_body_is_a_413(client) -> None:
    body = json.dumps({"answers": {"stage": "prototype", "padding": "x" * 70_000}})
    response = post_body(client, body)
    assert response.status_code == 413
    assert assert_error_shape(response) == {"body": ["Request body too large (max 65536 bytes)."]}


def test_an_oversized_length_is_refused_before_reading(client) -> None:
    response = post_body(client, "{}", CONTENT_LENGTH=str(65_537))
    assert response.status_code == 413


def test_a_body_just_under_the_limit_is_read(client) -> None:
    body = json.dumps({"answers": {"stage": "prototype"}})
    body += " " * (65_536 - len(body))
    assert post_body(client, body).status_code == 200


@pytest.mark.parametrize("length", ["10", "0", "-1", "abc"])
def test_an_understated_or_broken_length_is_a_400_not_a_crash(client, length: str) -> None:
    response = post_body(client, '{"answers": {"stage": "prototype"}}', CONTENT_LENGTH=length)
    assert response.status_code == 400
    assert set(assert_error_shape(response)) == {"body"}


@pytest.mark.parametrize("method", ["get", "put", "delete", "patch"])
def test_recommend_takes_only_post(client, method: str) -> None:
    response = getattr(client, method)(RECOMMEND_URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_ruleset_takes_only_get(client) -> None:
    response = client.post(RULESET_URL, "{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET"


def test_paths_have_no_trailing_slash(client) -> None:
    assert client.get(RULESET_URL + "/").status_code == 404


# --- random bodies never break the server --------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=15,
)
answer_keys = st.sampled_from(QUESTION_KEYS) | st.text(max_size=20)
option_like = st.sampled_from(
    ["regulated", "sensitive", "non_sensitive", "ml_team", "prototype", "needed", ""]
)
answer_sets = st.dictionaries(answer_keys, json_values | option_like, max_size=8)
bodies = st.one_of(
    json_values.map(json.dumps),
    st.builds(lambda answers: json.dumps({"answers": answers}), answer_sets),
    st.builds(
        lambda answers, extra: json.dumps({"answers": answers, **extra}),
        answer_sets,
        st.dictionaries(st.text(max_size=8), json_values, max_size=2),
    ),
    st.text(max_size=50),
    st.binary(max_size=50),
)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies)
def test_random_bodies_never_answer_5xx(client, body: str | bytes) -> None:
    response = post_body(client, body)
    assert response.status_code in {200, 400}, (body, response.content)
    if response.status_code == 400:
        assert_error_shape(response)
    else:
        assert response.json()["ranking"]
