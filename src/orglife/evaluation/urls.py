from . import appraisal_urls, assessment_urls, ballot_urls, review_urls

urlpatterns: list = appraisal_urls.urlpatterns + ballot_urls.urlpatterns + assessment_urls.urlpatterns + review_urls.urlpatterns
