"""The demo district: seed 004's campaign, about a dozen schools, users for every role, and a
little of everything in each school. Idempotent: a second run finds what is there and adds nothing."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from inspections.models import InspectorAssignment, InspectorProfile
from oversight.models import Campaign, DistrictSettings, Phase
from schools.models import (
    Activity,
    ActivityKind,
    BullyingKind,
    Determination,
    GovernanceMember,
    GroupRole,
    Hazard,
    HazardMethod,
    HazardPlace,
    HazardStatus,
    Incident,
    IncidentParty,
    IncidentSeverity,
    IncidentSource,
    IncidentStage,
    PartyRole,
)
from tenants.actions.provisioning import SchoolSpec, create_school
from tenants.models import DistrictMembership, School, SchoolMembership, User
from tenants.roles import DistrictRole, SchoolRole, StaffPost

SCHOOLS = [
    # slug, name, code, kind, boarding, students, area, principal
    ("xuejia", "薛家实验小学", "3204110001", "primary", False, 2100, "薛家镇", "万莺燕"),
    ("longhu", "龙虎塘实验小学", "3204110002", "primary", False, 1650, "龙虎塘街道", "陈丽华"),
    ("hehai", "河海实验小学", "3204110003", "primary", False, 1980, "河海街道", "徐建国"),
    ("sanjing", "三井实验小学", "3204110004", "primary", False, 2320, "三井街道", "王晓东"),
    ("xinqiao", "新桥初级中学", "3204110005", "junior", False, 1420, "新桥街道", "李明"),
    ("chunjiang", "春江中学", "3204110006", "junior", True, 1180, "春江镇", "张卫平"),
    ("xuejia-mid", "薛家中学", "3204110007", "junior", False, 1560, "薛家镇", "顾志强"),
    ("luoxi", "罗溪学校", "3204110008", "nine_year", True, 1340, "罗溪镇", "周敏"),
    ("xinbei-high", "新北区高级中学", "3204110009", "senior", True, 2460, "三井街道", "孙海涛"),
    ("binjiang", "滨江中学", "3204110010", "complete", True, 1890, "春江镇", "钱立新"),
    ("xinbei-vocational", "新北区职业教育中心", "3204110011", "vocational", True, 1720, "河海街道", "吴国平"),
    ("xinbei-special", "新北区特殊教育学校", "3204110012", "special", True, 160, "龙虎塘街道", "郑丽"),
]

# Seed 000: 薛家实验小学防校园欺凌工作制度, 二、领导小组.
XUEJIA_LEADER_DUTIES = (
    "1、是防治校园欺凌和暴力第一责任人，全面负责学校防治校园欺凌和暴力工作。\n"
    "2、对重大突发事件处置工作作出重大决策，督促各相关应急处置小组按应急预案及时有效地开展工作。"
)
XUEJIA_DEPUTY_DUTIES = (
    "1、负责校园欺凌事件处置工作的具体落实。\n"
    "2、负责与公安、教育局、综治办等部门沟通、协调。\n"
    "3、负责防治校园欺凌教育宣传督促检查工作。"
)
XUEJIA_MEMBER_DUTIES = (
    "1、学校防治校园欺凌和暴力制度、应急预案的制定。\n"
    "2、负责防治校园欺凌宣传教育工作。\n"
    "3、负责突发校园欺凌事件临场处置及上报工作。\n"
    "4、负责突发事件临场医疗处置救护工作。\n"
    "5、负责突发重点校园欺凌事件学生心理疏导工作。\n"
    "6、负责防治校园欺凌技防设施采购和维护保养工作及后勤保障工作。"
)
XUEJIA_GROUP = (
    [("万莺燕", GroupRole.LEADER, "校长", XUEJIA_LEADER_DUTIES)]
    + [
        (name, GroupRole.DEPUTY, "副校长/中层", XUEJIA_DEPUTY_DUTIES)
        for name in ["周静", "吴春燕", "朱小昌", "祝卫其", "郑飞", "陶榆萍", "曹燕"]
    ]
    + [(name, GroupRole.MEMBER, "中层", XUEJIA_MEMBER_DUTIES) for name in ["朱志刚", "谢丰", "刘伟"]]
    + [("全体中层、班主任", GroupRole.MEMBER, "中层、班主任", XUEJIA_MEMBER_DUTIES)]
)

# Seed 004: 2022 年防范校园欺凌专项行动, 二、时间安排.
CAMPAIGN_2022 = ("防范校园欺凌专项行动", 2022)
PHASES_2022 = [
    ("宣传动员", dt.date(2022, 1, 1), dt.date(2022, 2, 28), dt.date(2022, 3, 5),
     "各校进行全面动员部署，学习宣讲法律法规和规章制度，开展思想道德教育、法治教育和心理健康教育。"),
    ("排查摸底", dt.date(2022, 3, 1), dt.date(2022, 3, 31), dt.date(2022, 4, 5),
     "集中开展排查摸底，摸清校园欺凌苗头隐患和存在问题，建立工作台账，明确整改措施。"),
    ("全面整治", dt.date(2022, 4, 1), dt.date(2022, 6, 30), dt.date(2022, 7, 5),
     "对发现的问题隐患开展集中治理，依法依规做好欺凌事件的调查处置工作，健全完善防治工作机制。"),
    ("检查总结", dt.date(2022, 7, 1), dt.date(2022, 7, 31), dt.date(2022, 7, 15),
     "各校对专项整治进行总结，形成工作报告；专项行动工作总结于7月15日前报区教育局安监科。"),
]  # fmt: skip


@dataclass
class DemoLogin:
    site: str
    url: str
    username: str
    role: str


def _user(username: str, full_name: str, **extra) -> User:
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name, **extra})
    if created:
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed_campaign() -> Campaign:
    name, year = CAMPAIGN_2022
    campaign, _ = Campaign.objects.get_or_create(
        name=name,
        year=year,
        defaults={"description": "有效防范和遏制学生欺凌事件发生，切实保护中小学生身心健康。"},
    )
    for order, (phase_name, start, end, due, goals) in enumerate(PHASES_2022, start=1):
        Phase.objects.get_or_create(
            campaign=campaign,
            order=order,
            defaults={
                "name": phase_name,
                "starts_on": start,
                "ends_on": end,
                "report_due_on": due,
                "goals": goals,
                "accepts_until": due + dt.timedelta(days=20),
            },
        )
    return campaign


def seed_schools() -> list[School]:
    schools = []
    for slug, name, code, kind, boarding, students, area, principal in SCHOOLS:
        school = School.objects.filter(slug=slug).first()
        if school is None:
            school = create_school(
                acting_user=None,
                spec=SchoolSpec(
                    name=name, code=code, slug=slug, kind=kind, boarding=boarding, student_count=students,
                    area=area, address=f"常州市新北区{area}", principal=principal,
                    legal_vice_principal=f"{area}派出所 民警", hotline=f"0519-8512{code[-4:]}",
                    mailbox=f"anti-bullying@{slug}.edu.cn",
                ),
            )  # fmt: skip
        schools.append(school)
    return schools


STAFF = [
    # suffix, full name, role, post, classes
    ("admin", "学校管理员", SchoolRole.ADMIN, StaffPost.SAFETY_OFFICE, ""),
    ("banzhuren", "班主任", SchoolRole.STAFF, StaffPost.HEAD_TEACHER, "三年级1班,三年级2班"),
    ("zhengjiao", "政教主任", SchoolRole.STAFF, StaffPost.MORAL_EDUCATION, ""),
    ("xinli", "心理老师", SchoolRole.STAFF, StaffPost.COUNSELLOR, ""),
    ("suguan", "宿管", SchoolRole.STAFF, StaffPost.DORM_SUPERVISOR, ""),
    ("menwei", "门卫", SchoolRole.STAFF, StaffPost.GATE_GUARD, ""),
]


def seed_people(schools: list[School]) -> None:
    admin = _user("bureau_admin", "区教育局管理员", is_staff=True, is_superuser=True)
    staff = _user("bureau_staff", "安监科 工作人员")
    DistrictMembership.objects.get_or_create(user=admin, role=DistrictRole.BUREAU_ADMIN)
    DistrictMembership.objects.get_or_create(user=staff, role=DistrictRole.BUREAU_STAFF)
    inspectors = [
        _user(f"inspector{i}", name) for i, name in enumerate(["刘督学", "陈督学", "杨督学"], start=1)
    ]
    for number, inspector in enumerate(inspectors, start=1):
        DistrictMembership.objects.get_or_create(user=inspector, role=DistrictRole.INSPECTOR)
        # What the 挂牌 sign at each school gate shows of its inspector (demo values).
        InspectorProfile.objects.get_or_create(user=inspector, defaults={
            "contact": f"0519-8512{number:04d}", "certificate_no": f"苏督证 2022-{number:03d}"})  # fmt: skip
    rules = DistrictSettings.current()
    if not rules.supervision_hotline:
        DistrictSettings.objects.filter(pk=rules.pk).update(supervision_hotline="0519-85120000")
    # Each inspector covers about five schools (挂牌督导); the last schools share the first inspector.
    for index, school in enumerate(schools):
        inspector = inspectors[min(index // 5, len(inspectors) - 1)]
        if not InspectorAssignment.objects.filter(school=school, ends_on__isnull=True).exists():
            InspectorAssignment.objects.create(
                inspector=inspector, school=school, starts_on=dt.date(2022, 1, 1)
            )
    for school in schools:
        for suffix, title, role, post, classes in STAFF:
            if post == StaffPost.DORM_SUPERVISOR and not school.boarding:
                continue
            user = _user(f"{school.slug}_{suffix}", f"{school.name}{title}")
            SchoolMembership.objects.get_or_create(
                user=user, school=school, defaults={"role": role, "post": post, "classes": classes}
            )


def seed_school_records(school: School, index: int) -> None:
    with tenant_context(school):
        if school.slug == "xuejia" and not GovernanceMember.objects.exists():
            for order, (name, role, post, duties) in enumerate(XUEJIA_GROUP):
                GovernanceMember.objects.create(
                    name=name, group_role=role, post=post, duties=duties, order=order
                )
        elif not GovernanceMember.objects.exists():
            GovernanceMember.objects.create(
                name=school.principal, group_role=GroupRole.LEADER, post="校长", duties=XUEJIA_LEADER_DUTIES
            )
        if not Activity.objects.exists():
            Activity.objects.bulk_create(
                [
                    Activity(held_on=dt.date(2022, 2, 14), kind=ActivityKind.FLAG_SPEECH,
                             title="拒绝校园欺凌，共建平安校园", audience="全校", participants=school.student_count),
                    Activity(held_on=dt.date(2022, 2, 21), kind=ActivityKind.CLASS_MEETING,
                             title="主题班会：友善相处，向欺凌说不", audience="三年级1班", participants=45),
                    Activity(held_on=dt.date(2022, 2, 25), kind=ActivityKind.STAFF_TRAINING,
                             title="《未成年人学校保护规定》专题培训", audience="全体教职工", participants=120),
                    Activity(held_on=dt.date(2022, 3, 10), kind=ActivityKind.SURVEY,
                             title="校园欺凌情况问卷调查", audience="全校学生", participants=school.student_count),
                    Activity(held_on=dt.date(2022, 4, 18), kind=ActivityKind.LAW_ON_CAMPUS,
                             title="法治副校长法治讲座", audience="高年级", participants=300),
                ]
            )  # fmt: skip
        if not Hazard.objects.exists():
            Hazard.objects.bulk_create(
                [
                    Hazard(found_on=dt.date(2022, 3, 8), place=HazardPlace.TOILET, risk_kind="监控盲区",
                           method=HazardMethod.SITE_CHECK, found_by="政教处", description="北楼二层厕所外走廊无监控覆盖",
                           measure="加装监控并安排课间巡查", responsible="总务处", deadline=dt.date(2022, 4, 15),
                           status=HazardStatus.FIXED, fixed_on=dt.date(2022, 4, 10)),
                    Hazard(found_on=dt.date(2022, 3, 15), place=HazardPlace.AFTER_HOURS, risk_kind="放学后滞留",
                           method=HazardMethod.OBSERVATION, found_by="门卫", description="放学后部分学生在校门外聚集",
                           measure="放学时段增加护学岗", responsible="安全办", deadline=dt.date(2022, 3, 31),
                           status=HazardStatus.RECTIFYING),
                    Hazard(found_on=dt.date(2022, 3, 20), place=HazardPlace.ONLINE, risk_kind="网络欺凌苗头",
                           method=HazardMethod.SURVEY, found_by="心理老师", description="问卷显示个别班级群内有嘲讽言论",
                           measure="开展网络文明主题班会，班主任关注", responsible="德育处",
                           deadline=dt.date(2022, 4, 30), status=HazardStatus.OPEN),
                ]
            )  # fmt: skip
        if index % 3 == 0 and not Incident.objects.exists():
            seed_incidents(school)
        if not Incident.objects.filter(code__startswith="2022-H").exists():
            seed_campaign_incidents(school, index)


# Incidents during seed 004's campaign (Jan–Jul 2022), so the district dashboard has months, kinds
# and severities to show: (month, day, kinds, severity, determination). Schools get a varying share.
CAMPAIGN_INCIDENTS = [
    (1, 12, ["verbal"], IncidentSeverity.MINOR), (2, 23, ["physical"], IncidentSeverity.MINOR),
    (3, 8, ["social", "cyber"], IncidentSeverity.REPEATED), (3, 21, ["property"], IncidentSeverity.REPEATED),
    (4, 6, ["physical", "verbal"], IncidentSeverity.SERIOUS), (4, 19, ["cyber"], IncidentSeverity.MINOR),
    (5, 10, ["verbal"], IncidentSeverity.MINOR), (5, 26, ["physical"], IncidentSeverity.EGREGIOUS),
    (6, 7, ["social"], IncidentSeverity.MINOR), (6, 15, ["property", "physical"], IncidentSeverity.SERIOUS),
    (7, 4, ["cyber"], IncidentSeverity.REPEATED), (3, 30, ["verbal"], IncidentSeverity.MINOR),
]  # fmt: skip


def seed_campaign_incidents(school: School, index: int) -> None:
    """Closed (or, for the last ones, still followed-up) cases of 2022; pseudonymous codes, no parties."""
    tz = timezone.get_default_timezone()
    share = 3 + (index * 5) % len(CAMPAIGN_INCIDENTS)
    rows = []
    for number, (month, day, kinds, severity) in enumerate(CAMPAIGN_INCIDENTS[:share], start=1):
        occurred = dt.datetime(2022, month, day, 10, tzinfo=tz)
        determined = occurred.date() + dt.timedelta(days=7)
        rows.append(Incident(
            code=f"2022-H{number:03d}", source=IncidentSource.TEACHER, occurred_at=occurred, place="教学楼",
            summary="专项行动期间登记的欺凌事件。", opened_on=occurred.date(),
            investigation_due_on=occurred.date() + dt.timedelta(days=10), determination=Determination.BULLYING,
            kinds=kinds, severity=severity, determined_on=determined,
            stage=IncidentStage.CLOSED if number < share else IncidentStage.FOLLOW_UP,
            closed_on=determined + dt.timedelta(days=30) if number < share else None,
        ))  # fmt: skip
    Incident.objects.bulk_create(rows)
    # The serious ones enter the district register as they would have: due 24 hours after the school
    # knew, never reported (the platform did not exist in 2022), so the register shows them as 漏报.
    from schools.actions.serious_reports import sync_case

    with transaction.atomic():
        for incident in Incident.objects.filter(code__startswith="2022-H"):
            sync_case(incident, known_at=incident.occurred_at)


def seed_incidents(school: School) -> None:
    """Two incidents per seeded school: one whose investigation is overdue, one being handled."""
    now = timezone.now()
    today = timezone.localdate()
    late = Incident.objects.create(
        code=f"{today.year}-001", source=IncidentSource.TEACHER, reporter="值周教师",
        occurred_at=now - dt.timedelta(days=13), place="操场", summary="课间两名学生发生推搡，一方有言语侮辱。",
        stage=IncidentStage.INVESTIGATING, opened_on=today - dt.timedelta(days=12),
        investigation_due_on=today - dt.timedelta(days=2),
    )  # fmt: skip
    IncidentParty.objects.create(incident=late, student_name="学生甲", grade="四年级", class_name="四年级2班",
                                 role=PartyRole.PERPETRATOR)  # fmt: skip
    IncidentParty.objects.create(incident=late, student_name="学生乙", grade="四年级", class_name="四年级2班",
                                 role=PartyRole.VICTIM, family_notified_at=now - dt.timedelta(days=12))  # fmt: skip
    handled = Incident.objects.create(
        code=f"{today.year}-002", source=IncidentSource.ANONYMOUS, occurred_at=now - dt.timedelta(days=20),
        place="宿舍" if school.boarding else "厕所", summary="匿名举报称有学生多次被索要零花钱。",
        stage=IncidentStage.HANDLING, opened_on=today - dt.timedelta(days=19),
        investigation_due_on=today - dt.timedelta(days=9), determination=Determination.BULLYING,
        kinds=[BullyingKind.PROPERTY], severity=IncidentSeverity.REPEATED, determined_on=today - dt.timedelta(days=12),
        findings="经调查，多次索要财物属实。",
    )  # fmt: skip
    IncidentParty.objects.create(incident=handled, student_name="学生丙", grade="五年级", class_name="五年级1班",
                                 role=PartyRole.PERPETRATOR)  # fmt: skip


def seed_demo() -> list[DemoLogin]:
    seed_campaign()
    schools = seed_schools()
    with transaction.atomic():
        seed_people(schools)
    for index, school in enumerate(schools):
        with transaction.atomic():
            seed_school_records(school, index)
    seed_phase_reports(schools)
    seed_visits()
    # The district dashboard reads roll-ups: count every school once, in one pass.
    from oversight.rollups import reconcile

    reconcile()
    return demo_logins(schools)


# How each demo school reported seed 004's four phases (one letter per phase):
# A on time, accepted · S on time, awaiting review · L late, accepted · l late, awaiting review ·
# R on time, returned (awaiting the revision) · V returned, revised, accepted · X extension, then
# on time within it · E exempted · M missing.
REPORT_PLAN = {
    "xuejia": "AAAA", "longhu": "AAVS", "hehai": "ALAS", "sanjing": "VAAR", "xinqiao": "AlAM",
    "chunjiang": "XAAS", "xuejia-mid": "AMlS", "luoxi": "LAAX", "xinbei-high": "ASAM", "binjiang": "AARS",
    "xinbei-vocational": "MlMM", "xinbei-special": "EEEA",
}  # fmt: skip
REPORT_TEXT = {
    "work": "按照区教育局专项行动部署，学校召开专题会议，开展主题班会、法治讲座和全校问卷调查，"
    "对重点部位开展排查并建立台账，逐项落实整改。",
    "problems": "个别重点部位监控覆盖仍有盲区；放学后校门外学生聚集现象需持续关注。",
    "next_steps": "完善课间和放学时段巡查，开展家校共育专题家长会，巩固整治成效。",
}


def seed_phase_reports(schools: list[School]) -> None:
    """Seed 004's campaign with a realistic mix of submissions, through the same actions the pages
    use (times set in 2022). Idempotent: a school and phase with any record already is left alone."""
    from oversight import actions as district
    from oversight.models import PhaseExemption, PhaseExtension, PhaseSubmission
    from schools.actions import reports

    name, year = CAMPAIGN_2022
    campaign = Campaign.objects.get(name=name, year=year)
    phases = list(campaign.phases.order_by("order"))
    bureau = User.objects.get(username="bureau_staff")
    tz = timezone.get_default_timezone()

    def moment(day: dt.date) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, 10, tzinfo=tz)

    def submit(school, phase, day, text):
        admin = User.objects.get(username=f"{school.slug}_admin")
        with tenant_context(school), transaction.atomic():
            report = reports.write_start(acting_user=admin, phase=phase, today=day)
            report = reports.write_draft(
                acting_user=admin,
                report=report,
                expected_version=report.version,
                figures={},
                reasons={},
                sections=text,
                today=day,
            )
            return reports.write_submission(acting_user=admin, report=report, now=moment(day))

    def review(submission, verdict, day, comment=""):
        if verdict == "accept":
            district.accept_submission(acting_user=bureau, submission=submission, comment=comment)
        else:
            district.return_submission(acting_user=bureau, submission=submission, comment=comment)
        PhaseSubmission.objects.filter(pk=submission.pk).update(reviewed_at=moment(day))

    for school in schools:
        plan = REPORT_PLAN.get(school.slug)
        if plan is None:
            continue
        for phase, letter in zip(phases, plan, strict=True):
            touched = (
                PhaseSubmission.objects.filter(school=school, phase=phase).exists()
                or PhaseExemption.objects.filter(school=school, phase=phase).exists()
                or PhaseExtension.objects.filter(school=school, phase=phase).exists()
            )
            if touched or letter == "M":
                continue
            due = phase.report_due_on
            if letter == "E":
                district.grant_exemption(acting_user=bureau, phase=phase, school=school,
                                         reason="特殊教育学校按区教育局安排另行报送")  # fmt: skip
                continue
            if letter == "X":
                district.grant_extension(acting_user=bureau, phase=phase, school=school,
                                         due_on=due + dt.timedelta(days=10), reason="寄宿制学校封闭管理，资料整理延后")  # fmt: skip
                submission = submit(school, phase, due + dt.timedelta(days=6), REPORT_TEXT)
                review(submission, "accept", due + dt.timedelta(days=8))
                continue
            late = letter in "Ll"
            day = due + dt.timedelta(days=4) if late else due - dt.timedelta(days=3)
            text = dict(REPORT_TEXT) if letter not in "RV" else {"work": "已开展宣传教育和排查工作。"}
            submission = submit(school, phase, day, text)
            if letter in "AL":
                review(submission, "accept", day + dt.timedelta(days=2))
            elif letter in "RV":
                review(submission, "return", day + dt.timedelta(days=1),
                       "工作总结过于简略，请补充排查台账整改情况和具体数据。")  # fmt: skip
                if letter == "V":
                    revised = submit(school, phase, day + dt.timedelta(days=5), REPORT_TEXT)
                    review(revised, "accept", day + dt.timedelta(days=6))


# Inspector visits (挂牌督导) over the last half year, relative to today: each inspector visits each
# of their schools about monthly. Days since each school's latest visit, in SCHOOLS order: some
# within the last 30 days, some not visited for more than 30 (the dashboard's "not visited" tile).
VISIT_LAST_GAPS = [4, 12, 40, 20, 55, 8, 33, 16, 70, 26, 45, 2]
VISITS_PER_SCHOOL = 6
ROUTINE_FINDINGS = [
    "查看防欺凌工作领导小组名单及职责公示，抽查排查台账和隐患整改记录；课间厕所、楼梯转角等重点部位有教师值守。",
    "检查校门口欺凌举报电话、举报信箱公示情况；抽查两个班级的主题班会记录，与部分学生座谈，学生知晓求助渠道。",
    "查阅心理辅导室工作记录和家校沟通记录；午间食堂、操场秩序良好，视频监控覆盖主要区域。",
    "检查“1530”安全教育落实情况和教职工防欺凌专题培训记录；放学时段护学岗在岗，校门登记规范。",
    "抽查本学期问卷调查的组织和结果分析，查看重点关注学生的跟踪辅导安排（未查阅学生个人信息）。",
]
SPECIAL_FINDINGS = {
    True: "专项检查：夜间宿舍巡查、晚自习管理和宿管值班记录；抽查宿舍区视频监控，值班人员在岗。",
    False: "专项检查：课后服务时段和放学后校园管理；检查校园周边护学岗设置及与属地派出所的联动记录。",
}
FOLLOW_UP_FINDINGS = "整改复查：对上次督导下达的整改通知书逐项复查，查看整改前后的照片和台账记录。"
NOTICE_ITEMS = [
    "1. 北楼二层厕所外走廊监控存在盲区，请加装监控或安排课间专人值守；\n"
    "2. 排查台账部分隐患未填写整改责任人和期限，请补全。",
    "1. 校门口及学校网站未公示欺凌举报电话和举报信箱，请在醒目位置公示；\n"
    "2. 本学期主题班会尚未覆盖全部班级，请按每班每学期不少于 2 次落实。",
    "1. 放学后校门外学生聚集现象仍较突出，请增加护学岗并与属地派出所联动；\n"
    "2. 教职工防欺凌专题培训记录不完整，请补充培训签到和材料。",
]
NOTICE_CLOSE_NOTE = "经到校复查，整改事项已逐项落实，相关台账和记录齐全，予以销号。"


def seed_visits() -> None:
    """Visits and rectification notices for every demo school with a current inspector: a notice
    raised and closed at a follow-up visit everywhere, and by turns one still open on the latest
    visit, one open and overdue, or none. Idempotent: a school with any visit is left alone."""
    from inspections.models import NoticeStatus, Visit, VisitKind

    today = timezone.localdate()
    tz = timezone.get_default_timezone()

    def filed(day: dt.date, index: int) -> dt.datetime:  # the same day or the next: within the 2-day limit
        return dt.datetime(day.year, day.month, day.day, 17, tzinfo=tz) + dt.timedelta(days=index % 2)

    with transaction.atomic():
        for index, (slug, *_rest) in enumerate(SCHOOLS):
            assignment = (
                InspectorAssignment.objects.filter(school__slug=slug, ends_on__isnull=True)
                .select_related("inspector", "school")
                .first()
            )
            if assignment is None or Visit.objects.filter(school=assignment.school).exists():
                continue
            school, inspector = assignment.school, assignment.inspector
            gap = VISIT_LAST_GAPS[index % len(VISIT_LAST_GAPS)]
            visits = []  # newest first
            for number in range(VISITS_PER_SCHOOL):
                jitter = 0 if number == 0 else (index * 7 + number * 3) % 7 - 3
                day = today - dt.timedelta(days=gap + 30 * number + jitter)
                if number == 3:
                    kind, summary = VisitKind.FOLLOW_UP, FOLLOW_UP_FINDINGS  # re-checks the notice of visit 4
                elif number == 2:
                    kind, summary = VisitKind.SPECIAL, SPECIAL_FINDINGS[school.boarding]
                else:
                    kind = VisitKind.ROUTINE
                    summary = ROUTINE_FINDINGS[(index + number) % len(ROUTINE_FINDINGS)]
                visits.append(Visit.objects.create(inspector=inspector, school=school, visited_on=day, kind=kind,
                                                   summary=summary, filed_at=filed(day, index)))  # fmt: skip
            items = [NOTICE_ITEMS[(index + n) % len(NOTICE_ITEMS)] for n in range(3)]
            _demo_notice(visits[4], items[0], status=NoticeStatus.CLOSED, closed_on=visits[3].visited_on,
                         closed_by=inspector, close_note=NOTICE_CLOSE_NOTE)  # fmt: skip
            if index % 4 == 1:  # open, still within its 30 days when the latest visit is recent
                _demo_notice(visits[0], items[1])
            elif index % 4 == 2:  # raised about two months ago and never closed: overdue
                _demo_notice(visits[1], items[2])


def _demo_notice(visit, items: str, **closed):
    from inspections.models import ItemState, NoticeItem, RectificationNotice

    notice = RectificationNotice.objects.create(
        visit=visit, school=visit.school, issued_by=visit.inspector, issued_on=visit.visited_on,
        due_on=visit.visited_on + dt.timedelta(days=30), items=items, **closed,
    )  # fmt: skip
    done = bool(closed)
    NoticeItem.objects.create(
        notice=notice, order=1, text=items, state=ItemState.CLOSED if done else ItemState.OPEN,
        measures=NOTICE_CLOSE_NOTE if done else "", evidence=NOTICE_CLOSE_NOTE if done else "",
        recheck_note=closed.get("close_note", ""), rechecked_by=closed.get("closed_by"),
    )  # fmt: skip
    return notice


def demo_logins(schools: list[School]) -> list[DemoLogin]:
    from district_portal.urls_helpers import district_url

    logins = [
        DemoLogin("区教育局", district_url(), "bureau_admin", "教育局管理员"),
        DemoLogin("区教育局", district_url(), "bureau_staff", "教育局工作人员"),
        DemoLogin("区教育局", district_url(), "inspector1", "责任督学"),
    ]
    for school in schools:
        logins.append(DemoLogin(school.name, school.url(), f"{school.slug}_admin", "学校管理员"))
    first = schools[0]
    for suffix, title, *_ in STAFF[1:]:
        if suffix == "suguan" and not first.boarding:
            continue
        logins.append(DemoLogin(first.name, first.url(), f"{first.slug}_{suffix}", title))
    return logins
