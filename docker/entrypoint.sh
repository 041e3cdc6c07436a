#!/bin/sh
# One image, these roles:
#   web      migrate (and seed the demo only with SEED_DEMO=1), then serve — one container alone
#   migrate  only the migrate (and SEED_DEMO seeding) step; compose runs it once before the others
#   serve    only the web server (gunicorn)
#   worker, beat
# Anything else is run as is.
set -eu

migrate() {
    python manage.py migrate --noinput
    if [ "${SEED_DEMO:-0}" = "1" ]; then
        # Idempotent: a restart reuses the demo district instead of creating it twice.
        python manage.py seed_demo
    fi
}

serve() {
    # gunicorn (district_portal/gunicorn_conf.py). Without SEED_DEMO=1 it refuses to start with
    # DEBUG on, no SECRET_KEY or an account that still has the demo password.
    exec python -m district_portal.cli serve --bind "${BIND:-0.0.0.0}" --port "${PORT:-8000}"
}

case "${1:-web}" in
    web)
        migrate
        serve
        ;;
    migrate)
        migrate
        ;;
    serve)
        serve
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
