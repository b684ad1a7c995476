from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def me(request):
    return HttpResponse("me")


@login_required
def org_tree(request):
    return HttpResponse("tree")


org_detail = org_children = roster = member_new = org_audit = member_detail = member_edit = org_tree
