"""Beat schedules: entries, schedule values and the processes that run beat."""
