"""Broker and result-backend URLs: where they come from and how they are built."""
