import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Evidence files go to a temporary directory, never to var/media."""
    settings.MEDIA_ROOT = tmp_path
