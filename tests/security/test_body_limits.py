"""Bodies over the limit are refused before anything reads them, multipart included.

Found in the attack: multipart bodies bypassed the 64 KiB limit (a 30 MB "upload" to a
wizard step was accepted). The keep-alive side of a 413 is tested through nginx, in
``tests/foundation/test_production_shape.py``.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.test import Client

from advisor.wizard.models import WizardSession

pytestmark = pytest.mark.django_db

LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def upload(size: int) -> io.BytesIO:
    file = io.BytesIO(b"x" * size)
    file.name = "big.bin"
    return file


def test_a_large_multipart_upload_to_a_wizard_step_is_refused() -> None:
    client = Client()
    response = client.post(
        "/wizard/step/data_sensitivity/", {"answer": "regulated", "file": upload(2 * LIMIT)}
    )
    assert response.status_code == 413
    assert "too much" in response.content.decode()
    assert WizardSession.objects.count() == 0


def test_a_large_form_post_anywhere_is_refused() -> None:
    response = Client().post("/accounts/login/", {"username": "x" * (2 * LIMIT)})
    assert response.status_code == 413


def test_the_api_answers_413_in_its_json_shape_for_a_multipart_body() -> None:
    response = Client().post("/api/v1/recommend", {"file": upload(2 * LIMIT)})
    assert response.status_code == 413
    assert response.json()["errors"]["body"]


def test_a_small_multipart_post_still_works() -> None:
    client = Client()
    response = client.post(
        "/wizard/step/data_sensitivity/", {"answer": "regulated", "file": upload(100)}
    )
    assert response.status_code == 302
    assert WizardSession.objects.get().answers == {"data_sensitivity": "regulated"}


def test_the_413_page_keeps_the_security_headers() -> None:
    response = Client().post("/wizard/step/stage/", {"file": upload(2 * LIMIT)})
    assert "Content-Security-Policy" in response.headers
    assert "Permissions-Policy" in response.headers
