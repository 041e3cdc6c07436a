"""manage.py doctor — is this deployment configured as a bureau's server should be? Prints every
check with how to fix what is wrong, and exits 1 if anything is."""

import smtplib
import zoneinfo

from django.conf import settings
from django.core.mail import get_connection
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from district_portal.production import refusals
from oversight.operations import health
from oversight.operations.health import Check

MIN_LOCKS = 1024
# The oldest server the suite runs on: Debian 12's PostgreSQL 15 (also the Citus cluster's).
MIN_POSTGRES = 15


def settings_checks() -> list[Check]:
    problems = refusals()
    if problems:
        return [Check("settings", False, problem, "") for problem in problems]
    if settings.SEED_DEMO:
        return [Check("settings", True, _("演示模式（SEED_DEMO=1）：允许演示账号和自动生成的密钥"))]
    checks = [Check("settings", True, _("DEBUG 已关闭，SECRET_KEY 已设置，没有使用演示密码的账号"))]
    if settings.SITE_SCHEME != "https":
        checks.append(Check("https", False, _("SITE_SCHEME 不是 https：登录 Cookie 可能以明文传输"),
                            _("在反向代理上配置 TLS，并设置 SITE_SCHEME=https")))  # fmt: skip
    return checks


def postgres_checks() -> list[Check]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version_num")
            version = int(cursor.fetchone()[0])
            cursor.execute("SHOW max_locks_per_transaction")
            locks = int(cursor.fetchone()[0])
            cursor.execute("SHOW TimeZone")
            db_zone = cursor.fetchone()[0]
    except Exception as exc:
        return [Check("postgresql", False, str(exc), _("检查 DATABASE_URL 与数据库服务器"))]
    checks = []
    major = version // 10000
    if major < MIN_POSTGRES:
        checks.append(Check("postgresql", False, _("PostgreSQL %(v)s 版本过旧") % {"v": major},
                            _("升级到 PostgreSQL %(m)s 或更高版本") % {"m": MIN_POSTGRES}))  # fmt: skip
    else:
        checks.append(Check("postgresql", True, _("PostgreSQL %(v)s") % {"v": major}))
    if locks < MIN_LOCKS:
        checks.append(Check("max_locks_per_transaction", False,
                            _("max_locks_per_transaction = %(n)s：迁移或汇总几千个学校架构时会报 out of shared memory")
                            % {"n": locks},
                            _("在 postgresql.conf 设置 max_locks_per_transaction = %(m)s 并重启数据库") % {"m": MIN_LOCKS}))  # fmt: skip
    else:
        checks.append(Check("max_locks_per_transaction", True, str(locks)))
    checks.append(Check("database_time_zone", True, db_zone))
    return checks


def broker_check() -> Check:
    check = health.check_broker()
    if check.ok and settings.CELERY_BROKER_URL.startswith("filesystem") and not settings.SEED_DEMO:
        return Check("broker", False, check.detail, _("生产环境请设置 CELERY_BROKER_URL=redis://…/0"))
    return check


def cache_check() -> Check:
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return Check("cache", False, _("缓存是进程内存（locmem）：各进程互不可见，学校域名缓存和心跳会不一致"),
                     _("设置 CACHE_URL=redis://…/1，所有进程使用同一个"))  # fmt: skip
    if backend.endswith("FileBasedCache") and not settings.SEED_DEMO:
        return Check("cache", False, _("缓存是本机文件：只有同一台机器上的进程共享"),
                     _("多台服务器或多个容器时设置 CACHE_URL=redis://…/1"))  # fmt: skip
    try:
        from django.core.cache import cache

        cache.set("doctor:probe", "ok", 30)
        if cache.get("doctor:probe") != "ok":
            raise RuntimeError(_("写入后读不回"))
    except Exception as exc:
        return Check("cache", False, _("缓存不可用：%(e)s") % {"e": exc}, _("检查 CACHE_URL 指向的 Redis"))
    return Check("cache", True, backend.rsplit(".", 1)[-1])


def time_zone_check() -> Check:
    try:
        zoneinfo.ZoneInfo(settings.TIME_ZONE)
    except Exception:
        return Check(
            "time_zone", False, settings.TIME_ZONE, _("安装 tzdata（Debian：apt-get install tzdata）")
        )
    if not settings.USE_TZ:
        return Check("time_zone", False, _("USE_TZ 已关闭"), _("打开 USE_TZ"))
    return Check("time_zone", True, _("%(z)s，当前 %(t)s") % {"z": settings.TIME_ZONE,
                 "t": timezone.localtime().strftime("%Y-%m-%d %H:%M")})  # fmt: skip


def email_check() -> Check:
    backend = settings.EMAIL_BACKEND
    if backend.endswith(("console.EmailBackend", "locmem.EmailBackend", "dummy.EmailBackend")):
        ok = settings.SEED_DEMO
        return Check("email", ok, _("邮件不会真正发出（%(b)s）") % {"b": backend.rsplit(".", 2)[-2]},
                     "" if ok else _("设置 EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend 和 EMAIL_HOST 等"))  # fmt: skip
    try:
        mail = get_connection(timeout=5)
        mail.open()
        mail.close()
    except (smtplib.SMTPException, OSError) as exc:
        return Check("email", False, _("无法连接邮件服务器 %(h)s:%(p)s：%(e)s") % {"h": settings.EMAIL_HOST,
                     "p": settings.EMAIL_PORT, "e": exc}, _("检查 EMAIL_HOST、EMAIL_PORT、EMAIL_USE_TLS 和账号密码"))  # fmt: skip
    return Check(
        "email",
        True,
        _("邮件服务器 %(h)s:%(p)s 可连接") % {"h": settings.EMAIL_HOST, "p": settings.EMAIL_PORT},
    )


def task_failure_check() -> Check:
    from oversight.operations.models import TaskFailure

    since = timezone.now() - timezone.timedelta(days=1)
    try:
        recent = list(TaskFailure.objects.filter(failed_at__gte=since)[:5])
        count = TaskFailure.objects.filter(failed_at__gte=since).count()
    except Exception as exc:
        return Check("task_failures", False, str(exc), _("先修复数据库连接，再运行 manage.py migrate"))
    if not count:
        return Check("task_failures", True, _("过去 24 小时没有失败的后台任务"))
    lines = "; ".join(f"{f.task_name} {f.schema_name or 'public'}: {f.error[:120]}" for f in recent)
    return Check("task_failures", False, _("过去 24 小时有 %(n)s 个后台任务失败：%(l)s") % {"n": count, "l": lines},
                 _("在“运行维护”页面（/operations/）查看详情，修复原因后重新执行"))  # fmt: skip


class Command(BaseCommand):
    help = _("检查部署配置（设置、PostgreSQL、消息队列、缓存、时区、邮件、后台任务），并说明如何修复。")

    def handle(self, *args, **options):
        checks = [
            *settings_checks(), *postgres_checks(), broker_check(), health.check_worker(),
            health.check_beat(), cache_check(), time_zone_check(), email_check(), task_failure_check(),
            health.check_disk(),
        ]  # fmt: skip
        for check in checks:
            mark = "OK  " if check.ok else "FAIL"
            self.stdout.write(f"{mark} {check.name}: {check.detail}")
            if not check.ok and check.fix:
                self.stdout.write(f"     → {_('修复')}: {check.fix}")
        failed = [check.name for check in checks if not check.ok]
        if failed:
            self.stderr.write(
                _("%(n)s 项需要处理：%(names)s") % {"n": len(failed), "names": ", ".join(failed)}
            )
            raise SystemExit(1)
        self.stdout.write(self.style.SUCCESS(_("全部检查通过。")))
