#!/usr/bin/env python3
"""Set up a county supervision office (区县教育督导室) from nothing, through the REST API only.

Standard library only (urllib + json), so it runs with any Python 3.9+ on the admin's own computer.
As the admin of the city office (市级督导室管理员) it creates the county office under the city with its
first admin; then, as that county admin, the director's login, the responsibility zones, the
supervisors with their logins, the schools in their zones, the zones' supervisors and leads, the
school contacts, the year's annual plan, a satisfaction survey published to the schools, and an
evaluation scheme with a round of kindergartens. Everything is looked up first (by 行政区划代码, login,
name, phone, 学校标识码), so running it again creates nothing twice. See docs/setup_county.md.

    python3 docs/setup_county.py --base-url https://duban.example.gov.cn \\
        --username city_admin --password '…' --city 990500 [--data county.json] [--initial-password '…']
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request

# The county this script sets up unless --data names a JSON file of the same shape
# (`--print-example` prints it as JSON to start from).
EXAMPLE = {
    "office": {
        "name": "清河县人民政府教育督导室",
        "division_code": "990581",
        "address": "清河县清河镇人民路8号",
        "phone": "0435-5123456",
        "email": "duban@qinghe.example.gov.cn",
    },
    "admin": {"username": "qinghe_admin", "name": "周敏"},
    "director": {"username": "qinghe_director", "name": "陈建华"},
    "zones": [
        {"name": "城区学校责任区", "category": "urban_schools", "description": "县城内的中小学"},
        {"name": "乡镇学校责任区", "category": "township_schools", "description": "各乡镇中心校及村小"},
        {"name": "幼儿园责任区", "category": "public_kg", "description": "全县公办幼儿园"},
    ],
    "supervisors": [
        {"name": "刘志强", "username": "liuzhiqiang", "phone": "13904358001", "kind": "full_time", "title": "专职督学", "zones": ["城区学校责任区"],
         "lead_of": ["城区学校责任区"]},
        {"name": "孙丽", "username": "sunli", "phone": "13904358002", "kind": "part_time", "employer": "清河县第一中学", "title": "副校长",
         "zones": ["城区学校责任区", "乡镇学校责任区"]},
        {"name": "吴海燕", "username": "wuhaiyan", "phone": "13904358003", "kind": "full_time", "zones": ["乡镇学校责任区", "幼儿园责任区"],
         "lead_of": ["乡镇学校责任区", "幼儿园责任区"]},
    ],
    "schools": [
        {"code": "2199058101", "name": "清河县第一小学", "kind": "primary", "location": "urban", "zone": "城区学校责任区",
         "principal": "王红"},
        {"code": "2199058102", "name": "清河县第一中学", "kind": "junior", "location": "urban", "zone": "城区学校责任区"},
        {"code": "2199058103", "name": "清河镇中心小学", "kind": "primary", "location": "town", "zone": "乡镇学校责任区"},
        {"code": "2199058104", "name": "柳树村小学", "kind": "primary", "location": "rural", "zone": "乡镇学校责任区"},
        {"code": "2199058105", "name": "清河县实验幼儿园", "kind": "kindergarten", "location": "urban", "zone": "幼儿园责任区"},
        {"code": "2199058106", "name": "清河镇中心幼儿园", "kind": "kindergarten", "location": "town", "zone": "幼儿园责任区"},
    ],
    "school_contacts": [
        {"username": "qh_yixiao", "name": "一小联系人", "school": "2199058101"},
        {"username": "qh_shiyou", "name": "实验幼儿园联系人", "school": "2199058105"},
    ],
    "survey": {
        "title": "家长满意度调查问卷", "from_template": True, "audiences": ["parent"],
        "questions": [{"kind": "text", "text": "您对学校还有什么建议?", "required": False}],
    },
    "evaluation": {
        "scheme": {"scheme_kind": "kindergarten", "name": "幼儿园办园行为督导评估指标"},
        "round": {"name": "幼儿园办园行为督导评估", "school_kinds": ["kindergarten"]},
    },
}


class ApiError(Exception):
    def __init__(self, method, path, status, body):
        self.status, self.body = status, body
        super().__init__(f"{method} {path} → {status}: {json.dumps(body, ensure_ascii=False)}")


class Api:
    """A token client of /api/v1/ (``Authorization: Token …``)."""

    def __init__(self, base_url: str, token: str | None = None):
        self.base = base_url.rstrip("/") + "/api/v1/"
        self.token = token

    def call(self, method: str, path: str, body=None, query=None):
        url = self.base + path.lstrip("/")
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                detail = json.loads(raw or b"{}")
            except ValueError:
                detail = raw.decode(errors="replace")[:500]
            raise ApiError(method, path, exc.code, detail) from None
        return json.loads(raw) if raw else None

    def get(self, path, **query):
        return self.call("GET", path, query=query)

    def post(self, path, body=None):
        return self.call("POST", path, body if body is not None else {})

    def rows(self, path, **query) -> list[dict]:
        """Every row of a paginated list (follows ``next``)."""
        out, page = [], 1
        while True:
            answer = self.get(path, **query, page=page)
            out += answer["results"]
            if not answer.get("next"):
                return out
            page += 1

    def login(self, username: str, password: str) -> Api:
        answer = self.post("auth/token/", {"username": username, "password": password})
        return Api(self.base[: -len("api/v1/")], answer["token"])


def say(action: str, what: str) -> None:
    print(f"[{action}] {what}", flush=True)


def new_password() -> str:
    # Passes the server's rules: 8+ characters, mixed, not common, not all digits.
    return "Dx-" + secrets.token_urlsafe(9)


class Setup:
    def __init__(self, city_api: Api, data: dict, *, city_code: str, year: int, initial_password: str | None):
        self.city_api, self.data, self.city_code, self.year = city_api, data, city_code, year
        self.initial_password = initial_password
        self.api: Api | None = None  # the county admin's client, once the county exists
        self.office: dict = {}
        # The admin's password as given to them: a password set by someone else may do nothing but be
        # changed, so the script works under a password of its own and gives this one back at the end.
        self.admin_password: str | None = None

    # --- logins -------------------------------------------------------------------------------

    def _give_password(self, user: dict, who: str) -> None:
        """A new login gets the initial password, or a temporary one printed once."""
        if self.initial_password:
            self.api.post(f"users/{user['id']}/password/", {"password": self.initial_password})
            say("密码", f"{who} {user['username']}:已设为初始密码")
        else:
            answer = self.api.post(f"users/{user['id']}/reset-password/")
            say("密码", f"{who} {user['username']}:临时密码 {answer['password']}(只显示这一次)")

    def _user(self, username: str) -> dict | None:
        found = self.api.get("users/", username=username)["results"]
        return found[0] if found else None

    def login_for(self, entry: dict, *, role: str, who: str, office: int | None = None, school: int | None = None):
        existing = self._user(entry["username"])
        if existing is not None:
            say("已存在", f"{who} {entry['username']}")
            return existing
        body = {"username": entry["username"], "name": entry["name"], "role": role, "email": entry.get("email", "")}
        if office is not None:
            body["office"] = office
        if school is not None:
            body["school"] = school
        user = self.api.post("users/", body)
        say("创建", f"{who} {entry['username']}({entry['name']})")
        self._give_password(user, who)
        return user

    # --- steps --------------------------------------------------------------------------------

    def _office_by_code(self, api: Api, code: str) -> dict | None:
        return next((o for o in api.rows("offices/", search=code) if o["division_code"] == code), None)

    def county(self) -> None:
        city = self._office_by_code(self.city_api, self.city_code)
        if city is None:
            raise SystemExit(f"找不到行政区划代码为 {self.city_code} 的上级督导室(或您无权查看)。")
        spec, admin = self.data["office"], self.data["admin"]
        password = admin.get("password") or self.initial_password
        office = self._office_by_code(self.city_api, spec["division_code"])
        if office is None:
            if not password:
                password = self.initial_password = new_password()
                say("密码", f"初始密码 {password}(新建的账号都用它;重新运行时请加 --initial-password)")
            office = self.city_api.post("offices/", {
                **{k: spec.get(k, "") for k in ("name", "division_code", "address", "phone", "email")},
                "level": "county", "parent": city["id"],
                "admin": {"username": admin["username"], "name": admin["name"], "password": password},
            })
            say("创建", f"督导室 {office['name']}({office['division_code']},上级 {city['name']}),管理员 {admin['username']}")
        else:
            say("已存在", f"督导室 {office['name']}({office['division_code']})")
        if not password:
            raise SystemExit(f"督导室已存在:请用 --initial-password 给出管理员 {admin['username']} 的密码。")
        try:
            self.api = self.city_api.login(admin["username"], password)
        except ApiError as exc:
            raise SystemExit(f"无法以督导室管理员 {admin['username']} 登录:{exc.body}") from None
        try:
            self.api.get("offices/")
        except ApiError as exc:
            if exc.status != 403 or (exc.body or {}).get("code") != "password_change_required":
                raise
            self.api.post("auth/password/", {"old_password": password, "new_password": new_password()})
            self.admin_password = password
        self.office = office

    def admin_password_give_back(self) -> None:
        """The admin's own password again, still to be changed at their first login."""
        if self.admin_password is None:
            return
        username = self.data["admin"]["username"]
        self.api.post(f"users/{self._user(username)['id']}/password/", {"password": self.admin_password})
        say("密码", f"管理员 {username} 仍使用初始密码,首次登录时须修改")

    def director(self) -> None:
        self.login_for(self.data["director"], role="director", who="主任", office=self.office["id"])

    def zones(self) -> dict[str, dict]:
        existing = {z["name"]: z for z in self.api.rows("zones/", office=self.office["id"])}
        for spec in self.data.get("zones", []):
            if spec["name"] in existing:
                say("已存在", f"责任区 {spec['name']}")
                continue
            existing[spec["name"]] = self.api.post("zones/", {"office": self.office["id"], **spec})
            say("创建", f"责任区 {spec['name']}")
        return existing

    def supervisors(self) -> dict[str, dict]:
        existing = {s["phone"]: s for s in self.api.rows("supervisors/", office=self.office["id"])}
        fields = ("name", "username", "phone", "kind", "employer", "title", "duties")
        for spec in self.data.get("supervisors", []):
            if spec["phone"] in existing:
                say("已存在", f"督学 {spec['name']}({spec['phone']})")
                continue
            existing[spec["phone"]] = self.api.post(
                "supervisors/", {"office": self.office["id"], **{k: spec[k] for k in fields if k in spec}}
            )
            say("创建", f"督学 {spec['name']}，登录名 {spec['username']}（不用公开的手机号）")
            self._give_password(self._user(spec["username"]), "督学")
        return existing

    def schools(self, zones: dict[str, dict]) -> dict[str, dict]:
        existing = {s["code"]: s for s in self.api.rows("schools/", office=self.office["id"])}
        fields = ("name", "kind", "ownership", "location", "address", "principal", "phone")
        for spec in self.data.get("schools", []):
            if spec["code"] in existing:
                say("已存在", f"学校 {spec['name']}({spec['code']})")
                continue
            body = {"office": self.office["id"], "code": spec["code"], **{k: spec[k] for k in fields if k in spec}}
            if spec.get("zone"):
                body["zone"] = zones[spec["zone"]]["id"]
            existing[spec["code"]] = self.api.post("schools/", body)
            say("创建", f"学校 {spec['name']}({spec['code']})" + (f",划入 {spec['zone']}" if spec.get("zone") else ""))
        return existing

    def staff_zones(self, zones: dict[str, dict], supervisors: dict[str, dict]) -> None:
        for zone_name, zone in zones.items():
            members = [s for s in self.data.get("supervisors", []) if zone_name in s.get("zones", [])]
            if not members:
                continue
            leads = [s for s in members if zone_name in s.get("lead_of", [])]
            body = {"supervisors": [supervisors[s["phone"]]["id"] for s in members]}
            if leads:
                body["lead"] = supervisors[leads[0]["phone"]]["id"]
            answer = self.api.post(f"zones/{zone['id']}/supervisors/", body)
            lead = next((m["name"] for m in answer["supervisors"] if m["is_lead"]), "—")
            say("设置", f"责任区 {zone_name}:责任督学 {'、'.join(m['name'] for m in answer['supervisors'])},组长 {lead}")

    def contacts(self, schools: dict[str, dict]) -> None:
        for spec in self.data.get("school_contacts", []):
            school = schools[spec["school"]]
            self.login_for(spec, role="school_user", who=f"{school['name']}联系人", school=school["id"])

    def plan(self) -> None:
        if self.api.get("plans/", office=self.office["id"], year=self.year)["results"]:
            say("已存在", f"{self.year}年度工作计划")
            return
        self.api.post("plans/", {"office": self.office["id"], "year": self.year, "copy_from_previous": True})
        say("创建", f"{self.year}年度工作计划(每月重点可在计划页面填写)")

    def survey(self, schools: dict[str, dict]) -> None:
        spec = self.data.get("survey")
        if not spec:
            return
        title = spec.get("title") or "家长满意度调查问卷"
        survey = next((s for s in self.api.rows("surveys/") if s["office"] == self.office["id"]
                       and s["year"] == self.year and s["title"] == title), None)
        if survey is None:
            survey = self.api.post("surveys/", {
                "office": self.office["id"], "year": self.year, "title": title, "intro": spec.get("intro", ""),
                "from_template": spec.get("from_template", False), "questions": spec.get("questions", []),
            })
            say("创建", f"问卷 {title}({len(survey['questions'])}题)")
        else:
            say("已存在", f"问卷 {title}")
        if survey["status"] == "closed":
            say("跳过", f"问卷 {title} 已结束,不再发布")
            return
        codes = spec.get("schools") or list(schools)
        answer = self.api.post(f"surveys/{survey['id']}/publish/", {
            "schools": [schools[c]["id"] for c in codes], "audiences": spec.get("audiences", ["parent"]),
        })
        say("发布", f"问卷 {title}:{len(codes)}所学校,共{len(answer['links'])}个问卷链接")

    def evaluation(self, schools: dict[str, dict]) -> None:
        spec = self.data.get("evaluation")
        if not spec:
            return
        s = spec["scheme"]
        name = s.get("name", "")
        scheme = next((x for x in self.api.rows("evaluation-schemes/") if x["office"] == self.office["id"]
                       and x["year"] == self.year and x["scheme_kind"] == s["scheme_kind"]
                       and (not name or x["name"] == name)), None)
        if scheme is None:
            body = {"office": self.office["id"], "year": self.year, "scheme_kind": s["scheme_kind"], "name": name}
            if s.get("indicators"):
                body["indicators"] = s["indicators"]
            scheme = self.api.post("evaluation-schemes/", body)
            say("创建", f"指标体系 {scheme['name']}({len(scheme['indicators'])}项指标)")
        else:
            say("已存在", f"指标体系 {scheme['name']}")
        r = spec.get("round")
        if not r:
            return
        round_name = f"{self.year}年{r['name']}"
        if any(x["name"] == round_name and x["office"] == self.office["id"] for x in self.api.rows("evaluation-rounds/")):
            say("已存在", f"评估 {round_name}")
            return
        kinds = r.get("school_kinds")
        chosen = [s for c, s in schools.items() if c in r.get("schools", [c]) and (not kinds or s["kind"] in kinds)]
        answer = self.api.post("evaluation-rounds/", {
            "scheme": scheme["id"], "name": round_name, "schools": [s["id"] for s in chosen],
        })
        say("创建", f"评估 {round_name}:参评{answer['schools']}所")

    def run(self) -> None:
        self.county()
        try:
            self.director()
            zones = self.zones()
            supervisors = self.supervisors()
            schools = self.schools(zones)
            self.staff_zones(zones, supervisors)
            self.contacts(schools)
            self.plan()
            self.survey(schools)
            self.evaluation(schools)
        finally:
            self.admin_password_give_back()
        print(f"完成:{self.office['name']} 已可使用。", flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="通过 API 建立一个区县教育督导室(以市级督导室管理员身份)。")
    parser.add_argument("--base-url", required=False, help="系统地址,如 https://duban.example.gov.cn")
    parser.add_argument("--username", help="市级督导室管理员的登录名")
    parser.add_argument("--password", help="市级督导室管理员的密码")
    parser.add_argument("--token", help="或:市级督导室管理员的 API 令牌(代替登录名和密码)")
    parser.add_argument("--city", help="上级(市级)督导室的行政区划代码,如 990500")
    parser.add_argument("--data", help="区县数据 JSON 文件(格式见 --print-example);不给则用示例数据")
    parser.add_argument("--year", type=int, default=dt.date.today().year, help="工作计划、问卷、评估的年度(默认今年)")
    parser.add_argument("--initial-password", help="新建账号的初始密码;不给则为每个账号生成临时密码并显示一次")
    parser.add_argument("--print-example", action="store_true", help="打印示例数据(JSON)后退出")
    args = parser.parse_args(argv)
    if args.print_example:
        print(json.dumps(EXAMPLE, ensure_ascii=False, indent=2))
        return 0
    if not args.base_url or not args.city or not (args.token or (args.username and args.password)):
        parser.error("需要 --base-url、--city,以及 --token 或 --username 和 --password")
    data = EXAMPLE
    if args.data:
        with open(args.data, encoding="utf-8") as fh:
            data = json.load(fh)
    api = Api(args.base_url, args.token)
    try:
        if not args.token:
            api = api.login(args.username, args.password)
        Setup(api, data, city_code=args.city, year=args.year, initial_password=args.initial_password).run()
    except ApiError as exc:
        print(f"失败:{exc}", file=sys.stderr)
        return 1
    except urllib.error.URLError as exc:
        print(f"无法连接 {args.base_url}:{exc.reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
