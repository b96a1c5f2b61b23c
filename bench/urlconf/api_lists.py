"""URLs of the API list benchmark's server: the product's URLs and a floor
per list.

Only ``bench/api_lists.py`` uses this module, as the ROOT_URLCONF of the
gunicorn it starts; the product's own URLs never include the floors.
"""

from django.urls import path

from bench.api_lists import FLOORS, floor_list
from config.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    *(
        path(f"bench/floor/{name}/", floor_list, {"name": name}, name=f"bench-floor-{name}")
        for name in FLOORS
    ),
    *product_urlpatterns,
]
