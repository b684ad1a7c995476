from django.db import models  # noqa: F401

from . import appraisal_models as _appraisal  # noqa: F401  民主评议党员
from . import ballot_models as _ballots  # noqa: F401  secret ballots
from . import review_models as _review  # noqa: F401  述职评议
from . import scorecard_models as _scorecard  # noqa: F401  考核评星

# Chinese labels for the audit actions this app writes (merged into core's table in apps.py).
ACTION_LABELS: dict[str, str] = {**_ballots.ACTION_LABELS, **_appraisal.ACTION_LABELS,
                                 **_review.ACTION_LABELS, **_scorecard.ACTION_LABELS}
