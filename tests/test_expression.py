"""Serious wording errors (E001-E004): one table of (text, expected rule or None, document date).

Each rule has its hits and, next to them, the near misses that must stay silent: the correct
formulation, an ordinary person whose name sounds like a leader's, historical text, a document
dated before an institution was renamed.
"""

from __future__ import annotations

import pytest

NOW = "2026-11-01"

CASES = [
    # E001 political formulations
    ("深入学习贯彻习近平新时代中国特色社会主义理论。", "E001", NOW),
    ("深入学习贯彻习近平新时代中国特色社会主义思想。", None, NOW),
    ("以习近平新时代中国特色社会主义思想为指导。", None, NOW),
    ("坚持以习近平总书记为核心的党中央坚强领导。", "E001", NOW),
    ("在以习近平同志为核心的党中央坚强领导下。", None, NOW),
    ("习近平总书记在党中央的核心、全党的核心地位。", None, NOW),
    ("确立习近平同志党中央的核心、全党的核心地位，确立习近平新时代中国特色社会主义思想的指导地位。", None, NOW),
    ("确立习近平新时代中国特色社会主义思想的领导地位。", "E001", NOW),
    ("坚决维护习近平总书记党中央的核心、全党的核心地位，坚决维护党中央权威和集中统一领导。", None, NOW),
    ("坚决维护党中央权威和统一领导。", "E001", NOW),
    ("深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”。", None, NOW),
    ("深刻领悟“两个维护”的决定性意义。", "E001", NOW),
    ("坚决做到“两个确立”。", "E001", NOW),
    ("增强政治意识、大局意识、核心意识、看齐意识。", None, NOW),
    ("增强政治意识、大局意识、看齐意识、核心意识。", "E001", NOW),
    ("坚定道路自信、理论自信、制度自信、文化自信。", None, NOW),
    ("坚定道路自信、理论自信、文化自信、制度自信。", "E001", NOW),
    ("统筹推进“五位一体”总体布局、协调推进“四个全面”战略布局。", None, NOW),
    ("统筹推进“五位一体”战略布局、协调推进“四个全面”总体布局。", "E001", NOW),
    ("中国共产党第二十次全国代表大会胜利召开。", None, NOW),
    ("中国共产党第二十届全国代表大会胜利召开。", "E001", NOW),
    ("中国共产党第二十届中央委员会第三次全体会议。", None, NOW),
    ("学习贯彻党的二十大和二十届三中全会精神。", None, NOW),
    ("学习贯彻党的二十大三中全会精神。", "E001", NOW),
    ("中国共产党江西省第十五次代表大会。", None, NOW),
    ("第十四届全国人民代表大会第二次会议。", None, NOW),
    ("第十四次全国人民代表大会第二次会议。", "E001", NOW),
    ("以中国式现代化全面推进中华民族伟大复兴。", None, NOW),
    ("中国式现代化是人与自然和谐共生的现代化。", None, NOW),
    ("中国式现代化是人与自然和谐共存的现代化。", "E001", NOW),
    ("发展全过程人民民主。", None, NOW),
    ("发展全过程的人民民主。", "E001", NOW),
    ("推动构建人类命运共同体。", None, NOW),
    ("推动构建人类共同命运体。", "E001", NOW),
    ("富强、民主、文明、和谐，自由、平等、公正、法治，爱国、敬业、诚信、友善。", None, NOW),
    ("自由、平等、公平、法治。", "E001", NOW),
    ("建设富强民主文明和谐美丽的社会主义现代化强国。", None, NOW),
    ("坚持社会主义核心价值体系。", None, NOW),
    ("某单位将“习近平新时代中国特色社会主义思想”错写为“习近平新时代中国特色社会主义理论”。", None, NOW),
    ("坚决纠正“四风”问题，深入学习习近平新时代中国特色社会主义理论。", "E001", NOW),
    ("以马克思列宁主义、毛泽东思想、邓小平理论、“三个代表”重要思想为指导。", None, NOW),
    ("以马克思列宁主义、毛泽东思想、邓小平思想为指导。", "E001", NOW),
    ("坚持总体国家安全观。", None, NOW),
    ("坚持国家总体安全观。", "E001", NOW),
    ("践行绿水青山就是金山银山的理念。", None, NOW),
    ("践行青山绿水就是金山银山的理念。", "E001", NOW),
    ("构建以国内大循环为主体、国内国际双循环相互促进的新发展格局。", None, NOW),
    ("构建以国内循环为主体的新发展格局。", "E001", NOW),
    # E002 leader names: a variant only next to a title
    ("习近凭总书记强调", "E002", NOW),
    ("中共中央总书记、国家主席习近萍出席", "E002", NOW),
    ("习进平同志指出", "E002", NOW),
    ("习近平总书记强调", None, NOW),
    ("村民习近萍家里种了三亩水稻。", None, NOW),
    ("国务院总理李墙主持会议", "E002", NOW),
    ("李蔷总理指出", "E002", NOW),
    ("国务院总理李强主持会议", None, NOW),
    ("李蔷同志任县妇联主席。", None, NOW),
    ("李强总理强调", None, NOW),
    ("管理强化，总理强调", None, NOW),
    ("全国人大常委会委员长赵乐济出席", "E002", NOW),
    ("赵乐际委员长出席", None, NOW),
    ("全国政协主席王护宁出席", "E002", NOW),
    ("国务院副总理丁薛详出席", "E002", NOW),
    ("县纪委书记李熙主持会议。", None, NOW),
    ("中央纪委书记李熙出席", "E002", NOW),
    ("县政协副主席韩政出席会议。", None, NOW),
    ("国家副主席韩政会见", "E002", NOW),
    ("赵乐际总理出席", "E002", NOW),
    ("王沪宁主席出席", None, NOW),
    # E003 territory wording
    ("台湾总统选举", "E003", NOW),
    ("台湾地区领导人选举", None, NOW),
    ("台湾政府宣布", "E003", NOW),
    ("台湾当局宣布", None, NOW),
    ("台湾省政府旧址", None, NOW),
    ("台湾国民党主席", "E003", NOW),
    ("中国国民党主席", None, NOW),
    ("台湾国际书展", None, NOW),
    ("北朝鲜发射卫星", "E003", NOW),
    ("朝鲜发射卫星", None, NOW),
    ("吉林省东北朝鲜族聚居区", None, NOW),
    ("北朝鲜卑贵族墓葬", None, NOW),
    ("中华民国时期的老照片", None, NOW),
    ("1912年中华民国成立。", None, NOW),
    ("民进党当局妄称“中华民国”与大陆互不隶属。", None, NOW),  # in quotation marks: allowed
    ("民进党当局鼓吹中华民国是主权国家。", "E003", NOW),
    ("产品出口美国、日本、香港等国家。", "E003", NOW),
    ("产品出口美国、日本、香港等国家和地区。", None, NOW),
    ("产品出口美国、日本等国家，在香港设立办事处。", None, NOW),
    ("香港、新加坡等国家的游客", "E003", NOW),
    ("美国、日本、香港等国的游客", "E003", NOW),
    ("香港、上海等国内城市", None, NOW),
    ("香港、新加坡等国际金融中心", None, NOW),
    ("促进大陆和台湾经济交流", None, NOW),
    ("促进中国和台湾经济交流", "E003", NOW),
    ("促进内地与香港经济交流", None, NOW),
    ("促进内地与台湾经济交流", "E003", NOW),
    ("所谓西藏流亡政府", "E003", NOW),
    ("庆祝香港回归祖国二十七周年", None, NOW),
    ("香港主权移交以来", "E003", NOW),
    ("台湾地区总统选举", "E003", NOW),
    # E004 outdated institutions, judged against the document date
    ("请到县工商局办理营业执照。", "E004", NOW),
    ("请到县工商局办理营业执照。", None, "2017-05-01"),
    ("请到原县工商局旧址办理。", None, NOW),
    ("原赣县工商局的职责划入县市场监督管理局。", None, NOW),
    ("2016年，县工商局共查处案件30件。", None, NOW),
    ("张三曾任县工商局副局长。", None, NOW),
    ("请到县市场监督管理局办理营业执照。", None, NOW),
    ("县农业局组织技术人员下乡。", "E004", NOW),
    ("县农业农村局组织技术人员下乡。", None, NOW),
    ("各级农业部门要加强指导。", None, NOW),
    ("农业部印发通知。", "E004", NOW),
    ("美国农业部发布报告。", None, NOW),
    ("环境保护部门依法发放排污许可证。", None, NOW),
    ("市环保局开展执法检查。", "E004", NOW),
    ("美国环保局发布新标准。", None, NOW),
    ("县生态环境保护局开展执法。", None, NOW),
    ("形成全民参与的环保局面。", None, NOW),
    ("县卫计委开展义诊。", "E004", NOW),
    ("县卫健委开展义诊。", None, NOW),
    ("经中国银保监会批准。", "E004", NOW),
    ("经中国银保监会批准。", None, "2022-06-01"),
    ("经银监会批准。", "E004", NOW),
    ("人民银行、银监会、保监会按职责分工负责。", None, NOW),  # a pre-reform list: old document
    ("市交通质监局开展检查。", None, NOW),
    ("市质监局开展检查。", "E004", NOW),
    ("省药品监督管理局开展检查。", None, NOW),
    ("市食品药品监督管理局开展检查。", "E004", NOW),
    ("国家矿山安监局开展检查。", None, NOW),
    ("县安监局开展检查。", "E004", NOW),
    ("美国国税局公布税率。", None, NOW),
    ("县地税局办税服务厅。", "E004", NOW),
    ("县公安消防大队开展演练。", "E004", NOW),
    ("县消防救援大队开展演练。", None, NOW),
    ("国务院扶贫办印发通知。", "E004", NOW),
    ("2020年，国务院扶贫办印发通知。", None, NOW),
    ("国务院扶贫办印发通知。", None, "2020-06-01"),
    ("县政府法制办审核规范性文件。", "E004", NOW),
    ("县司法局审核规范性文件。", None, NOW),
    ("县边防派出所民警走访群众。", "E004", NOW),
    ("县边境派出所民警走访群众。", None, NOW),
]


@pytest.mark.parametrize("text,expected,doc_date", CASES, ids=[c[0][:14] for c in CASES])
def test_expression_rules(checker, text, expected, doc_date):
    got = [f.rule for f in checker.check_text(text, publish_date=doc_date) if f.rule.startswith("E")]
    if expected is None:
        assert not got, f"{text!r} must not report {got}"
    else:
        assert expected in got, f"{text!r} should report {expected}, got {got}"


def test_fix_suggestions(checker):
    cases = {
        "坚持以习近平为核心的党中央": "以习近平同志为核心的党中央",
        "国务院总理李墙": "总理李强",
        "习近凭总书记": "习近平",
        "北朝鲜": "朝鲜",
        "香港、新加坡等国家": "等国家和地区",
        "县工商局": "县市场监督管理局",
    }
    for text, suggestion in cases.items():
        found = [f.suggestion for f in checker.check_text(text, publish_date=NOW) if f.rule.startswith("E")]
        assert suggestion in found, (text, found)


HISTORY_CASES = [
    # citations of old documents and history after the 2023 reform stay silent
    ("根据《国家工商行政管理总局关于个体工商户登记的规定》办理。", None),
    ("按《国家卫生计生委关于印发某规范的通知》（国卫医发〔2017〕12号）执行。", None),
    ("2021年，银保监会印发了相关办法。", None),
    ("银保监会印发了相关办法。", "E004"),
    ("2021年，县农业农村局组织培训。", None),
]


@pytest.mark.parametrize("text,expected", HISTORY_CASES, ids=[c[0][:14] for c in HISTORY_CASES])
def test_outdated_institution_history(checker, text, expected):
    got = [f.rule for f in checker.check_text(text, publish_date=NOW) if f.rule == "E004"]
    assert got == ([expected] if expected else []), (text, got)


def _generator():
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "scripts" / "gen_leader_variants.py"
    spec = importlib.util.spec_from_file_location("gen_leader_variants", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_leader_variants", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_leader_variants_are_the_reviewed_generator_output():
    gen = _generator()
    committed = gen.TSV.read_text("utf-8").split(gen.BEGIN)[1].strip("\n").splitlines()
    assert committed == gen.generate(), "rerun scripts/gen_leader_variants.py --write and review the diff"


def test_every_leader_variant_fires_next_to_a_title_only(checker):
    gen = _generator()
    by_sound = gen.homophones()
    failures = []
    for leader in gen.LEADERS:
        for variant, _ in gen.variants(leader, by_sound):
            for title in leader.after:
                if not _e002(checker, f"{variant}{title}强调"):
                    failures.append(f"{variant}{title}")
            for title in leader.before:
                if not _e002(checker, f"{title}{variant}强调"):
                    failures.append(f"{title}{variant}")
            if _e002(checker, f"村民{variant}在家种地。"):
                failures.append(f"bare {variant}")
    assert not failures, failures


def _e002(checker, text):
    return [f for f in checker.check_text(text, publish_date=NOW) if f.rule == "E002"]
