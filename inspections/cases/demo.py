"""Demo data of cases for `manage.py seed_demo` (idempotent: running the seed twice adds nothing twice).

A handful of the demo county's cases of this year in every state — one of them excellent and
recommended to 临川市 — written the way supervisors write them (课后服务, 校园安全, 幼儿园去小学化 …).
"""
from __future__ import annotations

from schools.models import School
from supervision import access
from supervision.models import Supervisor, Zone

from . import services
from .choices import CaseAction as A
from .models import Case

AFTER_SCHOOL = """<h2>一、基本情况</h2>
<p>柳溪县第一实验小学有学生1860人。“双减”政策实施以来,学校推行“5+2”课后服务模式,每周一至周五开放课后服务,参与学生1796人,参与率96.6%。</p>
<h2>二、督导发现</h2>
<p>责任督学在3月、5月两次入校督导中采用推门听课、访谈家长、查阅档案等方式了解到:</p>
<ul><li>课后服务<strong>第一时段</strong>以作业辅导为主,教师能做到当堂答疑,书面作业基本在校内完成;</li>
<li>第二时段开设社团课程28门,但部分社团由本校教师兼任,教师工作量偏大;</li>
<li>收费公示、家长自愿申请等环节资料齐全。</li></ul>
<h2>三、督导建议与整改</h2>
<ol><li>引进少年宫、体校等校外资源,减轻教师负担;</li><li>实行弹性上下班,对参与课后服务的教师在绩效中予以倾斜。</li></ol>
<table><tbody><tr><th>项目</th><th>督导前</th><th>督导后</th></tr>
<tr><td>社团课程(门)</td><td>28</td><td>35</td></tr><tr><td>校外专业人员(人)</td><td>0</td><td>9</td></tr>
<tr><td>家长满意度</td><td>91%</td><td>97%</td></tr></tbody></table>
<h2>四、启示</h2><p>课后服务要“提质”更要“减负”,督导既要看学生,也要看教师,才能让这项惠民工作长久做下去。</p>"""

SAFETY = """<h2>一、案例背景</h2>
<p>春季开学前后是校园安全事故易发期。按照年度工作计划,3月重点督导校园及周边安全、交通安全。</p>
<h2>二、主要做法</h2>
<ol><li><strong>清单式排查</strong>:对照八项经常性督导清单,逐校查看消防通道、疏散指示、门卫值守;</li>
<li><strong>台账式整改</strong>:发现问题当场下达整改意见,明确期限,录入问题台账;</li>
<li><strong>回访式销号</strong>:下月入校时逐项复查,整改到位方可销号。</li></ol>
<h2>三、成效</h2><p>城区学校责任区共发现消防通道堆放杂物、监控存在盲区等问题11个,已全部整改销号。</p>"""

KINDERGARTEN = """<h2>一、问题的发现</h2>
<p>5月,责任督学在蓝天幼儿园督导时发现,大班存在提前教授拼音、布置书写作业的现象,部分家长也有“抢跑”需求。</p>
<h2>二、督导过程</h2>
<ul><li>查阅一日活动安排和教学计划,比对《3-6岁儿童学习与发展指南》;</li>
<li>召开家长座谈会,宣讲<em>科学保教</em>理念;</li>
<li>指导幼儿园调整课程,以游戏为基本活动。</li></ul>
<h2>三、整改效果</h2><p>幼儿园取消了拼音、算术等学科内容,增加了区角游戏和户外活动时间,家长认可度明显提高。</p>"""

FOOD = """<h2>一、基本情况</h2><p>民办幼儿园食堂规模小、人员流动大,是食品安全监管的薄弱环节。</p>
<h2>二、发现的问题</h2><ul><li>留样记录不完整;</li><li>部分从业人员健康证过期;</li><li>食品采购索证索票不规范。</li></ul>
<h2>三、对策</h2><p>建议县教育局会同市场监管部门开展联合检查,将食品安全纳入民办幼儿园年检。</p>"""

BOARDING = """<h2>一、基本情况</h2><p>兴华乡中心小学有寄宿生126人,宿舍管理由两名生活教师负责。</p>
<h2>二、督导思考</h2><p>寄宿生的晚间学习、心理健康和安全管理需要进一步关注。</p>"""

EYESIGHT = """<h2>一、缘起</h2><p>学生近视率逐年上升,家校共同防控是关键。</p><p>(草稿,待补充数据)</p>"""


def _school(office, name):
    return School.objects.filter(office=office, name=name).first()


def demo_build(*, office, today) -> None:
    """Called by seed_demo with the demo county after its year of visits and tickets is built."""
    year = today.year
    if Case.objects.filter(office=office, year=year).exists():
        return
    reviewer = access.directors_of(office).first()
    people = {s.phone: s for s in Supervisor.objects.filter(office=office, is_active=True).select_related("user")}
    if reviewer is None or not people:
        return
    wang, zhao = people.get("13904350001"), people.get("13904350007")
    chen, huang = people.get("13904350005"), people.get("13904350008")
    urban = Zone.objects.filter(office=office, assignments__supervisor=wang).first() if wang else None
    cases = [
        (wang, "以课后服务提质增效落实“双减”——柳溪县第一实验小学课后服务督导案例", "课后服务、双减", AFTER_SCHOOL,
         _school(office, "柳溪县第一实验小学"), None,
         [(A.ACCEPTED, ""), (A.EXCELLENT, "做法具体、数据翔实,评为优秀案例。"), (A.RECOMMENDED, "推荐报送临川市教育督导室。")]),
        (wang, "开学季校园安全隐患排查整改的闭环管理", "校园安全", SAFETY, None, urban, [(A.ACCEPTED, "")]),
        (zhao, "蓝天幼儿园纠正“小学化”倾向的督导实践", "幼儿园去小学化、保育教育", KINDERGARTEN, _school(office, "蓝天幼儿园"), None,
         [(A.ACCEPTED, ""), (A.EXCELLENT, "问题抓得准,整改有成效。")]),
        (huang or zhao, "民办幼儿园食品安全督导中的问题与对策", "食品安全、民办幼儿园", FOOD, None, None, []),
        (chen or wang, "乡村学校寄宿生管理的督导思考", "寄宿管理、乡村学校", BOARDING, _school(office, "兴华乡中心小学"), None,
         [(A.RETURNED, "请补充督导发现的具体问题、整改措施和成效,并附上照片。")]),
        (wang, "家校共育视角下的学生近视防控督导", "近视防控、家校共育", EYESIGHT, None, None, None),
    ]
    for author, title, tags, body, school, zone, reviews in cases:
        if author is None:
            continue
        case = services.case_save(actor=author.user, title=title, year=year, body=body, tags=tags, school=school, zone=zone)
        if reviews is None:  # still a draft
            continue
        case = services.case_submit(case=case, actor=author.user)
        for action, comment in reviews:
            case = services.case_review(case=case, actor=reviewer, action=action, comment=comment)
