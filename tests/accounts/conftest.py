from datetime import timedelta

import pytest


@pytest.fixture
def lockout(settings):
    """The lockout as in production (the test settings switch it off)."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    return settings
