# The glossary's name for 述职评议 is duty_report_review.

from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orgs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("evaluation", "0002_reviews_assessments"),
    ]

    operations = [
        migrations.RenameModel(old_name="DutyReview", new_name="DutyReportReview"),
    ]
