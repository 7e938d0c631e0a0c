"""celerylint: static analysis for Celery + Redis projects.

Importing this package must stay cheap: ``celerylint --version`` loads only this.
"""

__version__ = "0.1.0"
