"""The hazard ledger (排查台账) through its pages: from finding a hazard to its verified fix, every
refusal along the way, who may write, the history of changes, and the XLSX export."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from schools.models import AuditEvent, Hazard
from tenants.models import School

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def admin(client_for):
    return client_for("alpha_admin", "alpha")


@pytest.fixture
def alpha():
    return School.objects.get(slug="alpha")


HAZARD = {
    "found_on": day(-3), "place": "toilet", "risk_kind": "监控盲区", "method": "site_check", "found_by": "政教处",
    "description": "北楼二层厕所外走廊无监控覆盖", "measure": "加装摄像头", "responsible": "王老师",
    "deadline": day(20),
}  # fmt: skip


def record(client, **overrides):
    return client.post("/ledger/new/", {**HAZARD, **overrides})


def latest(alpha) -> Hazard:
    with tenant_context(alpha):
        return Hazard.objects.order_by("-id").first()


def count(alpha) -> int:
    with tenant_context(alpha):
        return Hazard.objects.count()


def events(alpha, hazard) -> list[AuditEvent]:
    with tenant_context(alpha):
        return list(AuditEvent.objects.filter(object_type="hazard", object_id=str(hazard.pk)).order_by("id"))


def move(client, hazard, status, **data):
    return client.post(f"/ledger/{hazard.pk}/status/", {"status": status, "version": hazard.version, **data})


def edit(client, hazard, **changes):
    data = {name: HAZARD[name] for name in HAZARD}
    data.update({"version": hazard.version, **changes})
    return client.post(f"/ledger/{hazard.pk}/edit/", data)


def test_a_hazard_goes_from_found_to_verified_in_the_pages(admin, alpha):
    response = record(admin)
    assert response.status_code == 302
    hazard = latest(alpha)
    assert response["Location"] == f"/ledger/{hazard.pk}/"
    assert (hazard.status, hazard.version, hazard.risk_kind) == ("open", 1, "监控盲区")
    page = admin.get(f"/ledger/{hazard.pk}/").content.decode()
    assert "北楼二层厕所外走廊无监控覆盖" in page and "开始整改" in page

    assert move(admin, hazard, "rectifying").status_code == 302
    hazard = latest(alpha)
    assert hazard.status == "rectifying"
    assert move(admin, hazard, "fixed", fixed_on=day(0)).status_code == 302
    hazard = latest(alpha)
    assert (hazard.status, hazard.fixed_on) == ("fixed", TODAY)
    assert move(admin, hazard, "verified").status_code == 302
    hazard = latest(alpha)
    assert (hazard.status, hazard.version) == ("verified", 4)
    assert "已验收，整改完毕" in admin.get(f"/ledger/{hazard.pk}/").content.decode()

    trail = events(alpha, hazard)
    assert [e.action for e in trail] == [
        "hazard.recorded",
        "hazard.rectifying",
        "hazard.fixed",
        "hazard.verified",
    ]
    assert trail[0].changes["description"] == {"old": None, "new": "北楼二层厕所外走廊无监控覆盖"}
    assert trail[2].changes == {
        "status": {"old": "rectifying", "new": "fixed"},
        "fixed_on": {"old": None, "new": TODAY.isoformat()},
    }
    assert all(e.actor.username == "alpha_admin" for e in trail)


def test_an_edit_keeps_old_and_new_values_in_the_history(admin, alpha):
    record(admin)
    hazard = latest(alpha)
    assert edit(admin, hazard, responsible="李主任", measure="加装摄像头并安排巡查").status_code == 302
    hazard = latest(alpha)
    assert (hazard.responsible, hazard.version) == ("李主任", 2)
    change = events(alpha, hazard)[-1]
    assert change.action == "hazard.edited"
    assert change.changes == {
        "responsible": {"old": "王老师", "new": "李主任"},
        "measure": {"old": "加装摄像头", "new": "加装摄像头并安排巡查"},
    }
    page = admin.get(f"/ledger/{hazard.pk}/").content.decode()
    history = page[page.index('id="history"') :]
    assert "王老师" in history and "李主任" in history


def test_a_stale_edit_is_refused_and_changes_nothing(admin, alpha):
    record(admin)
    seen = latest(alpha)  # two people open the page at version 1
    assert edit(admin, seen, responsible="李主任").status_code == 302
    response = edit(admin, seen, responsible="赵老师", deadline=day(30))
    assert response.status_code == 400
    assert "已被他人修改" in response.content.decode()
    hazard = latest(alpha)
    assert (hazard.responsible, hazard.deadline, hazard.version) == (
        "李主任",
        TODAY + dt.timedelta(days=20),
        2,
    )
    assert len(events(alpha, hazard)) == 2

    # A status button pressed on a stale page is refused too.
    response = move(admin, seen, "rectifying")
    assert response.status_code == 400 and "已被他人修改" in response.content.decode()
    assert latest(alpha).status == "open"


def test_a_deadline_before_the_date_found_is_refused(admin, alpha):
    before = count(alpha)
    response = record(admin, found_on=day(-3), deadline=day(-5))
    assert response.status_code == 400  # refused, shown again with the reason
    assert "整改期限不能早于发现日期" in response.content.decode()
    assert count(alpha) == before

    record(admin)
    hazard = latest(alpha)
    response = edit(admin, hazard, deadline=day(-10))
    assert response.status_code == 400
    assert "整改期限不能早于发现日期" in response.content.decode()
    assert latest(alpha).deadline == TODAY + dt.timedelta(days=20)


def test_a_date_found_in_the_future_is_refused(admin, alpha):
    before = count(alpha)
    response = record(admin, found_on=day(1), deadline=day(10))
    assert response.status_code == 400  # refused, shown again with the reason
    assert "发现日期不能晚于今天" in response.content.decode()
    assert count(alpha) == before


def test_an_illegal_status_move_is_refused_with_the_reason(admin, alpha):
    record(admin)
    hazard = latest(alpha)
    response = move(admin, hazard, "verified")
    assert response.status_code == 400
    assert "不能直接变为" in response.content.decode()
    assert latest(alpha).status == "open"

    move(admin, hazard, "rectifying")
    hazard = latest(alpha)
    response = move(admin, hazard, "fixed")  # no date of the fix
    assert response.status_code == 400
    assert "请填写整改完成日期" in response.content.decode()
    response = move(admin, hazard, "fixed", fixed_on=day(1))
    assert response.status_code == 400 and "整改完成日期不能晚于今天" in response.content.decode()
    assert latest(alpha).status == "rectifying"
    assert [e.action for e in events(alpha, hazard)] == ["hazard.recorded", "hazard.rectifying"]


def test_voiding_needs_a_reason_and_leaves_the_entry_to_admins(admin, client_for, alpha):
    record(admin, risk_kind="重复登记的条目")
    hazard = latest(alpha)
    response = admin.post(f"/ledger/{hazard.pk}/void/", {"voided_reason": " "})
    assert response.status_code == 400 and "作废必须说明原因" in response.content.decode()
    assert latest(alpha).voided_at is None

    assert admin.post(f"/ledger/{hazard.pk}/void/", {"voided_reason": "重复登记"}).status_code == 302
    hazard = latest(alpha)
    assert hazard.voided_reason == "重复登记" and hazard.voided_at is not None
    assert events(alpha, hazard)[-1].changes == {"voided_reason": {"old": "", "new": "重复登记"}}

    assert "重复登记的条目" in admin.get("/ledger/").content.decode()
    assert admin.get(f"/ledger/{hazard.pk}/").status_code == 200
    moral = client_for("alpha_moral", "alpha")  # may manage records, but is not an admin
    assert "重复登记的条目" not in moral.get("/ledger/").content.decode()
    assert moral.get(f"/ledger/{hazard.pk}/").status_code == 403
    assert move(admin, hazard, "rectifying").status_code == 400
    assert latest(alpha).status == "open"


def test_overdue_entries_stand_out_and_can_be_filtered(admin, alpha):
    record(admin, risk_kind="逾期未改的隐患", found_on=day(-30), deadline=day(-1))
    overdue = latest(alpha)
    record(admin, risk_kind="期限未到的隐患", place="dorm", deadline=day(5))
    record(admin, risk_kind="已整改的旧隐患", found_on=day(-30), deadline=day(-2))
    fixed = latest(alpha)
    move(admin, fixed, "rectifying")
    move(admin, latest(alpha), "fixed", fixed_on=day(-3))

    page = admin.get("/ledger/").content.decode()
    row = page[page.index("逾期未改的隐患") - 300 : page.index("逾期未改的隐患")]
    assert "table-danger" in row
    for name in ("期限未到的隐患", "已整改的旧隐患"):
        assert "table-danger" not in page[page.index(name) - 300 : page.index(name)]
    assert "逾期未整改" in admin.get(f"/ledger/{overdue.pk}/").content.decode()

    only_overdue = admin.get("/ledger/?overdue=1").content.decode()
    assert "逾期未改的隐患" in only_overdue
    assert "期限未到的隐患" not in only_overdue and "已整改的旧隐患" not in only_overdue
    dorm = admin.get("/ledger/?place=dorm").content.decode()
    assert "期限未到的隐患" in dorm and "逾期未改的隐患" not in dorm
    fixed_only = admin.get("/ledger/?status=fixed").content.decode()
    assert "已整改的旧隐患" in fixed_only and "期限未到的隐患" not in fixed_only


def test_everyone_in_the_school_reads_but_only_record_keepers_write(admin, client_for, alpha):
    record(admin, risk_kind="门卫能看到的隐患")
    hazard = latest(alpha)
    gate = client_for("alpha_gate", "alpha")
    assert "门卫能看到的隐患" in gate.get("/ledger/").content.decode()
    page = gate.get(f"/ledger/{hazard.pk}/").content.decode()
    assert "门卫能看到的隐患" in page and "开始整改" not in page and "修改台账条目" not in page
    assert gate.get("/ledger/export.xlsx").status_code == 200
    before = count(alpha)
    assert gate.get("/ledger/new/").status_code == 403
    assert record(gate).status_code == 403
    assert edit(gate, hazard, responsible="门卫").status_code == 403
    assert move(gate, hazard, "rectifying").status_code == 403
    assert gate.post(f"/ledger/{hazard.pk}/void/", {"voided_reason": "x"}).status_code == 403
    assert count(alpha) == before
    assert latest(alpha).version == 1

    moral = client_for("alpha_moral", "alpha")  # 政教 keeps records
    assert move(moral, hazard, "rectifying").status_code == 302

    other = client_for("beta_admin", "alpha")
    assert other.get("/ledger/").status_code == 403
    assert other.get(f"/ledger/{hazard.pk}/").status_code == 403
    assert other.get("/ledger/export.xlsx").status_code == 403
    assert record(other).status_code == 403
    assert other.post(f"/ledger/{hazard.pk}/void/", {"voided_reason": "x"}).status_code == 403
    assert latest(alpha).voided_at is None and count(alpha) == before


def test_the_ledger_exports_to_xlsx_in_the_familiar_layout(admin, alpha):
    record(admin, risk_kind="监控盲区", found_on=day(-10), deadline=day(-1))
    record(admin, risk_kind='=HYPERLINK("http://x")', place="online", method="survey", deadline=day(9))
    record(admin, risk_kind="作废的条目")
    admin.post(f"/ledger/{latest(alpha).pk}/void/", {"voided_reason": "录错"})

    response = admin.get("/ledger/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active

    assert sheet["A1"].value == "阿尔法小学校园欺凌隐患排查台账"
    assert "A1:L1" in [str(r) for r in sheet.merged_cells.ranges]
    header = [cell.value for cell in sheet[2]]
    assert header == ["序号", "发现日期", "重点部位", "隐患类型", "排查方式", "发现人", "隐患描述", "整改措施",
                      "责任人", "整改期限", "整改状态", "完成日期"]  # fmt: skip
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.column_dimensions["G"].width > sheet.column_dimensions["A"].width
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert len(rows) == 2  # the void entry is not part of the ledger
    assert rows[0] == [1, day(-10), "厕所", "监控盲区", "实地查看", "政教处", "北楼二层厕所外走廊无监控覆盖",
                       "加装摄像头", "王老师", day(-1), "待整改", None]  # fmt: skip
    assert rows[1][:5] == [2, day(-3), "网络", '=HYPERLINK("http://x")', "问卷"]
    assert sheet["D4"].data_type == "s"  # a user's text never becomes a formula
    assert sheet["A3"].border.left.style == "thin" and sheet["L4"].border.bottom.style == "thin"
    assert sheet["J3"].font.color.rgb.endswith("C00000")  # the overdue deadline stands out

    filtered = openpyxl.load_workbook(
        io.BytesIO(admin.get("/ledger/export.xlsx?place=online").content)
    ).active
    assert [row[3].value for row in filtered.iter_rows(min_row=3)] == ['=HYPERLINK("http://x")']
