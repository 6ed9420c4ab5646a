"""``gkcheck ledger ...`` (整改台账) and the ledger side of ``scan``/``watch`` (docs/ledger.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import click

from ..model import GkcheckError

if TYPE_CHECKING:
    from ..config import Config
    from ..ledger import Ledger
    from ..model import Report

LEDGER_HELP = "台账：SQLite 文件路径或 postgresql://… 地址（默认取配置项 ledger）。"


def open_ledger(target: str | None, config: "Config") -> "Ledger":
    from ..ledger import Ledger

    target = target or config.ledger
    if not target:
        raise GkcheckError("未指定台账：请用 --ledger 路径 或在配置中写 ledger = \"...\"")
    return Ledger(target, site_url=config.site_url, units=config.units)


def without_ledger_files(config: "Config", target: str | None) -> "Config":
    """The config with the ledger's own files (SQLite file, -wal/-shm/-journal, key) excluded from
    the scan: a ledger kept inside the scanned folder is not a document."""
    target = target or config.ledger
    if not target or "://" in target:
        return config
    name = Path(target).name
    return config.with_overrides(exclude=(*config.exclude, name, f"{name}-*", f"{name}.key"))


def record_scan(report: "Report", config: "Config", target: str | None, paths: Sequence[Path],
                new_only: bool) -> "Report":
    """What ``gkcheck scan --ledger`` does after checking: record the scan, return the report
    with each finding's fingerprint and ledger state."""
    with open_ledger(target, config) as ledger:
        return ledger.record_report(report, roots=[str(p) for p in paths], gate=new_only,
                                    publish_date=config.publish_date)


def ledger_options(func: Any) -> Any:
    func = click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
                        help="配置文件（默认向上查找 gkcheck.toml 或 pyproject.toml）。")(func)
    return click.option("--ledger", "target", default=None, help=LEDGER_HELP)(func)


def _open(target: str | None, config_path: Path | None) -> "Ledger":
    from ..config import load_config

    try:
        return open_ledger(target, load_config(config_path))
    except GkcheckError as exc:
        raise click.UsageError(str(exc)) from None


@click.group()
def ledger() -> None:
    """整改台账：记录每次检查的问题，跟踪新发现、未整改、已整改、重新出现，生成月度整改台账。"""


@ledger.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@ledger_options
@click.option("--date", "day", default=None, help="记为哪一天的扫描，YYYY-MM-DD（默认今天）。")
def baseline(paths: tuple[Path, ...], target: str | None, config_path: Path | None, day: str | None) -> None:
    """接受存量网站的现状：检查 PATHS 并把全部问题记为已知，此后 --new-only 只因新问题失败。"""
    from ..checker import Checker
    from ..config import load_config, parse_date

    try:
        config = without_ledger_files(load_config(config_path), target)
        checker = Checker(config)
        with open_ledger(target, config) as book:
            report = book.baseline(checker.scan(list(paths)), roots=[str(p) for p in paths],
                                   day=parse_date(day, "--date") if day else None)
    except GkcheckError as exc:
        raise click.UsageError(str(exc)) from None
    s = report.summary()
    click.echo(f"基线已记入台账：{s['files']} 个文件，{s['findings']} 处问题"
               + (f"；{s['files_failed']} 个文件无法检查（未记入）" if s["files_failed"] else ""))
    sys.exit(2 if s["files_failed"] else 0)


@ledger.command()
@click.argument("fingerprints", nargs=-1, required=True)
@click.option("--reason", required=True, help="忽略的理由（记入台账）。")
@click.option("--false-positive", is_flag=True, help="记为误报，而不是已忽略。")
@click.option("--user", default=None, help="记录的操作人（默认当前登录用户名）。")
@click.option("--undo", is_flag=True, help="撤销这些问题的忽略/误报标记。")
@ledger_options
def ignore(fingerprints: tuple[str, ...], reason: str, false_positive: bool, user: str | None, undo: bool,
           target: str | None, config_path: Path | None) -> None:
    """把问题标为已忽略或误报（指纹见 ledger list 或 JSON 报告的 fingerprint）；标记一直有效，直到问题本身改变。"""
    book = _open(target, config_path)
    try:
        if undo:
            book.unignore(fingerprints)
            click.echo(f"已撤销 {len(fingerprints)} 处问题的标记")
        else:
            n = book.ignore(fingerprints, reason, user=user, false_positive=false_positive)
            click.echo(f"已标记 {n} 处问题为{'误报' if false_positive else '已忽略'}")
    except GkcheckError as exc:
        raise click.UsageError(str(exc)) from None
    finally:
        book.close()


@ledger.command(name="list")
@ledger_options
@click.option("--state", "states", multiple=True,
              type=click.Choice(["new", "open", "fixed", "reopened", "gone"]), help="只列此状态，可重复。")
@click.option("--open", "only_open", is_flag=True, help="只列未整改的（new、open、reopened）。")
@click.option("--doc", "prefix", default=None, help="只列路径或网址以此开头的文档。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式。")
def list_(target: str | None, config_path: Path | None, states: tuple[str, ...], only_open: bool,
          prefix: str | None, fmt: str) -> None:
    """列出台账中的问题：指纹、状态、文件、位置、问题、发现日期、整改日期。"""
    with _open(target, config_path) as book:
        entries = book.findings(states=("new", "open", "reopened") if only_open else states, prefix=prefix)
    if fmt == "json":
        click.echo(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=2))
        return
    for e in entries:
        click.echo(f"{e.fp}  {e.shown_state:<6} {e.doc} {e.location}  {e.rule} {e.message}：“{e.shown}”  "
                   f"发现 {e.first_date}" + (f" 整改 {e.fixed_date}" if e.fixed_date else ""))
    click.echo(f"共 {len(entries)} 处", err=True)


@ledger.command()
@click.argument("fingerprint")
@ledger_options
def show(fingerprint: str, target: str | None, config_path: Path | None) -> None:
    """显示一处问题的全部记录和历史。"""
    with _open(target, config_path) as book:
        try:
            entry, events = book.get(fingerprint)
        except GkcheckError as exc:
            raise click.UsageError(str(exc)) from None
    for key, value in entry.to_dict().items():
        click.echo(f"{key}: {value}")
    click.echo("history:")
    for day, state, detail in events:
        click.echo(f"  {day} {state}" + (f" {detail}" if detail else ""))


@ledger.command()
@ledger_options
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="导出格式。")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入文件（原子写入）而不是标准输出。")
def export(target: str | None, config_path: Path | None, fmt: str, output: Path | None) -> None:
    """导出台账中的全部问题和扫描记录。"""
    with _open(target, config_path) as book:
        entries, scans = book.findings(), book.scans()
    if fmt == "json":
        text = json.dumps({"scans": scans, "findings": [e.to_dict() for e in entries]}, ensure_ascii=False, indent=2) + "\n"
    else:
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer)
        fields = list(entries[0].to_dict()) if entries else ["fp"]
        writer.writerow(fields)
        for e in entries:
            writer.writerow([e.to_dict()[k] for k in fields])
        text = buffer.getvalue()
    _emit(text, output)


@ledger.command(name="import")
@click.argument("report_file", type=click.File("rb"))
@ledger_options
@click.option("--root", default=None, help="从报告中的路径去掉的目录前缀（使之成为相对网站根目录的路径）。")
@click.option("--date", "day", default=None, help="记为哪一天的扫描，YYYY-MM-DD（默认今天）。")
def import_(report_file: Any, target: str | None, config_path: Path | None, root: str | None, day: str | None) -> None:
    """把 JSON 报告（gkcheck scan --format json 的输出）记入台账。"""
    from ..config import parse_date

    try:
        data = json.load(report_file)
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.UsageError(f"不是有效的 JSON 报告：{exc}") from None
    with _open(target, config_path) as book:
        try:
            report = book.import_report(data, root=root, day=parse_date(day, "--date") if day else None)
        except (GkcheckError, KeyError, TypeError) as exc:
            raise click.UsageError(f"无法导入报告：{exc}") from None
    s = report.summary()
    click.echo(f"已记入台账：{s['files']} 个文件，{s['findings']} 处问题")


@ledger.command()
@ledger_options
@click.option("--month", required=True, help="月份，YYYY-MM。")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "html", "json"]), default="xlsx", show_default=True,
              help="报告格式。")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="写入文件（原子写入）；xlsx 必须指定。")
def report(target: str | None, config_path: Path | None, month: str, fmt: str, output: Path | None) -> None:
    """生成某月的整改台账：序号、单位/网站、栏目或文件、问题类型、问题描述、发现日期、整改日期、整改情况、备注。"""
    from ..ledger.reports import render

    if fmt == "xlsx" and output is None:
        raise click.UsageError("xlsx 格式是二进制文件，请用 --output 指定文件")
    with _open(target, config_path) as book:
        try:
            content = render(book.month(month), fmt)
        except GkcheckError as exc:
            raise click.UsageError(str(exc)) from None
    _emit(content, output)


def _emit(content: str | bytes, output: Path | None) -> None:
    if output is None:
        click.echo(content, nl=False)
        return
    from ..output import write_atomic

    try:
        write_atomic(output, [content])
    except OSError as exc:
        click.echo(f"gkcheck: 无法写入 {output}：{exc.strerror or exc}", err=True)
        sys.exit(2)
    click.echo(f"已写入 {output}", err=True)
