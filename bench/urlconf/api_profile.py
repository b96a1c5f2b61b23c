"""URLs of the in-process API profile (``bench/api_profile.py``): the
product's URLs and every floor of the API benchmarks.

Only the profile uses this module as its ROOT_URLCONF; the product's own
URLs never include the floors.
"""

from django.urls import path

from bench.api_lists import FLOORS, floor_list
from bench.api_projects import floor_projects
from config.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/floor/projects/", floor_projects, name="bench-floor-projects"),
    *(
        path(f"bench/floor/{name}/", floor_list, {"name": name}, name=f"bench-floor-{name}")
        for name in FLOORS
    ),
    *product_urlpatterns,
]
