"""The demo world behind ``make run`` and the generated projects behind the
benchmarks, loaded by ``manage.py seed_demo``.

- ``specs``: the bilingual directory, partnerships, agreements, logins and
  projects, as data; ``money_specs``: their terms and money, as data.
- ``history``: stage-gate histories, planned without the database.
- ``drafts``: projects drafted from the demo partnerships and written in bulk.
- ``seeding``: ``seed_demo()``, which writes the demo world idempotently;
  ``money``: ``seed_money()``, which drives its money through the services.
- ``distribution_specs`` and ``distribution``: the contracts the annual
  reports count, the equity held, the distribution policies and runs, as
  data, and ``seed_distribution()``, which writes them through the services.
- ``bulk``: ``generate_projects()``, the projects for benchmarks.

This is the top layer: it may import any app, and nothing imports it but
``bench/`` and the tests.
"""
