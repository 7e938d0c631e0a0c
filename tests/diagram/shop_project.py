"""A small shop with every relation the topology draws, and the problems it shows.

Shared by the topology, format and command tests: beat entries (crontab,
timedelta, seconds; one with a queue option), calls from a view and from
inside tasks, ``send_task``, two workers in one compose file, a beat process,
an unconsumed queue (CEL401), a task no worker imports (CEL302), and secrets
in a URL default and an env file that must never be printed.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_tree

from celerylint import api
from celerylint.api import RunResult
from celerylint.settings import Settings

SECRETS = ("hunter2pass", "prodpass", "topsecret")

SHOP = {
    "shop/__init__.py": "",
    "shop/celery_app.py": """\
        import os
        from datetime import timedelta

        from celery import Celery
        from celery.schedules import crontab

        app = Celery(
            "shop",
            broker=os.environ.get("CELERY_BROKER_URL", "redis://:hunter2pass@redis:6379/0"),
            backend="redis://redis:6379/1",
            include=["shop.orders.tasks"],
        )
        app.conf.task_routes = {"shop.billing.*": {"queue": "billing"}}
        app.conf.task_default_queue = "default"
        app.conf.task_soft_time_limit = 60
        app.conf.beat_schedule = {
            "nightly-invoices": {
                "task": "shop.billing.tasks.send_invoices",
                "schedule": crontab(minute=0, hour=2),
            },
            "refresh-stock": {
                "task": "shop.orders.tasks.refresh_stock",
                "schedule": timedelta(minutes=5),
                "options": {"queue": "stock"},
            },
        }
        """,
    "shop/orders/__init__.py": "",
    "shop/orders/tasks.py": """\
        import os

        import redis

        from shop.billing.tasks import send_invoices
        from shop.celery_app import app

        cache = redis.Redis.from_url(os.getenv("CACHE_URL", "redis://:topsecret@cache:6379/2"))


        @app.task(bind=True, max_retries=5, autoretry_for=(ConnectionError,), time_limit=120)
        def place_order(self, order_id):
            send_invoices.delay(order_id)
            charge.apply_async((order_id,), queue="payments")


        @app.task
        def charge(order_id):
            return order_id


        @app.task
        def refresh_stock():
            app.send_task("shop.orders.tasks.charge", args=(1,))
        """,
    "shop/billing/__init__.py": "",
    "shop/billing/tasks.py": """\
        from shop.celery_app import app


        @app.task
        def send_invoices(order_id=None):
            return order_id
        """,
    "shop/billing/reports.py": """\
        from shop.celery_app import app


        @app.task
        def monthly_report():
            return 1
        """,
    "shop/views.py": """\
        from shop.billing.reports import monthly_report
        from shop.orders.tasks import place_order


        def checkout(request):
            place_order.delay(request.id)


        def report(request):
            monthly_report.delay()
        """,
    "docker-compose.yml": """\
        services:
          redis:
            image: redis:7
          worker:
            command: celery -A shop.celery_app worker -Q default,billing -c 4
            env_file: config/production.env
          payments:
            command: celery -A shop.celery_app worker -Q payments
            env_file: config/production.env
          beat:
            command: celery -A shop.celery_app beat
            env_file: config/production.env
        """,
    "config/production.env": "CELERY_BROKER_URL=redis://:prodpass@redis:6379/0\nCACHE_URL=x\n",
    "requirements.txt": "celery[redis]==5.4.0\nredis\n",
}


def shop_result(tmp_path: Path) -> RunResult:
    root = write_tree(tmp_path / "shop_project", SHOP)
    return api.run(Settings(root=root, paths=(root,), use_cache=False, preview=True))
