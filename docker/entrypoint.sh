#!/bin/sh
# One image, three roles: web (migrates first; seeds the demo only with SEED_DEMO=1), worker and
# beat; anything else is run as is.
set -eu

case "${1:-web}" in
    web)
        python manage.py migrate --noinput
        if [ "${SEED_DEMO:-0}" = "1" ]; then
            # Idempotent: a restart reuses the demo district instead of creating it twice.
            python manage.py seed_demo
        fi
        # gunicorn (district_portal/gunicorn_conf.py). Without SEED_DEMO=1 it refuses to start with
        # DEBUG on, no SECRET_KEY or an account that still has the demo password.
        exec python -m district_portal.cli serve --bind "${BIND:-0.0.0.0}" --port "${PORT:-8000}"
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
