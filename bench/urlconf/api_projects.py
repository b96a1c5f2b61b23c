"""URLs of the API benchmark's server: the product's URLs and the floor view.

Only ``bench/api_projects.py`` uses this module, as the ROOT_URLCONF of the
gunicorn it starts; the product's own URLs never include the floor. It lives
in a folder of its own so that ``make bench`` does not run it as a script.
"""

from django.urls import path

from bench.api_projects import floor_projects
from config.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("bench/floor/projects/", floor_projects, name="bench-floor-projects"),
    *product_urlpatterns,
]
