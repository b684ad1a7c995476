"""Inspection pages, one URL module per area (problems and the ledger, campaigns, the 组织生活会 workflow)."""

from . import campaign_urls, life_urls, problem_urls

urlpatterns = problem_urls.urlpatterns + campaign_urls.urlpatterns + life_urls.urlpatterns
