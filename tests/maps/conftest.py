from __future__ import annotations

import pytest
from maps_helpers import hand_plan_view

from maps import PlanView


@pytest.fixture
def view() -> PlanView:
    return hand_plan_view()
