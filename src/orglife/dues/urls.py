from django.urls import path

from . import views

urlpatterns = [
    path("dues/org/<str:code>/", views.org_month, name="dues_org_month"),
    path("dues/org/<str:code>/summary/", views.summary, name="dues_summary"),
    path("dues/org/<str:code>/summary.xlsx", views.summary_xlsx, name="dues_summary_xlsx"),
    path("dues/org/<str:code>/arrears/", views.arrears, name="dues_arrears"),
    path("dues/org/<str:code>/import/", views.payment_import, name="dues_import"),
    path("dues/org/<str:code>/template.xlsx", views.template_xlsx, name="dues_template"),
    path("dues/import/<int:pk>/", views.import_result, name="dues_import_result"),
    path("dues/import/<int:pk>/errors.xlsx", views.import_errors_xlsx, name="dues_import_errors"),
    path("dues/member/<int:member_id>/", views.member_dues, name="dues_member"),
    path("dues/mine/", views.my_dues, name="dues_mine"),
    path("dues/payment/<int:pk>/delete/", views.payment_delete, name="dues_payment_delete"),
    path("dues/voluntary/<int:pk>/forward/", views.voluntary_forward, name="dues_voluntary_forward"),
    path("dues/relief/<int:pk>/decide/", views.relief_decide, name="dues_relief_decide"),
    path("dues/case/<int:pk>/", views.case_detail, name="dues_case"),
]
