"""Sensitive content (S001-S005): one table of (text, expected rule or None).

The hits are the phrasing of injected spam pages; the near misses are the legitimate texts that
talk about the same things: enforcement news, anti-fraud warnings, drug-control publicity.
"""

from __future__ import annotations

import pytest

CASES = [
    # S001 gambling
    ("真人百家乐在线娱乐平台，注册即送彩金", "S001"),
    ("澳门新葡京官网 线上博彩 首存送彩金", "S001"),
    ("重庆时时彩计划 时时彩平台 稳赚不赔", "S001"),
    ("严厉打击网上赌场等违法犯罪活动", None),
    ("警方破获一起利用境外网上赌场开设赌场案，抓获犯罪嫌疑人12名。", None),
    ("某男子沉迷网络赌博，输光积蓄。", None),
    ("依法严厉打击赌博违法犯罪。", None),
    ("福利彩票发行销售工作会议召开。", None),
    ("检查发现某单位网站被植入“真人百家乐”等暗链，已删除。", None),
    ("体育彩票公益金使用情况公告。", None),
    # S002 pornography
    ("免费在线成人视频", "S002"),
    ("同城约炮 一夜情 免费注册", "S002"),
    ("开展扫黄打非专项行动，清理成人视频网站", None),
    ("警惕裸聊敲诈，不要轻易与陌生人视频聊天。", None),
    ("开展“净网”行动，关停色情网站20个。", None),
    ("成人教育报名工作通知", None),
    ("成人高考考前辅导", None),
    # S003 violence / terror
    ("出售自制炸药配方", "S003"),
    ("详细讲解自制炸弹方法", "S003"),
    ("警方破获一起非法制造炸药案，依法打击", None),
    ("严禁私自制作炸药、雷管。", None),
    ("某矿违规使用自制炸药引发爆炸事故。", None),
    ("不看、不存、不传暴恐音视频。", None),
    # S004 illegal goods
    ("代开发票，微信联系", "S004"),
    ("出售枪支，货到付款", "S004"),
    ("冰毒出售 同城送货", "S004"),
    ("办理假证 各类证件", "S004"),
    ("严厉打击代开发票等涉税违法行为", None),
    ("不出租、不出借、不出售银行卡和电话卡。", None),
    ("禁毒宣传：冰毒、海洛因、大麻都是毒品。", None),
    ("依法收缴非法枪支弹药。", None),
    ("毒品犯罪案件同比下降。", None),
    ("按规定开具发票。", None),
    # S005 fraud / spam
    ("兼职刷单日结，轻松月入过万", "S005"),
    ("黑户贷款 秒批贷款 无视黑白户", "S005"),
    ("传奇私服 私服发布网", "S005"),
    ("警惕兼职刷单诈骗，刷单就是诈骗", None),
    ("刷单返利类诈骗是发案最多的类型。", None),
    ("所谓征信修复都是骗局。", None),
    ("开展信用修复培训，帮助企业重塑信用。", None),
    ("兼职人员劳动权益保障。", None),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:14] for c in CASES])
def test_sensitive_rules(checker, text, expected):
    got = [f.rule for f in checker.check_text(text, publish_date="2026-11-01") if f.rule.startswith("S")]
    if expected is None:
        assert not got, f"{text!r} must not report {got}"
    else:
        assert expected in got, f"{text!r} should report {expected}, got {got}"


def test_sensitive_words_have_no_suggestion(checker):
    """Spam is deleted, not reworded: no entry offers a replacement."""
    for f in checker.check_text("真人百家乐 成人视频 自制炸药 代开发票 兼职刷单", publish_date="2026-11-01"):
        if f.rule.startswith("S"):
            assert not f.suggestion, f


def test_hidden_spam_links_in_html_are_found(checker):
    html = ('<html><body><p>县人民政府关于开展安全生产检查的通知</p>'
            '<div style="display:none"><a href="http://x.example/">真人百家乐</a>'
            '<a href="http://y.example/">代开发票</a></div>'
            '<p>严厉打击网上赌场等违法犯罪活动。</p></body></html>')
    found = {(f.rule, f.match) for f in checker.check_text(html, filename="page.html",
                                                          publish_date="2026-11-01")
             if f.rule.startswith("S")}
    assert found == {("S001", "真人百家乐"), ("S004", "代开发票")}
