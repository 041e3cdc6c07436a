"""The health checks behind /healthz (and part of `manage.py doctor`). Each answers ok or not with
a short detail and, when not ok, how to fix it. Details never carry a password or a pupil's name."""

import random
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from oversight.operations import heartbeats

SCHEMA_SAMPLE = 5


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def redacted(url: str) -> str:
    """A URL with its password replaced, fit for a page or a log."""
    parts = urlsplit(url)
    if parts.password:
        netloc = f"{parts.username or ''}:***@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return Check("database", True, _("数据库可连接"))
    except Exception as exc:
        return Check("database", False, _("数据库不可连接：%(e)s") % {"e": exc},
                     _("检查 DATABASE_URL 与数据库服务器是否在运行"))  # fmt: skip


def check_school_schemas() -> Check:
    """A random sample of schools, each read in its own schema, in one statement: a school whose
    schema is missing or unreadable fails it (thousands of schools are never looped over)."""
    from tenants.models import School

    try:
        schemas = list(School.objects.exclude(schema_name="public").values_list("schema_name", flat=True))
    except Exception as exc:
        return Check("school_schemas", False, str(exc), _("先修复数据库连接"))
    if not schemas:
        return Check("school_schemas", True, _("尚未开通学校"))
    sample = random.sample(schemas, min(SCHEMA_SAMPLE, len(schemas)))
    present = set()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_schema FROM information_schema.tables WHERE table_name = 'schools_incident'"
                " AND table_schema = ANY(%s)",
                [sample],
            )
            present = {row[0] for row in cursor.fetchall()}
            for schema in present:
                cursor.execute(f'SELECT 1 FROM "{schema}".schools_incident LIMIT 1')
                cursor.fetchall()
    except Exception as exc:
        return Check("school_schemas", False, str(exc), _("检查数据库权限，或运行 manage.py migrate"))
    missing = sorted(set(sample) - present)
    if missing:
        return Check("school_schemas", False, _("以下学校的数据架构缺失或不完整：%(s)s") % {"s": ", ".join(missing)},
                     _("运行 manage.py migrate；若仍缺失，从备份恢复该学校"))  # fmt: skip
    return Check("school_schemas", True, _("抽查 %(n)s 所学校的数据架构均可读取") % {"n": len(sample)})


def check_broker() -> Check:
    from kombu import Connection

    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem"):
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("data_folder_in", ""))
        if folder.is_dir() and shutil.disk_usage(folder).free > 0:
            return Check("broker", True, _("本地文件队列（仅限单机演示）：%(f)s") % {"f": folder})
        return Check("broker", False, _("本地文件队列目录不存在：%(f)s") % {"f": folder},
                     _("启动一次 worker，或设置 CELERY_BROKER_URL=redis://…"))  # fmt: skip
    try:
        with Connection(
            url, connect_timeout=2, transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS
        ) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return Check("broker", True, _("消息队列可连接：%(u)s") % {"u": redacted(url)})
    except Exception as exc:
        return Check("broker", False, _("消息队列不可连接（%(u)s）：%(e)s") % {"u": redacted(url), "e": exc},
                     _("启动 Redis，或把 CELERY_BROKER_URL 改为正在运行的 Redis 地址"))  # fmt: skip


def _heartbeat(name: str, key: str, label: str, fix: str) -> Check:
    try:
        age = heartbeats.age(key)
    except Exception as exc:
        return Check(name, False, _("共享缓存不可用：%(e)s") % {"e": exc}, _("检查 CACHE_URL"))
    limit = settings.HEALTH_HEARTBEAT_MAX_AGE
    if age is None:
        return Check(name, False, _("%(l)s从未报到") % {"l": label}, fix)
    if age > limit:
        return Check(name, False, _("%(l)s已有 %(s)s 秒没有报到（上限 %(m)s 秒）") % {"l": label, "s": int(age), "m": limit},
                     fix)  # fmt: skip
    return Check(name, True, _("%(l)s %(s)s 秒前报到") % {"l": label, "s": int(age)})


def check_worker() -> Check:
    return _heartbeat("worker", heartbeats.WORKER, _("后台任务进程（worker）"),
                      _("启动 celery -A district_portal worker，并确认它与网站使用同一个消息队列和缓存"))  # fmt: skip


def check_beat() -> Check:
    return _heartbeat("beat", heartbeats.BEAT, _("定时任务进程（beat）"),
                      _("启动 celery -A district_portal beat（只启动一个）"))  # fmt: skip


def check_disk() -> Check:
    var = Path(settings.VAR_DIR)
    usage = shutil.disk_usage(var)
    free_mb = usage.free // (1024 * 1024)
    if free_mb < settings.HEALTH_MIN_FREE_MB:
        return Check("disk", False, _("%(d)s 所在磁盘仅剩 %(f)s MB（下限 %(m)s MB）") % {"d": var, "f": free_mb,
                     "m": settings.HEALTH_MIN_FREE_MB}, _("清理旧备份（BACKUP_RETENTION_DAYS）或扩容磁盘"))  # fmt: skip
    return Check("disk", True, _("%(d)s 所在磁盘剩余 %(f)s MB") % {"d": var, "f": free_mb})


def run_checks() -> list[Check]:
    return [
        check_database(),
        check_school_schemas(),
        check_broker(),
        check_worker(),
        check_beat(),
        check_disk(),
    ]
