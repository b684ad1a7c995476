from django.urls import path

from . import compliance_views as views

urlpatterns: list = [
    path("orgs/<str:code>/compliance/", views.compliance_heatmap, name="compliance"),
    path("orgs/<str:code>/compliance.xlsx", views.compliance_xlsx, name="compliance_xlsx"),
    path("orgs/<str:code>/book.pdf", views.book_pdf, name="book_pdf"),
]
