# syntax=docker/dockerfile:1
#
# BioBridge: one image for the web server (gunicorn), the Celery worker and
# Celery beat. See docs/deployment.md.

ARG PYTHON_VERSION=3.13

# --- build: resolve and install the dependencies into a virtualenv -----------
FROM python:${PYTHON_VERSION}-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY . .
# `pip install .` installs the dependencies declared in pyproject.toml. The
# application itself runs from /app in the final image, next to its templates,
# static sources and translations (settings locate them from BASE_DIR), so the
# copy pip put into site-packages is removed again.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install . \
    && pip uninstall --yes biobridge


# --- runtime -----------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/app/media \
    WEB_CONCURRENCY=3

# A writable home: gunicorn puts its control socket under ~/.gunicorn.
RUN groupadd --system --gid 10001 biobridge \
    && useradd --system --uid 10001 --gid biobridge --create-home \
       --home-dir /home/biobridge --shell /usr/sbin/nologin biobridge

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
# The code stays owned by root: the application user can read it, not change it.
COPY . .

# Static files are collected (hashed and compressed by whitenoise) at build
# time. Production settings insist on SECRET_KEY, ALLOWED_HOSTS and a real
# mailer; these placeholders exist only for this step and are not kept in the
# image.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost EMAIL_URL=smtp://localhost:25 \
       python manage.py collectstatic --noinput \
    && python -m compileall -q /app \
    && mkdir -p /app/media /var/lib/celery \
    && chown biobridge:biobridge /app/media /var/lib/celery

# Numeric, so that orchestrators can tell the user is not root.
USER 10001:10001

EXPOSE 8000

# Liveness: /healthz answers 200 while gunicorn serves, touching nothing
# else. Readiness (/readyz: database, cache, broker, storage, migrations) is
# for the load balancer, which stops sending requests to a node that is not
# ready; as the container's health it would mark every node unhealthy during
# a database outage, and an orchestrator that restarts unhealthy containers
# would restart them all without mending anything. Probes are answered
# before the host check and the HTTPS redirect, so the request needs no
# Host or X-Forwarded-Proto header.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request as r; r.urlopen('http://127.0.0.1:8000/healthz', timeout=8)"]

# Workers come from WEB_CONCURRENCY (gunicorn reads it); each runs 4 threads.
# No gunicorn access log: BioBridge writes one record per request itself,
# with its id and route, where gunicorn's would write the query string.
CMD ["gunicorn", "config.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--threads", "4", \
     "--timeout", "60", \
     "--graceful-timeout", "30", \
     "--max-requests", "1000", \
     "--max-requests-jitter", "100", \
     "--worker-tmp-dir", "/dev/shm"]
