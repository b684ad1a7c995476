from django.urls import include, path

urlpatterns: list = []
urlpatterns += [path("", include("orglife.study.plan_urls"))]  # study plans, class hours, points
