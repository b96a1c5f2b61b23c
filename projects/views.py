from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    return render(request, "projects/home.html")


@login_required
def project_detail(request, code):
    return render(request, "projects/detail.html")
