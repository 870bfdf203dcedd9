""" "Change" from the review or the result returns there after that one answer."""

from __future__ import annotations

import pytest

from tests.wizard.conftest import HTMX

pytestmark = pytest.mark.django_db


def test_the_review_s_change_links_say_where_they_come_from(answered) -> None:
    page = answered.get("/wizard/review/").content.decode()

    assert 'href="/wizard/step/data_sensitivity/?next=review"' in page
    assert 'hx-get="/wizard/step/data_sensitivity/?next=review"' in page


def test_the_result_s_change_links_say_where_they_come_from(answered) -> None:
    page = answered.get("/wizard/result/").content.decode()

    assert 'href="/wizard/step/data_sensitivity/?next=result"' in page


def test_the_step_opened_from_the_review_posts_back_with_it(answered) -> None:
    page = answered.get("/wizard/step/customization/?next=review").content.decode()

    assert 'action="/wizard/step/customization/?next=review"' in page
    assert "Save and back to the review" in page
    assert 'href="/wizard/review/">Cancel' in page


def test_changing_an_answer_from_the_review_returns_to_the_review(answered) -> None:
    response = answered.post("/wizard/step/team_capacity/?next=review", {"answer": "ml_team"})

    assert response.status_code == 302
    assert response["Location"] == "/wizard/review/"


def test_changing_an_answer_from_the_result_returns_to_the_result(answered) -> None:
    response = answered.post("/wizard/step/customization/?next=result", {"answer": "standard"})

    assert response.status_code == 302
    assert response["Location"] == "/wizard/result/"


def test_with_htmx_the_review_comes_back_in_place(answered) -> None:
    response = answered.post(
        "/wizard/step/team_capacity/?next=review", {"answer": "ml_team"}, **HTMX
    )

    assert response.status_code == 200
    assert response["HX-Push-Url"] == "/wizard/review/"
    assert "See my recommendation" in response.content.decode()


def test_with_htmx_the_result_is_a_client_redirect(answered) -> None:
    response = answered.post(
        "/wizard/step/team_capacity/?next=result", {"answer": "ml_team"}, **HTMX
    )

    assert response["HX-Redirect"] == "/wizard/result/"


def test_a_revealed_question_answered_before_is_not_asked_again(answered) -> None:
    answered.post("/wizard/step/stage/", {"answer": "prototype"})  # uptime is hidden now
    session_answers = answered.get("/wizard/review/").content.decode()
    assert "uptime" not in session_answers

    response = answered.post("/wizard/step/stage/?next=review", {"answer": "production"})

    # uptime was answered earlier and is kept, so straight back to the review.
    assert response["Location"] == "/wizard/review/"


def test_a_newly_shown_unanswered_question_comes_before_the_way_back(client) -> None:
    client.post("/wizard/step/data_sensitivity/", {"answer": "non_sensitive"})
    client.post("/wizard/step/stage/", {"answer": "prototype"})

    response = client.post("/wizard/step/stage/?next=review", {"answer": "production"})

    assert response["Location"] == "/wizard/step/uptime/?next=review"
    after = client.post("/wizard/step/uptime/?next=review", {"answer": "tolerant"})
    assert after["Location"] == "/wizard/review/"


def test_without_next_the_wizard_walks_on(answered) -> None:
    response = answered.post("/wizard/step/data_sensitivity/", {"answer": "sensitive"})

    assert response["Location"] == "/wizard/step/requests_per_day/"


def test_an_unknown_next_is_ignored(answered) -> None:
    response = answered.post(
        "/wizard/step/data_sensitivity/?next=https://evil.example/", {"answer": "sensitive"}
    )

    assert response["Location"] == "/wizard/step/requests_per_day/"


def test_start_over_asks_before_wiping_the_answers(answered) -> None:
    review = answered.get("/wizard/review/").content.decode()
    result = answered.get("/wizard/result/").content.decode()
    assert 'href="/wizard/start-over/?next=review"' in review
    assert 'href="/wizard/start-over/?next=result"' in result
    assert 'action="/wizard/restart/"' not in review + result

    page = answered.get("/wizard/start-over/?next=result")

    text = page.content.decode()
    assert page.status_code == 200
    assert 'action="/wizard/restart/"' in text
    assert "csrfmiddlewaretoken" in text
    assert 'href="/wizard/result/">Keep my answers' in text
    # Asking changed nothing: the answers are all still there.
    assert answered.get("/wizard/review/").content.decode().count("Not answered yet") == 0


def test_confirming_start_over_wipes_the_answers(answered) -> None:
    response = answered.post("/wizard/restart/")

    assert response.status_code == 302
    assert answered.get("/wizard/result/")["Location"] == "/wizard/"
