"""Organizational-life pages, one URL module per area (plans, records, reviews, compliance, talks, exemptions)."""

from . import compliance_urls, exemption_urls, plan_urls, record_urls, review_urls, talk_urls

urlpatterns = (
    plan_urls.urlpatterns + record_urls.urlpatterns + compliance_urls.urlpatterns + talk_urls.urlpatterns
    + exemption_urls.urlpatterns + review_urls.urlpatterns
)
