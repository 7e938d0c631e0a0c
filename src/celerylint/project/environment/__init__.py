"""Environment: env files, the variables code reads, and which of them reach Celery."""
