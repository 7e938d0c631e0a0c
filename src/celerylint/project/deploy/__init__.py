"""Deployments: compose, Procfile, systemd, Kubernetes/Helm, supervisord and script files, the worker and beat commands they start, and how they group into deployments."""
