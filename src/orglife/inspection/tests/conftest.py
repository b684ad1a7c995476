import pytest


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Evidence files and the reference index go to a temporary directory, never to var/."""
    settings.MEDIA_ROOT = tmp_path
    settings.VAR_DIR = tmp_path / "var"
