from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from . import selectors
from .filters import CompanyFilter
from .models import Company


def company_list(request):
    filterset = CompanyFilter(request.GET, queryset=selectors.company_list(user=request.user), request=request)
    companies = filterset.qs if filterset.is_valid() else Company.objects.none()
    return render(request, "companies/company_list.html", {
        "filter": filterset, "page": Paginator(companies, 12).get_page(request.GET.get("page")),
    })


def company_detail(request, slug: str):
    try:
        company = selectors.company_get(slug=slug, user=request.user)
    except Company.DoesNotExist:
        raise Http404 from None
    return render(request, "companies/company_detail.html", {"company": company})
