"""Operations for the bureau's administrators: Celery task failures, worker and beat heartbeats,
health checks (/healthz, manage.py doctor), who cannot be e-mailed, and nightly backups."""
