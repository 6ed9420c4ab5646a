"""Deterministic corpora for the benchmarks: government text, DOCX notices, an XLSX 公示 list,
HTML pages (UTF-8 and GBK) and PDFs, all generated from one seed and cached.

Everything is built from templates over real place names (the GB/T 2260 table in
``dictionaries/``), real unit names and ordinary 公文 phrasing, with a few real mistakes
(dictionary typos, an impossible date) and personal data (ID numbers with valid check digits,
mobile numbers) sprinkled in at rates a real site has. The same seed and sizes give the same
bytes, so two runs measure the same input.
"""

from __future__ import annotations

import io
import json
import random
import shutil
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 1
SEED = 20261122


@dataclass(frozen=True)
class Sizes:
    text_bytes: int
    docx: int
    xlsx_rows: int
    html: int
    pdf: int
    article_chars: int = 2000


FULL = Sizes(text_bytes=20 * 2**20, docx=200, xlsx_rows=100_000, html=500, pdf=50)
QUICK = Sizes(text_bytes=200 * 2**10, docx=5, xlsx_rows=1_000, html=10, pdf=3)

# -- vocabulary ----------------------------------------------------------------------------------

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
            "万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美兰霞平刚桂英玉萍建华志强文辉国庆红梅海燕春"
         "晓东立新永红德胜金凤雪梅宏伟丽华俊杰婷婷思远子涵梓萱浩然欣怡宇轩一诺雨桐佳琪家豪诗涵")
UNIT_SUFFIXES = ("人民政府", "人民政府办公室", "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局",
                 "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局",
                 "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化广电新闻出版旅游局",
                 "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局",
                 "医疗保障局", "林业局", "行政审批局", "政务服务数据管理局", "城市管理局", "乡村振兴局")
TOPICS = ("政务公开", "优化营商环境", "安全生产", "乡村振兴", "城乡环境综合整治", "农村人居环境整治",
          "高标准农田建设", "民生实事", "消防安全", "防汛抗旱", "森林防火", "义务教育均衡发展", "医疗保障",
          "养老服务体系建设", "稳就业保民生", "重点项目建设", "招商引资", "生态环境保护", "河湖长制",
          "食品药品安全", "城镇老旧小区改造", "数字政府建设", "12345政务服务便民热线", "信访工作",
          "耕地保护", "粮食安全", "社会救助", "普法宣传", "燃气安全专项整治", "校园安全", "文明城市创建",
          "“放管服”改革", "基层治理", "殡葬改革", "退役军人服务保障", "政府信息公开申请办理")
MEETINGS = ("常务会议", "专题会议", "工作推进会", "调度会", "座谈会", "动员部署会", "现场推进会", "联席会议")
VERBS = ("研究部署", "安排部署", "调度推进", "总结", "督促落实", "听取汇报并部署")
LEVELS = ("市", "县", "区", "镇", "乡")
SECTION_NUMBERS = "一二三四五六七八九十"
PROJECTS = ("民生实事项目", "重点工程", "农村公路", "安置房", "污水处理设施", "村级公共服务中心", "学校新改扩建项目",
            "养老服务设施", "充电桩", "口袋公园")
OUTCOMES = ("获得感、幸福感、安全感", "办事效率和服务水平", "依法行政能力", "风险防范化解能力", "群众满意度")

SENTENCES = (
    "{date}，{unit}召开{meeting}，{verb}{topic}工作。",
    "截至{date}，全{level}累计完成{project}{n}个，完成投资{money}亿元，同比增长{pct}%。",
    "{unit}要坚持以人民为中心的发展思想，进一步加强{topic}工作，切实提高{outcome}。",
    "各{level}、各有关部门要高度重视，压实工作责任，确保{topic}各项任务按期完成。",
    "会议指出，{topic}事关群众切身利益，要以更高标准、更实举措抓好落实。",
    "会议要求，要聚焦{topic}中的突出问题，建立问题清单、责任清单和整改清单，实行销号管理。",
    "{year}年，全{level}共受理政府信息公开申请{n}件，均在法定期限内答复。",
    "{place}共排查整治{topic}隐患{n}处，已整改{m}处，整改率{pct}%。",
    "请各单位于{date}前将{topic}工作进展情况报送{unit}，逾期未报的予以通报。",
    "本{level}通过政府网站、政务新媒体等渠道主动公开各类信息{n}条，其中政策解读{m}篇。",
    "{unit}联合{unit2}开展{topic}专项督查，发现问题{n}个，已督促整改到位。",
    "下一步，{unit}将持续深化{topic}，推动各项工作落地见效。",
    "《{place}{topic}实施方案（{year}—{year2}年）》已经{unit}同意，现印发给你们，请认真贯彻执行。",
    "全年发放各类补贴资金{money}万元，惠及群众{n}户。",
    "{place}第{m}届{topic}工作会议于{date}在{place2}举行。",
    "根据《中华人民共和国政府信息公开条例》第二十条规定，现将有关情况公开如下。",
    "咨询电话：{landline}（工作日上午8:30—12:00，下午14:30—17:30）。",
    "对在{topic}工作中表现突出的{n}个集体和{m}名个人予以通报表扬。",
)
# Real mistakes of the kind the checks are for, at the rates a real site has (see _sentence).
ERRORS = (
    "截止{date}，全{level}已完成{project}{n}个。",
    "希望受表扬的集体和个人珍惜荣誉，再接再励，在{topic}中再创佳绩。",
    "今年以来，共按装视频监控设备{n}台，实现重点区域全覆盖。",
    "各单位务必于{year}年2月30日前完成自查自纠。",
    "要进一步加强{topic}，坚决杜绝此类事件再次发生，决不能掉以轻心、麻痹大意，更不能明知故犯、一如继往。",
)
PERSONAL = (
    "经审核，{name}（身份证号码：{id}，联系电话：{mobile}）符合{topic}补助条件，现予以公示。",
    "申请人{name}，家庭住址：{address}，联系电话：{mobile}。",
)


def make_id_number(rng: random.Random, areas: list[str]) -> str:
    """A citizen ID number: a real county code, a real birth date, a valid ISO 7064 check digit."""
    birth = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
    body = f"{rng.choice(areas)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(body, weights))
    return body + "10X98765432"[total % 11]


MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "156", "157", "158", "159", "166", "176", "177", "178", "180", "181", "182", "183", "185",
                   "186", "187", "188", "189", "191", "198", "199")


class Vocab:
    """Pools of names drawn from the bundled GB/T 2260 table, and value generators over one rng."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        provinces, cities, counties, areas = {}, {}, [], []
        for line in (REPO / "dictionaries" / "gb2260-divisions.txt").read_text("utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            code, name, _first, last = (line.split("\t") + ["", ""])[:4]
            if last != "201904":
                continue
            if code.endswith("0000"):
                provinces[code[:2]] = name
            elif code.endswith("00"):
                if name not in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                    cities[code[:4]] = name
            else:
                areas.append(code)
                if code[:4] in cities and name not in ("市辖区",):
                    counties.append((code, name))
        self.provinces = provinces
        self.cities = cities
        self.counties = counties
        self.areas = areas

    def county(self) -> tuple[str, str, str]:
        code, name = self.rng.choice(self.counties)
        return self.provinces.get(code[:2], ""), self.cities[code[:4]], name

    def place(self) -> str:
        _p, city, county = self.county()
        return self.rng.choice((city, county, city + county))

    def unit(self) -> str:
        return self.place() + self.rng.choice(UNIT_SUFFIXES)

    def name(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))

    def id_number(self) -> str:
        return make_id_number(self.rng, self.areas)

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def landline(self) -> str:
        return f"0{self.rng.randrange(10, 999):d}-{self.rng.randrange(2, 9)}{self.rng.randrange(10**6, 10**7)}"

    def address(self) -> str:
        prov, city, county = self.county()
        r = self.rng
        street = r.choice(("人民路", "解放路", "建设路", "中山路", "红旗大道", "文明路", "新华街", "长征大道", "滨江路"))
        return (f"{prov}{city}{county}{street}{r.randrange(1, 400)}号"
                f"{r.randrange(1, 30)}栋{r.randrange(1, 6)}单元{r.randrange(1, 33)}0{r.randrange(1, 5)}室")

    def day(self, year: int | None = None) -> date:
        start = date(year or self.rng.randrange(2019, 2026), 1, 1)
        return start + timedelta(days=self.rng.randrange(365))

    def date_text(self) -> str:
        d = self.day()
        return self.rng.choice((f"{d.year}年{d.month}月{d.day}日", f"{d.month}月{d.day}日"))

    def fields(self) -> dict[str, object]:
        r = self.rng
        year = r.randrange(2019, 2026)
        return {"date": self.date_text(), "unit": self.unit(), "unit2": self.unit(), "meeting": r.choice(MEETINGS),
                "verb": r.choice(VERBS), "topic": r.choice(TOPICS), "level": r.choice(LEVELS),
                "project": r.choice(PROJECTS), "n": r.randrange(2, 900), "m": r.randrange(1, 90),
                "money": f"{r.randrange(1, 9999) / 100:.2f}", "pct": f"{r.randrange(10, 999) / 10:.1f}",
                "outcome": r.choice(OUTCOMES), "place": self.place(), "place2": self.place(), "year": year,
                "year2": year + 2, "landline": self.landline()}

    def sentence(self) -> str:
        r = self.rng
        roll = r.random()
        if roll < 0.003:
            template = r.choice(ERRORS)
        elif roll < 0.005:
            template = r.choice(PERSONAL)
        else:
            template = r.choice(SENTENCES)
        values = self.fields()
        if "{name}" in template:
            values.update(name=self.name(), id=self.id_number(), mobile=self.mobile(), address=self.address())
        return template.format(**values)

    def paragraph(self) -> str:
        return "".join(self.sentence() for _ in range(self.rng.randrange(2, 7)))

    def notice(self) -> tuple[str, str, list[tuple[str, list[str]]], str]:
        """Title, document number, sections (heading, paragraphs), signature line."""
        r = self.rng
        unit = self.unit()
        topic = r.choice(TOPICS)
        year = r.randrange(2019, 2026)
        title = r.choice((f"关于做好{year}年{topic}工作的通知", f"关于印发《{topic}工作方案》的通知",
                          f"{unit}关于{topic}工作情况的通报", f"关于开展{topic}专项行动的实施意见"))
        number = f"{unit[:2]}府办字〔{year}〕{r.randrange(1, 200)}号"
        headings = ("总体要求", "主要任务", "工作步骤", "保障措施", "有关要求", "工作成效", "存在问题", "下一步工作")
        sections = [(f"{SECTION_NUMBERS[i]}、{h}", [self.paragraph() for _ in range(r.randrange(2, 6))])
                    for i, h in enumerate(r.sample(headings, r.randrange(3, 6)))]
        d = self.day(year)
        return title, number, sections, f"{unit}\n{d.year}年{d.month}月{d.day}日"


def notice_text(v: Vocab) -> str:
    title, number, sections, sign = v.notice()
    lines = [title, number, "各有关单位："]
    for heading, paragraphs in sections:
        lines.append(heading)
        lines.extend(paragraphs)
    lines.extend(sign.split("\n"))
    return "\n".join(lines)


# -- the corpora ---------------------------------------------------------------------------------

def write_text(path: Path, size: int, rng: random.Random) -> None:
    v = Vocab(rng)
    parts: list[str] = []
    written = 0
    while written < size:
        doc = notice_text(v) + "\n\n"
        parts.append(doc)
        written += len(doc.encode("utf-8"))
    data = "".join(parts).encode("utf-8")[:size]
    data = data[:data.rfind(b"\n") + 1]  # whole lines only
    path.write_bytes(data)


def write_article(path: Path, chars: int, rng: random.Random) -> None:
    v = Vocab(rng)
    text = ""
    while len(text) < chars:
        text += notice_text(v) + "\n"
    text = text[:chars]
    text = text[:text.rfind("\n")] + "\n截止目前，全市已完成改造任务。\n"
    path.write_text(text, "utf-8")


def write_docx(folder: Path, count: int, rng: random.Random) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    v = Vocab(rng)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        title, number, sections, sign = v.notice()
        doc = Document()
        doc.sections[0].header.paragraphs[0].text = number
        doc.sections[0].footer.paragraphs[0].text = "— 1 —"
        head = doc.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = head.add_run(title)
        run.font.size = Pt(22)
        doc.add_paragraph(number).alignment = WD_ALIGN_PARAGRAPH.CENTER
        doc.add_paragraph("各有关单位：")
        for heading, paragraphs in sections:
            doc.add_paragraph(heading)
            for p in paragraphs:
                doc.add_paragraph(p)
        table = doc.add_table(rows=1, cols=4)
        for cell, text in zip(table.rows[0].cells, ("序号", "单位", "联系人", "联系电话")):
            cell.text = text
        for n in range(1, rng.randrange(4, 12)):
            row = table.add_row().cells
            row[0].text, row[1].text, row[2].text, row[3].text = str(n), v.unit(), v.name(), v.landline()
        for line in sign.split("\n"):
            doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
        doc.save(folder / f"notice-{i:03d}.docx")


XLSX_HEADER = ("序号", "姓名", "性别", "身份证号码", "联系电话", "家庭住址", "补贴金额", "备注")


def write_xlsx(path: Path, rows: int, rng: random.Random) -> None:
    import xlsxwriter

    v = Vocab(rng)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("公示名单")
    ws.write_row(0, 0, XLSX_HEADER)
    for r in range(1, rows + 1):
        id_number = v.id_number()
        sex = "男" if int(id_number[16]) % 2 else "女"
        remark = rng.choice(("", "", "", "已发放", "新增", "补发上年度", "低保户"))
        ws.write_string(r, 0, str(r))
        ws.write_string(r, 1, v.name())
        ws.write_string(r, 2, sex)
        ws.write_string(r, 3, id_number)
        ws.write_string(r, 4, v.mobile())
        ws.write_string(r, 5, v.address())
        ws.write_number(r, 6, rng.randrange(300, 30000) / 10)
        ws.write_string(r, 7, remark)
    wb.close()


SITE_META = ("SiteName", "SiteDomain", "SiteIDCode", "ColumnName", "ColumnDescription", "ColumnKeywords",
             "ColumnType", "ArticleTitle", "PubDate", "ContentSource", "Keywords", "Author", "Description",
             "Image", "Url")


def html_page(v: Vocab, i: int, encoding: str) -> bytes:
    r = v.rng
    title, number, sections, sign = v.notice()
    unit = sign.split("\n")[0]
    d = v.day()
    domain = f"www.site{i % 37:02d}.gov.cn"
    url = f"https://{domain}/zwgk/tzgg/{d:%Y%m}/t{d:%Y%m%d}_{i}.html"
    meta = {"SiteName": unit, "SiteDomain": domain, "SiteIDCode": f"{r.randrange(10**9, 10**10)}",
            "ColumnName": "通知公告", "ColumnDescription": "发布本单位通知公告", "ColumnKeywords": "通知,公告",
            "ColumnType": "通知公告", "ArticleTitle": title, "PubDate": f"{d:%Y-%m-%d} 09:30",
            "ContentSource": unit, "Keywords": "通知", "Author": unit, "Description": title,
            "Image": f"https://{domain}/images/logo.png", "Url": url}
    charset = ('<meta charset="utf-8">' if encoding == "utf-8"
               else '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    body = []
    for heading, paragraphs in sections:
        body.append(f"      <h2>{heading}</h2>")
        body.extend(f"      <p>{p}</p>" for p in paragraphs)
    if r.random() < 0.1:
        body.append('      <p>附件：<a href="/xxgk/fj/2024/mingdan.xlsx">公示名单.xlsx</a></p>')
    nav = " ".join(f'<a href="{path}">{name}</a>' for path, name in
                   (("/", "首页"), ("/zwgk/", "政务公开"), ("/zwfw/", "政务服务"), ("/hdjl/", "互动交流")))
    page = "\n".join([
        "<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", f"  {charset}",
        '  <meta name="viewport" content="width=device-width, initial-scale=1">',
        f"  <title>{title} - {unit}</title>",
        *(f'  <meta name="{k}" content="{meta[k]}">' for k in SITE_META),
        '  <link rel="stylesheet" href="/css/style.css">', "</head>", "<body>",
        f'  <header class="top"><img src="/images/logo.png" alt="{unit}门户网站"><nav>{nav}</nav></header>',
        '  <main><div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 通知公告</div>',
        "    <article>", f"      <h1>{title}</h1>",
        f'      <p class="info">发布日期：{d:%Y-%m-%d} 来源：{unit} 文号：{number}</p>',
        *body, f'      <p class="sign">{sign.replace(chr(10), "<br>")}</p>', "    </article>", "  </main>",
        f'  <footer><p>主办：{unit} 网站标识码：{meta["SiteIDCode"]} <a href="https://www.gov.cn/">中国政府网</a></p>'
        f'<p>赣ICP备{r.randrange(10**7, 10**8)}号</p></footer>',
        "</body>", "</html>", ""])
    return page.encode("utf-8" if encoding == "utf-8" else "gbk")


def write_html(folder: Path, count: int, rng: random.Random) -> None:
    v = Vocab(rng)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        encoding = "utf-8" if i % 2 == 0 else "gbk"
        (folder / f"page-{i:03d}-{encoding}.html").write_bytes(html_page(v, i, encoding))


def write_pdf(folder: Path, count: int, rng: random.Random, pages: tuple[int, int] = (3, 9)) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    v = Vocab(rng)
    folder.mkdir(parents=True, exist_ok=True)
    width = 36  # CJK characters on one line of an A4 page at 12 pt
    for i in range(count):
        lines: list[str] = []
        while len(lines) < 40 * rng.randrange(*pages):
            for para in notice_text(v).split("\n"):
                lines.extend(para[k:k + width] for k in range(0, len(para), width))
        buf = io.BytesIO()
        c = canvas.Canvas(buf)
        c.setAuthor(v.unit())
        for page_start in range(0, len(lines), 40):
            c.setFont("STSong-Light", 12)
            for n, line in enumerate(lines[page_start:page_start + 40]):
                c.drawString(72, 780 - 18 * n, line)
            c.showPage()
        c.save()
        (folder / f"report-{i:02d}.pdf").write_bytes(buf.getvalue())
    _check_pdf_text(folder / "report-00.pdf")


def _check_pdf_text(path: Path) -> None:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        text = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    if sum("\u4e00" <= ch <= "\u9fff" for ch in text) < 100:
        raise RuntimeError(f"{path}: the PDF text layer does not extract as Chinese text: {text[:80]!r}")


# the mixed corpus of the --jobs row (issue 15): what a site's upload folder holds, by share of files
MIXED_SHARES = (("html", 0.40), ("text", 0.25), ("docx", 0.20), ("xlsx", 0.10), ("pdf", 0.05))
MIXED_LIST_ROWS = 60   # a small 公示 list per XLSX


def write_mixed(folder: Path, total: int, rng: random.Random) -> dict[str, int]:
    """``total`` files in one subfolder per kind: web pages (half GBK), plain-text notices, DOCX
    notices, small XLSX lists and 1–2-page PDFs, in the shares of :data:`MIXED_SHARES`."""
    counts = {kind: max(1, round(total * share)) for kind, share in MIXED_SHARES}
    counts["html"] += total - sum(counts.values())
    write_html(folder / "html", counts["html"], rng)
    v = Vocab(rng)
    (folder / "text").mkdir(parents=True, exist_ok=True)
    for i in range(counts["text"]):
        (folder / "text" / f"notice-{i:04d}.txt").write_text(notice_text(v) + "\n", "utf-8")
    write_docx(folder / "docx", counts["docx"], rng)
    (folder / "xlsx").mkdir(parents=True, exist_ok=True)
    for i in range(counts["xlsx"]):
        write_xlsx(folder / "xlsx" / f"list-{i:03d}.xlsx", MIXED_LIST_ROWS, rng)
    write_pdf(folder / "pdf", counts["pdf"], rng, pages=(1, 3))
    return counts


# the serve row's request bodies: distinct 2,000-character texts, posted in turn
SERVE_TEXTS = 32


def write_serve_texts(path: Path, count: int, chars: int, rng: random.Random) -> None:
    v = Vocab(rng)
    texts = []
    for _ in range(count):
        text = ""
        while len(text) < chars:
            text += notice_text(v) + "\n"
        texts.append(text[:chars])
    path.write_text(json.dumps(texts, ensure_ascii=False), "utf-8")


# -- cache ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Corpus:
    root: Path
    sizes: Sizes

    @property
    def text(self) -> Path:
        return self.root / "text" / "big.txt"

    def text_times(self, factor: int) -> Path:
        return self.root / "text" / f"big-x{factor}.txt"

    @property
    def article(self) -> Path:
        return self.root / "article.txt"

    @property
    def docx(self) -> Path:
        return self.root / "docx"

    @property
    def xlsx(self) -> Path:
        return self.root / "xlsx" / "公示名单.xlsx"

    @property
    def html(self) -> Path:
        return self.root / "html"

    @property
    def one_page(self) -> Path:
        return self.root / "one-page" / "index.html"

    @property
    def pdf(self) -> Path:
        return self.root / "pdf"


    @property
    def doc(self) -> Path:
        return self.root / "doc"

    @property
    def xls(self) -> Path:
        return self.root / "xls" / "公示名单.xls"

    @property
    def mixed(self) -> Path:
        return self.root / "mixed"

    @property
    def mixed_files(self) -> int:
        return MIXED_FILES[self.sizes.text_bytes >= FULL.text_bytes]

    @property
    def serve_texts(self) -> Path:
        return self.root / "serve-texts.json"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def site_pages(self) -> int:
        return SITE_PAGES[self.sizes.text_bytes >= FULL.text_bytes]

    @property
    def xls_rows(self) -> int:
        return min(self.sizes.xlsx_rows, XLS_MAX_ROWS)


PARTS = ("text", "linearity", "article", "docx", "xlsx", "html", "one-page", "pdf", "legacy", "mixed", "serve", "site")
# sizes of the parts issue 15 added, (quick, full); kept out of Sizes so an existing cache of the
# other parts stays valid
MIXED_FILES = (40, 2000)
SITE_PAGES = (400, 50_000)
XLS_MAX_ROWS = 65_000   # BIFF8 holds 65,536 rows per sheet


def write_legacy(corpus: "Corpus", rng: random.Random) -> None:
    """.doc from the DOCX notices and .xls from a list of the same columns, converted by LibreOffice
    in one call per format (generation only; gkcheck reads them natively)."""
    import subprocess
    import tempfile

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RuntimeError("生成 .doc/.xls 语料需要 LibreOffice（soffice），请先安装（.ci/run 会安装）")
    shutil.rmtree(corpus.doc, ignore_errors=True)
    shutil.rmtree(corpus.xls.parent, ignore_errors=True)
    corpus.doc.mkdir(parents=True)
    corpus.xls.parent.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "公示名单.xlsx"
        write_xlsx(source, corpus.xls_rows, rng)
        profile = f"-env:UserInstallation=file://{tmp}/profile"
        for target, out, files in (("doc", corpus.doc, sorted(str(p) for p in corpus.docx.glob("*.docx"))),
                                   ("xls", corpus.xls.parent, [str(source)])):
            subprocess.run([exe, profile, "--headless", "--norestore", "--convert-to", target, "--outdir", str(out),
                            *files], check=True, capture_output=True, timeout=3600)


def ensure(root: Path, sizes: Sizes, parts: set[str], *, regenerate: bool = False, log=print) -> Corpus:
    """Generate the parts not yet in ``root`` for these sizes; return where they are."""
    corpus = Corpus(root, sizes)
    manifest_path = root / "manifest.json"
    want = {"generator": GENERATOR_VERSION, "seed": SEED, "sizes": asdict(sizes)}
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    if regenerate or {k: manifest.get(k) for k in want} != want:
        if root.exists():
            shutil.rmtree(root)
        manifest = dict(want, parts=[])
    root.mkdir(parents=True, exist_ok=True)
    done = set(manifest.get("parts", []))
    if "linearity" in parts:
        parts = parts | {"text"}
    if "legacy" in parts:
        parts = parts | {"docx"}
    for part in PARTS:
        if part not in parts or part in done:
            continue
        log(f"  生成语料 {part} …")
        rng = random.Random(f"{SEED}-{part}")
        if part == "text":
            corpus.text.parent.mkdir(parents=True, exist_ok=True)
            write_text(corpus.text, sizes.text_bytes, rng)
        elif part == "linearity":
            data = corpus.text.read_bytes()
            for factor in (2, 4):
                corpus.text_times(factor).write_bytes(data * factor)
        elif part == "article":
            write_article(corpus.article, sizes.article_chars, rng)
        elif part == "docx":
            shutil.rmtree(corpus.docx, ignore_errors=True)
            write_docx(corpus.docx, sizes.docx, rng)
        elif part == "xlsx":
            corpus.xlsx.parent.mkdir(parents=True, exist_ok=True)
            write_xlsx(corpus.xlsx, sizes.xlsx_rows, rng)
        elif part == "html":
            shutil.rmtree(corpus.html, ignore_errors=True)
            write_html(corpus.html, sizes.html, rng)
        elif part == "one-page":
            corpus.one_page.parent.mkdir(parents=True, exist_ok=True)
            corpus.one_page.write_bytes(html_page(Vocab(rng), 0, "utf-8"))
        elif part == "pdf":
            shutil.rmtree(corpus.pdf, ignore_errors=True)
            write_pdf(corpus.pdf, sizes.pdf, rng)
        elif part == "legacy":
            write_legacy(corpus, rng)
        elif part == "mixed":
            shutil.rmtree(corpus.mixed, ignore_errors=True)
            write_mixed(corpus.mixed, corpus.mixed_files, rng)
        elif part == "serve":
            write_serve_texts(corpus.serve_texts, SERVE_TEXTS, sizes.article_chars, rng)
        elif part == "site":
            from .site_bench import generate

            shutil.rmtree(corpus.site, ignore_errors=True)
            generate(corpus.site, corpus.site_pages, columns=200 if corpus.site_pages >= 10_000 else 20)
        done.add(part)
        manifest["parts"] = sorted(done)
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return corpus
