"""Bulk onboarding from a school list: every row checked first, bad rows named by line, good rows live."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from openpyxl import Workbook

from tenants.models import Domain, School

pytestmark = pytest.mark.django_db

HEADER = ["学校名称", "学校标识码", "站点标识", "学段类型", "寄宿制", "在校学生数", "所属街道/片区"]
GOOD_1 = ["东湖小学", "3299100001", "donghu", "小学", "否", "1200", "东湖街道"]
GOOD_2 = ["西山中学", "3299100002", "xishan", "初中", "是", "900", "西山镇"]
DUP_CODE = ["北岸小学", "3299100001", "beian", "小学", "否", "600", ""]  # same code as GOOD_1
NO_NAME = ["", "3299100004", "noname", "小学", "否", "100", ""]
BAD_KIND = ["南苑学校", "3299100005", "nanyuan", "幼儿园", "否", "100", ""]
BAD_SLUG = ["中关小学", "3299100006", "Zhong Guan!", "小学", "否", "100", ""]
TAKEN_CODE = ["重复学校", "3299000001", "chongfu", "小学", "否", "100", ""]  # alpha's code


def write_csv(path, rows):
    path.write_text("\n".join(",".join(row) for row in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def write_xlsx(path, rows):
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    book.save(path)
    return path


def schema_has_table(schema: str, table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = %s",
            [schema, table],
        )
        return cursor.fetchone() is not None


@pytest.mark.parametrize("writer,suffix", [(write_csv, ".csv"), (write_xlsx, ".xlsx")])
def test_bad_rows_are_reported_by_line_and_good_rows_become_working_schools(tmp_path, capsys, writer, suffix):
    path = writer(
        tmp_path / f"名单{suffix}", [GOOD_1, DUP_CODE, NO_NAME, BAD_KIND, BAD_SLUG, TAKEN_CODE, GOOD_2]
    )

    with pytest.raises(CommandError, match="5 行未开通"):
        call_command("onboard_schools", str(path), verbosity=0)

    errors = capsys.readouterr().err
    assert "第 3 行" in errors and "与第 2 行重复" in errors  # duplicate code within the file
    assert "第 4 行" in errors and "缺少“学校名称”" in errors
    assert "第 5 行" in errors and "幼儿园" in errors
    assert "第 6 行" in errors and "站点标识" in errors
    assert "第 7 行" in errors and "学校标识码" in errors  # already used by an existing school
    assert not School.objects.filter(slug__in=["beian", "noname", "nanyuan", "chongfu"]).exists()

    donghu = School.objects.get(slug="donghu")
    xishan = School.objects.get(slug="xishan")
    assert (donghu.kind, donghu.student_count, donghu.boarding) == ("primary", 1200, False)
    assert (xishan.kind, xishan.boarding) == ("junior", True)
    assert Domain.objects.get(tenant=donghu).domain == "donghu.localhost"
    for school in (donghu, xishan):
        assert schema_has_table(school.schema_name, "schools_incident")
        assert schema_has_table(school.schema_name, "schools_hazard")


def test_a_clean_file_creates_every_school_and_a_check_run_creates_none(tmp_path):
    path = write_csv(tmp_path / "ok.csv", [GOOD_1, GOOD_2])
    call_command("onboard_schools", str(path), "--check", verbosity=0)
    assert not School.objects.filter(slug__in=["donghu", "xishan"]).exists()
    call_command("onboard_schools", str(path), verbosity=0)
    assert School.objects.filter(slug__in=["donghu", "xishan"]).count() == 2


def test_a_gbk_csv_from_excel_is_read(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("\n".join(",".join(r) for r in [HEADER, GOOD_1]).encode("gb18030"))
    call_command("onboard_schools", str(path), verbosity=0)
    assert School.objects.get(slug="donghu").name == "东湖小学"


def test_an_unknown_column_is_refused_before_anything_happens(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("学校名称,电话号码\n东湖小学,123\n", encoding="utf-8")
    with pytest.raises(CommandError, match="无法识别的列：电话号码"):
        call_command("onboard_schools", str(path), verbosity=0)


def test_create_school_command_makes_a_reachable_school(client_for):
    call_command(
        "create_school", "--name", "新建小学", "--code", "3299100009", "--slug", "xinjian", "--kind", "primary",
        stdout=open("/dev/null", "w"),
    )  # fmt: skip
    response = client_for(None, "xinjian").get("/accounts/login/")
    assert response.status_code == 200
    assert "新建小学" in response.content.decode()


def test_create_school_refuses_a_taken_slug():
    with pytest.raises(CommandError, match="站点标识"):
        call_command(
            "create_school", "--name", "x", "--code", "3299100010", "--slug", "alpha", "--kind", "primary"
        )


def test_school_creation_is_audited_on_the_district_log():
    from tenants.models import AuditEvent

    school = School.objects.get(slug="alpha")
    event = AuditEvent.objects.get(action="school.created", school=school)
    assert event.changes["code"] == "3299000001"


def test_a_failed_run_resumes_from_the_same_file_without_duplicates(tmp_path, capsys):
    from django.conf import settings

    path = write_csv(tmp_path / "名单.csv", [GOOD_1, GOOD_2])
    # Something outside the file blocks the second school halfway (its host name is taken).
    blocker = Domain.objects.create(
        domain=f"xishan.{settings.DISTRICT_HOST}", tenant=School.objects.get(slug="alpha"), is_primary=False
    )
    with pytest.raises(CommandError, match="1 行未开通"):
        call_command("onboard_schools", str(path), batch=1, verbosity=0)
    assert "第 3 行（同一批）未开通" in capsys.readouterr().err
    assert School.objects.filter(slug="donghu").exists() and not School.objects.filter(slug="xishan").exists()

    blocker.delete()
    call_command("onboard_schools", str(path), batch=1, verbosity=0)
    assert "已开通（跳过）1 行" in capsys.readouterr().out
    assert School.objects.filter(code__in=["3299100001", "3299100002"]).count() == 2
    assert schema_has_table("school_xishan", "schools_incident")
