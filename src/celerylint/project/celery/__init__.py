"""The Celery model: apps, their settings, tasks, routes, beat schedules and how workers register tasks."""
