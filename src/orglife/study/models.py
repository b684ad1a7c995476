from django.db import models  # noqa: F401

from .exam_models import *  # noqa: F401,F403
from .exam_models import EXAM_ACTION_LABELS
from .plan_models import *  # noqa: F401,F403
from .plan_models import PLAN_ACTION_LABELS

# Chinese labels for the audit actions this app writes (merged into core's table in apps.py).
ACTION_LABELS: dict[str, str] = {}
ACTION_LABELS.update(EXAM_ACTION_LABELS)
ACTION_LABELS.update(PLAN_ACTION_LABELS)
