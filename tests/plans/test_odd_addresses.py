"""Addresses no page has: a 404, never a server error, on SQLite and PostgreSQL alike."""

import pytest

from tests import factories


@pytest.mark.parametrize("ref", ["CM%00A1.1", "CM.A1.1%00", "%01", "CM%0AA1.1"])
@pytest.mark.parametrize("page", ["", "update/2024/1/", "sign-off/2024/1/"])
def test_a_control_character_in_an_action_ref_is_not_found(plan, client_for, ref, page):
    factories.action(plan, "CM.A1.1")
    response = client_for("clerk").get(f"/plans/{plan.slug}/actions/{ref}/{page}")
    assert response.status_code == 404
