"""组织生活会 / 民主生活会 workflow pages."""

urlpatterns: list = []
