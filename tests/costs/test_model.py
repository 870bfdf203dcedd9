"""Validation of the plain input types."""

from __future__ import annotations

from decimal import Decimal

import pytest

from advisor.costs import CostOptions, Workload
from tests.costs import make_offering, make_profile


def test_floats_are_refused_for_money() -> None:
    offering = make_offering()
    with pytest.raises(TypeError, match="input_usd_per_mtok"):
        type(offering)(**{**_fields(offering), "input_usd_per_mtok": 1.25})


def test_ints_are_accepted_as_decimals() -> None:
    options = CostOptions(fine_tuning_one_off_usd=5000)  # type: ignore[arg-type]
    assert options.fine_tuning_one_off_usd == Decimal(5000)
    assert isinstance(options.fine_tuning_one_off_usd, Decimal)


@pytest.mark.parametrize("utilisation", ["0", "1.01", "-0.5"])
def test_utilisation_must_be_a_fraction_above_zero(utilisation: str) -> None:
    with pytest.raises(ValueError, match="utilisation"):
        make_profile(utilisation=utilisation)


def test_utilisation_of_one_is_allowed() -> None:
    assert make_profile(utilisation="1").utilisation == 1


def test_negative_volume_is_refused() -> None:
    with pytest.raises(ValueError, match="requests_per_day"):
        Workload(-1, 10, 10)


def test_amortisation_needs_at_least_a_month() -> None:
    with pytest.raises(ValueError, match="amortisation_months"):
        CostOptions(amortisation_months=0)


def test_non_finite_prices_are_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        make_offering(input_price="NaN")


def _fields(obj: object) -> dict[str, object]:
    return {name: getattr(obj, name) for name in obj.__slots__}  # type: ignore[attr-defined]
