#!/bin/sh
# One image, three roles: web (migrates and seeds first), worker and beat; anything else is run as is.
set -eu

case "${1:-web}" in
    web)
        python manage.py migrate --noinput
        # Idempotent: a restart reuses the demo district instead of creating it twice.
        python manage.py seed_demo
        exec python manage.py runserver "0.0.0.0:${PORT:-8000}" --noreload
        ;;
    worker)
        exec celery -A district_portal worker -l "${LOG_LEVEL:-info}"
        ;;
    beat)
        # The schedule file is disposable: beat rebuilds it from CELERY_BEAT_SCHEDULE in settings.
        exec celery -A district_portal beat -l "${LOG_LEVEL:-info}" -s /tmp/celerybeat-schedule
        ;;
    *)
        exec "$@"
        ;;
esac
