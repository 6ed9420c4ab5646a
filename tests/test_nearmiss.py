"""Near-miss rules T010-T014: a table of texts and the finding each must (or must not) give,
allow-lists, and the synthetic evaluation on a small slice."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from gkcheck import Checker, Config
from gkcheck.detectors.nearmiss import CODES

REPO = Path(__file__).resolve().parents[1]

TABLE = [
    ("中华人民共合国成立七十五周年。", ("T010", "中华人民共合国", "中华人民共和国")),
    ("中共人民共和国国务院令。", ("T010", "中共人民共和国", "中华人民共和国")),
    ("中华人民大和国宪法。", ("T010", "中华人民大和国", "中华人民共和国")),
    ("请到县攻府办公室领取。", ("T010", "攻府", "政府")),
    ("深入推进扫黑险恶常态化。", ("T011", "扫黑险恶", "扫黑除恶")),
    ("黑龙江省齐齐哈市人民政府。", ("T012", "齐齐哈市", "齐齐哈尔市")),
    ("各部门不能各自为阵。", ("T013", "各自为阵", None)),
    ("坚持标本兼制。", ("T013", "标本兼制", "标本兼治")),
    ("不能照班照抄外地经验。", ("T013", "照班照抄", "照搬照抄")),
    ("要防微杜建。", ("T013", "防微杜建", "防微杜渐")),
    ("确保数据准确无悟。", ("T013", "准确无悟", "准确无误")),
    ("工作开展得有条不絮。", ("T013", "有条不絮", "有条不紊")),
    ("收到事半功备的效果。", ("T013", "事半功备", "事半功倍")),
    ("中华人民共和和国成立。", ("T010", "中华人民共和和国", "中华人民共和国")),
    ("由区房屋行政理部门责令限期改正。", ("T014", "行政理部门", "行政管理部门")),
    ("关产业发展，育培新的经济增长点。", ("T011", "育培新的经济增长点", "培育新的经济增长点")),
    ("中华人民共和国成立七十五周年。", None),
    ("充分发挥人民对政府的监督作用。", None),
    ("机动车驾驶人有下列行为之一的。", None),
    ("除非请求人能证明在其他地方修理。", None),
    ("事发地人民政府可以指定有关部门。", None),
    ("向镇人民政府提出申请。", None),
    ("横琴与中华人民共和国关境内其他地区。", None),
    ("倡导教师学为人师、行为世范。", None),
    ("加快数字政复建设。", ("T010", "政复", "政府")),
    ("履行府政职责，必须依法。", ("T010", "府政", "政府")),
    ("河南省人民大表大会常务委员会关于修改的决定。", ("T010", "人民大表大会常务委员会", "人民代表大会常务委员会")),
    ("坚持走中国特色自主创新道路。", None),
    ("加大对西部地区的支持。", None),
    ("同民主党派合作共事。", None),
    ("社会保障是社会安定的重要保证。", None),
    ("人民代表大会的常务委员会。", None),
    ("全国各族人民的团结。", None),
    ("市卫健委主办的微信公众号。", None),
    ("县卫健委、县商务局未按要求落实。", None),
    ("小江镇政府。", None),
    ("最高人民法院刑事审判第一庭。", None),
    ("市人民检察院检察委员会委员。", None),
    ("村务监督委员会召集村民会议。", None),
    ("区、县人民政府应当加强领导。", None),
    ("收到事倍功半的效果。", None),
    ("各部门不能各自为政。", None),
    ("放开市场、放活主体。", None),
    ("坚定不移推进中国现代化建设。", None),
    ("人心险恶，不可不防。", None),
    ("坚持执政为民，执政服务人民。", None),
    ("《关于印发各自为阵问题整改方案的通知》", None),   # a quoted title: idioms left alone
    # the context checks that let more near misses through (first-character substitutions after
    # text, swaps across a term's halves, dropped characters leaving a lone one, long phrases whose
    # wrong character makes a word), and the neighbours that must still stay quiet
    ("由市文物行管理部门制定。", ("T014", "行管理部门", "行政管理部门")),
    ("本办法经务国院批准。", ("T010", "务国院", "国务院")),
    ("市港口行政理管部门应当依法监督。", ("T014", "行政理管部门", "行政管理部门")),
    ("应当向区房屋恒政管理部门提出。", ("T014", "恒政管理部门", "行政管理部门")),
    ("国有大众型企业改革。", ("T011", "国有大众型企业", "国有大中型企业")),
    ("推进改革放开和现代化建设。", ("T011", "推进改革放开和现代化", "推进改革开放和现代化")),
    ("依法应当由下级人民政府或者其工作部门处理。", None),
    ("上级人民政府要对下级人民政府进行考核。", None),
    ("加强对本行政区域内大数据发展工作的领导。", None),
    ("向第一届全国人民代表大会第三次会议提出报告。", None),
    ("我们要一心一意谋发展。", None),
    # the sentence reads better with the term put back (fewer lone characters, no word across it)
    ("十条 市政付有关部门在编制规划时。", ("T010", "政付", "政府")),
    ("新闻媒体对府政工作进行监督。", ("T010", "府政", "政府")),
    ("能源、水利、市政等基础设施专项规划。", None),
    ("市政府有关部门负责。", None),
    ("无政府主义者退出了。", None),
    ("民事主体在诉前或诉中向人民法院申请。", None),
    ("订有仲裁协议的，可以向中国人民法院起诉。", None),
    ("加强维护国界安全的群防队伍建设。", None),
    # person names next to a title or role are not misspelt names of organs (issue 11 item 5)
    ("请欧阳政夫同志发言。", None),
    ("县委书记周正府讲话。", None),
    ("联系人：钱议会。", None),
    ("张政富同志主持会议。", None),
    ("请欧阳到县攻府办公室领取。", ("T010", "攻府", "政府")),
    # false alarms of the law slice 1200-2400 (seen once, then fixed; docs/detection-quality.md)
    ("在批准的森林生态城总体规划范围内。", None),
    ("纠正行政不作为或行政乱作为。", None),
    ("医疗、伤亡抚恤和社会保障金等经费。", None),
    ("向市药品监管督理部门备案。", ("T014", "监管督理部门", "监督管理部门")),
    ("积极有效地利用外国资金。", None),
    # a document number's issuer abbreviation is not 政府 misspelt; a 申请人's name is not 人大
    ("印发《通知》（深圳府办字〔2024〕134号）。", None),
    ("申请人戴勇，家庭住址：安徽省铜陵市。", None),
    ("联系人戴建国，电话见附件。", None),
    ("群众可以向县人戴反映情况。", ("T010", "人戴", "人大")),
]


@pytest.mark.parametrize("text,expected", TABLE, ids=[t for t, _ in TABLE])
def test_table(checker, text, expected):
    found = [(f.rule, f.match, f.suggestion) for f in checker.check_text(text) if f.rule in CODES]
    if expected is None:
        assert found == []
        return
    code, match, suggestion = expected
    assert [(r, m) for r, m, _ in found] == [(code, match)]
    if suggestion:
        assert found[0][2] == suggestion


def test_finding_says_which_term_it_is_near(checker):
    (f,) = [f for f in checker.check_text("中华人民共合国成立。") if f.rule == "T010"]
    assert f.severity == "error" and f.category == "expression"
    assert "中华人民共和国" in f.note and "错字" in f.note


def test_broken_state_name_inside_a_title_is_still_reported(checker):
    found = [f for f in checker.check_text("《中华人民共合国宪法》") if f.rule == "T010"]
    assert [f.match for f in found] == ["中华人民共合国"]


def test_allow_words_suppress_near_misses():
    text = "坚持标本兼制。"
    assert [f.rule for f in Checker().check_text(text) if f.rule in CODES] == ["T013"]
    assert not [f for f in Checker(Config(allow=("标本兼制",))).check_text(text) if f.rule in CODES]
    assert not [f for f in Checker(Config(ignore=("T013",))).check_text(text) if f.rule in CODES]


def test_lexicons_are_not_loaded_when_the_rules_are_off():
    checker = Checker(Config(ignore=CODES))
    checker.check_text("坚持标本兼制。")
    assert all(getattr(d, "_index", None) is None for _, d in checker._detectors)


SHARED = next((p / "shared" for p in REPO.parents[:3] if (p / "shared" / "data").is_dir()), None)


@pytest.mark.slow
@pytest.mark.skipif(SHARED is None, reason="shared data not found")
def test_eval_synthetic_runs_on_a_small_slice(capsys):
    spec = importlib.util.spec_from_file_location("eval_synthetic", REPO / "scripts" / "eval_synthetic.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_synthetic", module)
    spec.loader.exec_module(module)
    res = module.main(["--limit", "150", "--law-docs", "20", "--data", str(SHARED / "data")])
    total = sum(res["total"].values())
    assert total >= 100
    assert sum(res["found"].values()) >= 0.45 * total   # measured 0.55 on this slice (docs/detection-quality.md)
    assert len(res["clean_flagged"]) <= 0.02 * res["clean"]
    assert res.get("samples_errors", 0) == 0
    assert "recall" in capsys.readouterr().out


def test_shipped_index_is_built_from_the_lexicons():
    """dictionaries/protected/near-index.bin is what scripts/build_protected.py makes of the
    lexicon files beside it: re-run `scripts/build_protected.py --index-only` after editing them."""
    import marshal

    from gkcheck.detectors.nearmiss import ARTEFACT, index_data, pack
    from gkcheck.resources import data_dir

    folder = data_dir("dictionaries") / "protected"
    assert marshal.loads((folder / ARTEFACT).read_bytes()) == pack(index_data(folder))


def test_index_loads_what_the_lexicons_hold():
    """The packed index gives back the terms, their rules and the expansions it was made from."""
    from gkcheck.detectors.nearmiss import index_data, load_index
    from gkcheck.resources import data_dir

    folder = data_dir("dictionaries") / "protected"
    data = index_data(folder)
    idx = load_index(set(CODES))
    assert {t.text: (t.code, t.strict) for t in idx.terms.values()} == \
        {t: (c, bool(x)) for t, c, x in data["terms"]}
    assert idx.known == frozenset(data["known"].strip("\n").split("\n"))
    assert idx.confusion == data["confusion"]
    for pi in (0, len(data["patterns"]) // 2, len(data["patterns"]) - 1):
        assert idx.targets(pi) == data["targets"][pi]
    only = load_index({"T013"})
    assert only.term("中华人民共和国") is None and only.term("标本兼治").code == "T013"


def test_lexicon_files_have_provenance_headers():
    from gkcheck.resources import data_dir

    for path in sorted((data_dir("dictionaries") / "protected").glob("*.txt")):
        head = path.read_text("utf-8").splitlines()[:3]
        assert head[0].startswith("# title:") and head[1].startswith("# basis:"), path.name


def test_a_listed_wrong_form_is_reported_once_by_its_dictionary_rule(checker):
    found = [(f.rule, f.match) for f in checker.check_text("人民检查院提起公诉。") if f.rule.startswith("T")]
    assert found == [("T001", "人民检查院")]
    alone = Checker(Config(ignore=("T001",)))
    assert [(f.rule, f.match) for f in alone.check_text("人民检查院提起公诉。") if f.rule in CODES] == \
        [("T010", "人民检查院")]
