from django.urls import include, path

urlpatterns: list = []
urlpatterns += [path("", include("orglife.study.plan_urls"))]  # study plans, class hours, points
urlpatterns += [path("", include("orglife.study.exam_urls"))]  # question bank, exams, quiz challenges
