from . import appraisal_urls, ballot_urls

urlpatterns: list = appraisal_urls.urlpatterns + ballot_urls.urlpatterns
