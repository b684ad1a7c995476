"""Build a large, realistic organization tree for benchmarks: `seed_scale --members 1000000`.

Shape (for N members):
    中共示范市委员会 (root 党委)
      └─ ~N/60,000 county-level 党委 (区委 / 县委)
           └─ 基层党委 (8–40 branches) and 党总支 (3–7 branches)
                └─ 党支部 of 3–50 members (mode 15); branches of ≥30 members have 3–4 党小组

Every branch has a current term with its 支部委员会 (or only a 书记 when it has fewer than 7 full
members), every 党委/党总支 a term whose posts are held by members of its subtree, every 党小组 a
组长. About 6.5% of members are probationary; statuses are mostly 正常. ID numbers are valid and
unique, names are drawn from demo_names, search keys come from orgs/search.py, and each member has
one open MemberOrgHistory row. Organization.member_count/full_member_count follow the rule of
services.refresh_counts (branch: its members on the roster; 党小组: its group members).

This bypasses the per-row services on purpose (1,000,000 service calls would take hours): paths
are computed here, ids are assigned here, rows are streamed with COPY on PostgreSQL and inserted
in batches elsewhere, all in one transaction, and one audit event records the seeding.

Output is deterministic for a given --seed and --today (ids depend on what the database holds).
Organization codes are "S-" + the tree path, so they cannot clash with demo or imported codes.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable, Sequence

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from tqdm import tqdm

from orglife.core import audit
from orglife.orgs import idcard, search
from orglife.orgs.demo_names import ETHNICITIES, GIVEN, REGIONS, SURNAMES, TITLES, UNITS
from orglife.orgs.models import (
    Category,
    Member,
    MemberOrgHistory,
    Organization,
    OrgKind,
    Post,
    PostHolding,
    Status,
    Term,
)
from orglife.rules.loader import get_profile
from orglife.rules.org_checks import add_months, default_term_end

CODE_PREFIX = "S-"
MEMBERS_PER_COUNTY = 60_000
CHUNK = 50_000  # members buffered between two COPY statements

COUNTY_NAMES = [
    "城关区",
    "东城区",
    "西城区",
    "南湖区",
    "北山区",
    "高新区",
    "江北区",
    "临江县",
    "青山县",
    "白水县",
    "长宁县",
    "永安县",
    "安平县",
    "新丰县",
    "兴化县",
    "宁远县",
    "石桥县",
    "凤凰县",
    "龙泉县",
    "桃源县",
]
PLACE_A = "东西南北安宁平和兴隆丰泰新华清石青白龙凤桃松金长永康吉祥云阳光明"
PLACE_B = "河桥山水湖岭坪口湾塘溪林港田庄园店集坝沟"
COMMITTEE_UNITS = [
    "教育局",
    "卫生健康委员会",
    "人民医院",
    "中医院",
    "财政局",
    "公安局",
    "交通运输局",
    "农业农村局",
    "市场监督管理局",
    "住房和城乡建设局",
    "第一中学",
    "实验中学",
    "职业技术学校",
]
GENERAL_UNITS = [
    "社区",
    "小学",
    "中学",
    "卫生院",
    "供电所",
    "税务所",
    "法庭",
    "派出所",
    "文化馆",
    "图书馆",
]
BRANCH_UNITS = ["机关", "教工", "医护", "行政", "后勤", "业务", "综合", "离退休", "网格", "村"]
CN_DIGITS = "零一二三四五六七八九"

# Member statuses for full members (cumulative thresholds); probationary members are active or mobile.
# (psycopg would write an Enum's name, so rows carry plain .value strings.)
FULL_STATUS = [
    (0.935, Status.ACTIVE.value),
    (0.97, Status.MOBILE.value),
    (0.972, Status.SUSPENDED.value),
    (0.99, Status.TRANSFERRED_OUT.value),
    (1.0, Status.DECEASED.value),
]
EDUCATION = (
    ["postgraduate"] * 8
    + ["bachelor"] * 40
    + ["college"] * 25
    + ["secondary"] * 10
    + ["high_school"] * 9
    + ["junior"] * 8
)
ON_ROSTER = {Status.ACTIVE.value, Status.MOBILE.value, Status.SUSPENDED.value}
ELIGIBLE = {Status.ACTIVE.value}  # who may hold a post in the generated terms

BRANCH_COMMITTEE_MIN_FULL = 7
BIG_BRANCH = 30  # branches of at least this many members have 党小组
COMMITTEE_POSTS = [
    Post.SECRETARY,
    Post.DEPUTY_SECRETARY,
    Post.ORGANIZATION_OFFICER,
    Post.PUBLICITY_OFFICER,
    Post.DISCIPLINE_OFFICER,
]
GENERAL_POSTS = [Post.SECRETARY, Post.ORGANIZATION_OFFICER, Post.PUBLICITY_OFFICER]
BRANCH_POSTS_BIG = [
    Post.SECRETARY,
    Post.DEPUTY_SECRETARY,
    Post.ORGANIZATION_OFFICER,
    Post.PUBLICITY_OFFICER,
    Post.DISCIPLINE_OFFICER,
]
BRANCH_POSTS = [
    Post.SECRETARY,
    Post.ORGANIZATION_OFFICER,
    Post.PUBLICITY_OFFICER,
    Post.DISCIPLINE_OFFICER,
]
GROUP_TERM_YEARS = 3


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals (第十二党支部)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (
        ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
        if n < 100
        else str(n)
    )


class Org:
    """One organization to insert, with what the generator needs to know about it."""

    __slots__ = (
        "id",
        "path",
        "depth",
        "code",
        "name",
        "kind",
        "established_on",
        "children",
        "size",
        "member_count",
        "full_member_count",
        "eligible",
        "groups",
    )

    def __init__(self, path: str, name: str, kind: str, established_on: dt.date, size: int = 0):
        self.id = 0
        self.path = path
        self.depth = len(path) // Organization.steplen
        self.code = CODE_PREFIX + path
        self.name = name[:100]
        self.kind = str(kind)  # a plain string: psycopg would COPY an Enum's name
        self.established_on = established_on
        self.children: list[Org] = []
        self.size = size  # members to generate (branches only)
        self.member_count = 0
        self.full_member_count = 0
        self.eligible: list[int] = []  # ids of active full members, in roster order (post holders)
        self.groups: list[Org] = []

    def add(self, name: str, kind: str, established_on: dt.date, size: int = 0) -> Org:
        child = Org(self.path + step(len(self.children) + 1), name, kind, established_on, size)
        self.children.append(child)
        return child

    def walk(self) -> Iterable[Org]:
        yield self
        for child in self.children:
            yield from child.walk()


def step(n: int) -> str:
    """The n-th step of a treebeard path: base 36 over the model's alphabet, steplen wide."""
    alphabet, width = Organization.alphabet, Organization.steplen
    out = ""
    while n:
        n, r = divmod(n, len(alphabet))
        out = alphabet[r] + out
    if len(out) > width:
        raise CommandError("组织过多：超出路径步长")
    return out.rjust(width, alphabet[0])


def unstep(text: str) -> int:
    return int(text, len(Organization.alphabet))


# ---------------------------------------------------------------------------- writing rows


class Writer:
    """Insert rows of one model: COPY on PostgreSQL, batched executemany elsewhere.

    Columns the generator does not set (fields added later by other features) get their model
    default, so the seeder keeps working as the schema grows.
    """

    def __init__(self, model: type[models.Model], fields: Sequence[str]):
        self.model = model
        self.table = model._meta.db_table
        opts = model._meta
        given = [opts.get_field(f) for f in fields]
        self.columns = [f.column for f in given]
        extra = [f for f in opts.concrete_fields if f.column not in self.columns]
        missing = [f.name for f in extra if not f.has_default() and not f.null]
        if missing:
            raise CommandError(f"{model.__name__} 有新的必填字段 {missing}，请更新 seed_scale")
        self.columns += [f.column for f in extra]
        self.extra = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
        self.count = 0

    def write(self, rows: list[tuple]) -> None:
        if not rows:
            return
        extra = self.extra
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        if connection.vendor == "postgresql":
            raw = connection.cursor().connection  # the psycopg 3 connection
            with raw.cursor() as cur, cur.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + extra if extra else row)
        else:
            adapt = connection.ops.adapt_datefield_value
            adapt_dt = connection.ops.adapt_datetimefield_value

            def plain(v):
                if isinstance(v, dt.datetime):
                    return adapt_dt(v)
                if isinstance(v, dt.date):
                    return adapt(v)
                return v

            sql = f"INSERT INTO {self.table} ({cols}) VALUES ({', '.join(['%s'] * len(self.columns))})"
            with connection.cursor() as cur:
                for start in range(0, len(rows), 2000):
                    cur.executemany(
                        sql,
                        [
                            tuple(plain(v) for v in row + extra)
                            for row in rows[start : start + 2000]
                        ],
                    )
        self.count += len(rows)


def next_id(model: type[models.Model]) -> int:
    with connection.cursor() as cur:
        cur.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
        return cur.fetchone()[0] + 1


# ---------------------------------------------------------------------------- the command


class Command(BaseCommand):
    help = "生成大规模测试数据（组织树、党员、任期和职务），用于性能测试"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, required=True, help="党员人数，如 1000000")
        parser.add_argument(
            "--seed", type=int, default=1, help="随机种子（相同种子、相同 --today 生成相同数据）"
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="数据的基准日期 YYYY-MM-DD（默认今天）",
        )
        parser.add_argument(
            "--force-append", action="store_true", help="已有规模测试数据时仍然追加一棵新的组织树"
        )

    def handle(
        self, *args, members: int, seed: int, today: dt.date | None, force_append: bool, **options
    ):
        if members < 1:
            raise CommandError("--members 至少为 1")
        existing = Organization.objects.filter(depth=1, code__startswith=CODE_PREFIX).values_list(
            "code", flat=True
        )
        if existing and not force_append:
            raise CommandError(
                f"数据库已有规模测试数据（{', '.join(existing)}）；如需再追加一棵组织树，请加 --force-append"
            )
        self.today = today or timezone.localdate()
        self.rng = random.Random(seed)
        self.profile = get_profile()
        started = time.monotonic()

        root = self.plan(members)
        orgs = list(root.walk())
        self.stdout.write(
            f"组织 {len(orgs):,} 个（党支部 {sum(1 for o in orgs if o.size):,} 个），党员 {members:,} 人"
        )
        with transaction.atomic():
            self.prepare(orgs)
            self.write_members(orgs, members)
            terms, posts = self.write_terms(root)
            self.write_orgs(orgs)
            self.finish()
            audit.record(
                actor=None,
                action="scale.seed",
                target=self.root_model(root),
                org=self.root_model(root),
                changes={
                    "members": [None, members],
                    "organizations": [None, len(orgs)],
                    "terms": [None, terms],
                    "posts": [None, posts],
                    "seed": [None, seed],
                    "today": [None, self.today.isoformat()],
                },
            )
        self.stdout.write("更新统计信息…")
        self.analyze()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"已生成：根组织 {root.code}「{root.name}」，组织 {len(orgs):,} 个，党员 {members:,} 人，"
                f"任期 {terms:,} 届，职务 {posts:,} 条，用时 {elapsed:.0f} 秒"
            )
        )

    # ------------------------------------------------------------------ plan

    def place(self) -> str:
        return self.rng.choice(PLACE_A) + self.rng.choice(PLACE_B)

    def date_between(self, first: dt.date, last: dt.date) -> dt.date:
        return dt.date.fromordinal(self.rng.randint(first.toordinal(), last.toordinal()))

    def plan(self, n: int) -> Org:
        """The organization tree, sized so that the branches hold exactly n members."""
        rng = self.rng
        sizes: list[int] = []
        total = 0
        while total < n:
            size = min(int(round(rng.triangular(3, 50, 15))), n - total)
            if size < 3 and sizes:
                sizes[-1] += size  # a remainder of 1–2 joins the previous branch
            else:
                sizes.append(size)
            total += size
        units: list[tuple[str, list[int]]] = []
        i = 0
        while i < len(sizes):
            if rng.random() < 0.4:
                kind, count = OrgKind.GENERAL_BRANCH, rng.randint(3, 7)
            else:
                kind, count = OrgKind.COMMITTEE, rng.randint(8, 40)
            units.append((kind, sizes[i : i + count]))
            i += count
        counties = max(1, min(len(units), round(n / MEMBERS_PER_COUNTY)))

        last_root = Organization.get_last_root_node()
        root_step = unstep(last_root.path[: Organization.steplen]) + 1 if last_root else 1
        root = Org(step(root_step), "中共示范市委员会", OrgKind.COMMITTEE, dt.date(1949, 10, 1))
        old, new = dt.date(1950, 1, 1), dt.date(2022, 12, 31)
        for c in range(counties):
            base = COUNTY_NAMES[c % len(COUNTY_NAMES)]
            cname = (
                base
                if c < len(COUNTY_NAMES)
                else f"{base[:-1]}{cn_number(c // len(COUNTY_NAMES) + 1)}{base[-1]}"
            )
            county = root.add(
                f"中共{cname}委员会",
                OrgKind.COMMITTEE,
                self.date_between(old, dt.date(1990, 12, 31)),
            )
            for u, (kind, branch_sizes) in enumerate(
                units[c * len(units) // counties : (c + 1) * len(units) // counties]
            ):
                if kind == OrgKind.COMMITTEE:
                    roll = rng.random()
                    if roll < 0.45:
                        uname = f"{cname}{rng.choice(COMMITTEE_UNITS)}委员会"
                    elif roll < 0.8:
                        uname = f"{self.place()}镇委员会"
                    else:
                        uname = f"{self.place()}街道工作委员会"
                else:
                    uname = f"{self.place()}{rng.choice(GENERAL_UNITS)}总支部委员会"
                if u and rng.random() < 0.02:
                    uname = (
                        f"{cname}第{cn_number(u % 99 + 1)}{uname[len(cname) :]}"
                        if uname.startswith(cname)
                        else uname
                    )
                unit = county.add(uname, kind, self.date_between(old, new))
                village = unit.name.endswith("镇委员会")
                for b, size in enumerate(branch_sizes, start=1):
                    if village and rng.random() < 0.7:
                        bname = (
                            f"{self.place()}村党支部委员会"
                            if size >= BRANCH_COMMITTEE_MIN_FULL
                            else f"{self.place()}村党支部"
                        )
                    else:
                        bname = f"{rng.choice(BRANCH_UNITS)}第{cn_number(min(b, 99))}党支部"
                    branch = unit.add(
                        bname, OrgKind.BRANCH, self.date_between(dt.date(1980, 1, 1), new), size
                    )
                    if size >= BIG_BRANCH:
                        for g in range(1, (3 if size < 40 else 4) + 1):
                            group = branch.add(
                                f"第{cn_number(g)}党小组",
                                OrgKind.PARTY_GROUP,
                                self.date_between(
                                    max(branch.established_on, dt.date(2015, 1, 1)), new
                                ),
                            )
                            branch.groups.append(group)
        return root

    # ------------------------------------------------------------------ database

    def prepare(self, orgs: list[Org]) -> None:
        tables = [
            m._meta.db_table for m in (Organization, Member, MemberOrgHistory, Term, PostHolding)
        ]
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                # Nobody else may insert rows while we hand out ids ourselves.
                cur.execute(f"LOCK TABLE {', '.join(tables)} IN SHARE ROW EXCLUSIVE MODE")
                cur.execute("SET LOCAL synchronous_commit TO OFF")
        self.ids = {
            m: next_id(m) for m in (Organization, Member, MemberOrgHistory, Term, PostHolding)
        }
        first = self.ids[Organization]
        for i, org in enumerate(orgs):
            org.id = first + i
        # Every code below the new root starts with the root's code.
        if Organization.objects.filter(code__startswith=orgs[0].code).exists():
            raise CommandError(f"组织编码 {orgs[0].code}… 已被使用")

    def write_members(self, orgs: list[Org], total: int) -> None:
        rng = self.rng
        rand, randrange, randint = rng.random, rng.randrange, rng.randint
        today_ord = self.today.toordinal()
        now = timezone.now()
        fromordinal = dt.date.fromordinal
        make_id, initials = idcard.make_id, search.initials
        initials_cache: dict[str, str] = {}
        # ID numbers already registered (demo data, imports, an earlier scale tree) are never reused.
        used: set[str] = set(
            Member.objects.values_list("id_number", flat=True).iterator(chunk_size=20_000)
        )
        units = [f"{u}{t}" for u in UNITS for t in TITLES]
        surnames, given = SURNAMES, GIVEN
        n_regions, n_surnames, n_given = len(REGIONS), len(SURNAMES), len(GIVEN)
        active, mobile = Status.ACTIVE.value, Status.MOBILE.value
        full, prob = Category.FULL.value, Category.PROBATIONARY.value
        members = Writer(
            Member,
            [
                "id",
                "name",
                "gender",
                "ethnicity",
                "birth_date",
                "id_number",
                "phone",
                "education",
                "work_unit",
                "category",
                "admitted_on",
                "full_member_on",
                "status",
                "leading_cadre",
                "org",
                "party_group",
                "user",
                "name_initials",
                "id_reversed",
                "created_at",
                "updated_at",
            ],
        )
        history = Writer(
            MemberOrgHistory, ["id", "member", "org", "started_on", "ended_on", "reason"]
        )
        member_id = self.ids[Member]
        history_id = self.ids[MemberOrgHistory]
        rows: list[tuple] = []
        hist: list[tuple] = []
        bar = tqdm(total=total, unit="人", desc="党员", unit_scale=True, mininterval=1.0)
        for org in orgs:
            if not org.size:
                continue
            size = org.size
            # 4–9% probationary, never so many that fewer than 3 full members remain.
            n_prob = min(int(size * rng.uniform(0.04, 0.09) + rand()), max(size - 3, 0))
            probationary = set(rng.sample(range(size), n_prob))
            groups = org.groups
            n_groups = len(groups)
            established = org.established_on.toordinal()
            for j in range(size):
                age_days = int(rng.triangular(20, 88, 42) * 365.25)
                birth_ord = today_ord - age_days
                birth = fromordinal(birth_ord)
                region = REGIONS[randrange(n_regions)]
                while True:
                    seq = randrange(1000)
                    number = make_id(region, birth, seq)
                    if number not in used:
                        used.add(number)
                        break
                    region = REGIONS[randrange(n_regions)]
                name = surnames[randrange(n_surnames)] + given[randrange(n_given)]
                if rand() < 0.7:
                    name += given[randrange(n_given)]
                keys = initials_cache.get(name)
                if keys is None:
                    keys = initials_cache[name] = initials(name)
                if j in probationary:
                    category = prob
                    status = active if rand() < 0.97 else mobile
                    admitted_ord = today_ord - randint(1, 364)
                    full_on = None
                else:
                    category = full
                    roll = rand()
                    status = next(s for limit, s in FULL_STATUS if roll < limit)
                    low = birth_ord + 6588  # 18 years (add_months(birth, 216) is never later)
                    high = today_ord - 400
                    admitted_ord = low + int((high - low) * rand() ** 1.8)
                    full_on = fromordinal(admitted_ord + 365 + randint(0, 30))
                admitted = fromordinal(admitted_ord)
                group = groups[j * n_groups // size] if n_groups else None
                mid = member_id
                member_id += 1
                rows.append(
                    (
                        mid,
                        name,
                        "male" if seq % 2 else "female",
                        ETHNICITIES[randrange(len(ETHNICITIES))],
                        birth,
                        number,
                        f"1{'3589'[randrange(4)]}{randrange(1_000_000_000):09d}",
                        EDUCATION[randrange(100)],
                        units[randrange(len(units))],
                        category,
                        admitted,
                        full_on,
                        status,
                        rand() < 0.03,
                        org.id,
                        group.id if group else None,
                        None,
                        keys,
                        number[::-1],
                        now,
                        now,
                    )
                )
                hist.append(
                    (
                        history_id,
                        mid,
                        org.id,
                        fromordinal(max(admitted_ord, established)),
                        None,
                        "登记",
                    )
                )
                history_id += 1
                if status in ON_ROSTER:
                    org.member_count += 1
                    org.full_member_count += category == full
                    if group:
                        group.member_count += 1
                        group.full_member_count += category == full
                if status in ELIGIBLE and category == full:
                    org.eligible.append(mid)
                    if group:
                        group.eligible.append(mid)
            if len(rows) >= CHUNK:
                members.write(rows)
                history.write(hist)
                bar.update(len(rows))
                rows, hist = [], []
        members.write(rows)
        history.write(hist)
        bar.update(len(rows))
        bar.close()
        self.ids[Member], self.ids[MemberOrgHistory] = member_id, history_id

    def write_terms(self, root: Org) -> tuple[int, int]:
        """One current term per organization, with its posts."""
        rng = self.rng
        terms = Writer(Term, ["id", "org", "started_on", "expires_on", "ended_on"])
        posts = Writer(PostHolding, ["id", "term", "member", "post", "started_on", "ended_on"])
        term_rows: list[tuple] = []
        post_rows: list[tuple] = []
        term_id, post_id = self.ids[Term], self.ids[PostHolding]

        def subtree_candidates(org: Org, want: int) -> list[int]:
            """Office holders of a 党委/党总支: active full members of its first branches."""
            out: list[int] = []
            for node in org.walk():
                if node.size and node.eligible:
                    # The second and third rather than always the branch secretary.
                    out.extend(m for m in node.eligible[1:3] or node.eligible[:1] if m not in out)
                    if len(out) >= want:
                        break
            return out[:want]

        for org in root.walk():
            if org.kind == OrgKind.PARTY_GROUP:
                years = GROUP_TERM_YEARS
            else:
                years = (self.profile.value("org.term_years") or {}).get(org.kind) or 3
            # 3% of terms have run out (换届 overdue); the rest started within the term length.
            if rng.random() < 0.03:
                started = self.today - dt.timedelta(days=years * 365 + rng.randint(10, 300))
            else:
                started = self.today - dt.timedelta(days=rng.randint(20, years * 365 - 20))
            started = max(started, org.established_on)
            if org.kind == OrgKind.PARTY_GROUP:
                expires = add_months(started, 12 * years)
                plan = list(
                    zip(org.eligible[1:2] or org.eligible[:1], [Post.GROUP_LEADER], strict=False)
                )
            else:
                expires = default_term_end(self.profile, org.kind, started) or add_months(
                    started, 12 * years
                )
                if org.size:
                    if org.full_member_count >= BRANCH_COMMITTEE_MIN_FULL:
                        wanted = (
                            BRANCH_POSTS_BIG
                            if org.size >= BIG_BRANCH
                            else BRANCH_POSTS[: rng.choice((3, 4))]
                        )
                    else:
                        wanted = [Post.SECRETARY]
                    holders = org.eligible[: len(wanted)]
                else:
                    wanted = COMMITTEE_POSTS if org.kind == OrgKind.COMMITTEE else GENERAL_POSTS
                    holders = subtree_candidates(org, len(wanted))
                plan = list(zip(holders, wanted, strict=False))
            term_rows.append((term_id, org.id, started, expires, None))
            for member_id, post in plan:
                post_rows.append((post_id, term_id, member_id, post.value, started, None))
                post_id += 1
            term_id += 1
        terms.write(term_rows)
        posts.write(post_rows)
        self.ids[Term], self.ids[PostHolding] = term_id, post_id
        return len(term_rows), len(post_rows)

    def write_orgs(self, orgs: list[Org]) -> None:
        writer = Writer(
            Organization,
            [
                "id",
                "path",
                "depth",
                "numchild",
                "code",
                "name",
                "kind",
                "established_on",
                "dissolved_on",
                "rule_profile",
                "member_count",
                "full_member_count",
            ],
        )
        writer.write(
            [
                (
                    o.id,
                    o.path,
                    o.depth,
                    len(o.children),
                    o.code,
                    o.name,
                    o.kind,
                    o.established_on,
                    None,
                    "",
                    o.member_count,
                    o.full_member_count,
                )
                for o in orgs
            ]
        )

    def finish(self) -> None:
        """Move the id sequences past the rows we inserted with explicit ids."""
        if connection.vendor != "postgresql":
            return  # SQLite's AUTOINCREMENT follows the largest id by itself
        with connection.cursor() as cur:
            for model in (Organization, Member, MemberOrgHistory, Term, PostHolding):
                table = model._meta.db_table
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                )

    def root_model(self, root: Org) -> Organization:
        if not hasattr(self, "_root_model"):
            self._root_model = Organization.objects.get(pk=root.id)
        return self._root_model

    def analyze(self) -> None:
        """Fresh planner statistics; on PostgreSQL also the visibility map, so that counts can
        use index-only scans. (VACUUM cannot run inside a transaction, e.g. in tests.)"""
        tables = [
            m._meta.db_table for m in (Organization, Member, MemberOrgHistory, Term, PostHolding)
        ]
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                verb = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
                for table in tables:
                    cur.execute(f"{verb} {table}")
            else:
                cur.execute("ANALYZE")
