"""Reading a school list (学校名单) from CSV or XLSX and checking every row before creating any.

A bad row is reported with its line number and nothing is created for it; good rows each get
a working school. Headers may be the Chinese column names of the template or English keys.
"""

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from tenants.actions.provisioning import SchoolSpec, check_spec, onboarded
from tenants.models import School, SchoolKind

# Column header (Chinese template or English key) → SchoolSpec field.
HEADERS = {
    "学校名称": "name", "name": "name",
    "学校标识码": "code", "code": "code",
    "站点标识": "slug", "slug": "slug",
    "学段类型": "kind", "kind": "kind",
    "寄宿制": "boarding", "boarding": "boarding",
    "在校学生数": "student_count", "student_count": "student_count",
    "所属街道/片区": "area", "片区": "area", "area": "area",
    "地址": "address", "address": "address",
    "校长": "principal", "principal": "principal",
    "法治副校长": "legal_vice_principal", "legal_vice_principal": "legal_vice_principal",
    "举报电话": "hotline", "hotline": "hotline",
    "举报信箱": "mailbox", "mailbox": "mailbox",
}  # fmt: skip
TEMPLATE_HEADERS = [
    "学校名称", "学校标识码", "站点标识", "学段类型", "寄宿制", "在校学生数",
    "所属街道/片区", "地址", "校长", "法治副校长", "举报电话", "举报信箱",
]  # fmt: skip
REQUIRED = ("name", "code", "slug", "kind")
YES = {"是", "yes", "y", "true", "1", "寄宿"}
NO = {"否", "no", "n", "false", "0", "走读", ""}


@dataclass
class Row:
    line: int
    spec: SchoolSpec | None
    problems: list[str] = field(default_factory=list)
    done: bool = False  # already onboarded (the same code and site name): a resumed run skips it


def read_rows(path: Path) -> list[tuple[int, dict]]:
    """(line number, {header: text}) for every non-empty data row; line numbers as a user sees them."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True, data_only=True).active
        rows = [
            ["" if cell is None else str(cell).strip() for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    elif suffix == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValueError(_("无法识别文件编码，请另存为 UTF-8 编码的 CSV。"))
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise ValueError(_("只支持 .csv 或 .xlsx 格式的学校名单。"))
    if not rows:
        raise ValueError(_("文件是空的。"))
    header = [h.strip() for h in rows[0]]
    unknown = [h for h in header if h and h not in HEADERS]
    if unknown:
        raise ValueError(
            _("无法识别的列：%(cols)s。可用的列：%(known)s")
            % {"cols": "、".join(unknown), "known": "、".join(TEMPLATE_HEADERS)}
        )
    result = []
    for index, values in enumerate(rows[1:], start=2):
        if not any(values):
            continue
        result.append((index, {h: (values[i] if i < len(values) else "") for i, h in enumerate(header) if h}))
    return result


def _kind_value(text: str) -> str:
    for value, label in SchoolKind.choices:
        if text in (value, str(label)):
            return value
    return text


def parse_row(line: int, raw: dict) -> Row:
    data = {HEADERS[h]: v for h, v in raw.items()}
    problems = []
    for key in REQUIRED:
        if not data.get(key):
            label = School._meta.get_field(key).verbose_name
            problems.append(_("缺少“%(label)s”") % {"label": label})
    boarding_text = data.get("boarding", "").lower()
    if boarding_text not in YES | NO:
        problems.append(_("“寄宿制”应填“是”或“否”"))
    count_text = data.get("student_count", "") or "0"
    try:
        student_count = int(float(count_text))
        if student_count < 0:
            raise ValueError
    except ValueError:
        problems.append(_("“在校学生数”应为非负整数"))
        student_count = 0
    if problems:
        return Row(line, None, problems)
    spec = SchoolSpec(
        name=data["name"], code=data["code"], slug=data["slug"].lower(), kind=_kind_value(data["kind"]),
        boarding=boarding_text in YES and boarding_text != "", student_count=student_count,
        area=data.get("area", ""), address=data.get("address", ""), principal=data.get("principal", ""),
        legal_vice_principal=data.get("legal_vice_principal", ""), hotline=data.get("hotline", ""),
        mailbox=data.get("mailbox", ""),
    )  # fmt: skip
    return Row(line, spec, check_spec(spec))


def check_file(path: Path) -> list[Row]:
    """Parse and check every row, including duplicates within the file itself."""
    rows = [parse_row(line, raw) for line, raw in read_rows(path)]
    existing = onboarded([row.spec for row in rows if row.spec is not None])
    for row in rows:
        if row.spec is not None and (row.spec.code, row.spec.slug) in existing:
            row.done, row.problems = True, []
    seen_codes: dict[str, int] = {}
    seen_slugs: dict[str, int] = {}
    for row in rows:
        if row.spec is None or row.done:
            continue
        for value, seen, label in (
            (row.spec.code, seen_codes, _("学校标识码")),
            (row.spec.slug, seen_slugs, _("站点标识")),
        ):
            if value in seen:
                row.problems.append(
                    _("%(label)s“%(value)s”与第 %(line)s 行重复")
                    % {"label": label, "value": value, "line": seen[value]}
                )
            else:
                seen[value] = row.line
    return rows
