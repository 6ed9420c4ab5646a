"""The command line: ``gkcheck scan``, ``rules``, ``explain`` (and the commands other modules add).

Exit codes: 0 nothing at or above ``--fail-on``; 1 something is; 2 a usage error, or a file
could not be checked (an unreadable file is never reported as clean).
"""

from __future__ import annotations

import sys
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .._version import __version__
from ..model import SEVERITY_RANK, GkcheckError

if TYPE_CHECKING:
    from ..config import Config

# Commands that live in their own modules, imported only when run (start-up stays fast).
LAZY_COMMANDS: dict[str, str] = {
    "mask": "gkcheck.surfaces.mask:mask",
    "annotate": "gkcheck.surfaces.annotate:annotate",
    "watch": "gkcheck.surfaces.watch:watch",
    "serve": "gkcheck.surfaces.serve:serve",
    "ledger": "gkcheck.surfaces.ledger:ledger",
    "spark-scan": "gkcheck.surfaces.spark_scan:spark_scan",
    "site": "gkcheck.surfaces.site:site",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *LAZY_COMMANDS])

    def invoke(self, ctx: click.Context) -> Any:
        """A bug must not look like "findings" (exit 1) to a hook or CI: it exits 2 with the trace."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort,
                SystemExit, KeyboardInterrupt):
            raise
        except Exception:  # noqa: BLE001
            import traceback

            traceback.print_exc()
            click.echo("gkcheck: 内部错误（以上是详细信息，请报告此问题）；本次检查结果无效", err=True)
            sys.exit(2)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS:
            module, _, attr = LAZY_COMMANDS[name].partition(":")
            return getattr(import_module(module), attr)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gkcheck")
def main() -> None:
    """gkcheck：政务公开内容发布前合规检查（错敏字、严重表述错误、个人隐私、日期、链接）。"""


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def format_names() -> list[str]:
    from ..reporters import REPORTERS

    return list(REPORTERS)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(format_names()), default="text", show_default=True,
              help="报告格式。")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="把报告写入文件（原子写入）而不是标准输出。")
@click.option("--force", is_flag=True, default=False,
              help="--output 的文件已存在且不是 gkcheck 的报告时也替换它（被检查的文件永远不会被替换）。")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default=None,
              help="达到此级别的问题使退出码为 1（默认 error）。")
@click.option("--publish-date", help="日期检查所对照的发布日期，YYYY-MM-DD（默认今天）。")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="配置文件（默认向上查找 gkcheck.toml 或 pyproject.toml 的 [tool.gkcheck]）。")
@click.option("--exclude", multiple=True, help="排除匹配此通配符的文件名或相对路径，可重复。")
@click.option("--select", multiple=True, help="只启用这些规则（编号、编号前缀、规则名或类别），可重复或逗号分隔。")
@click.option("--ignore", multiple=True, help="停用这些规则（同 --select 的写法），可重复或逗号分隔。")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, help="并行进程数（默认 1）。")
@click.option("--check-links", is_flag=True, default=False,
              help="联网逐个访问外部 http(s) 链接，报告打不开和跳转的链接（默认不联网）。")
@click.option("--link-timeout", type=click.FloatRange(0.1, 300), default=None,
              help="--check-links 每次连接和读取的超时秒数（默认 10）。")
@click.option("--link-workers", type=click.IntRange(1, 64), default=None,
              help="--check-links 同时访问的链接数（默认 8；同一网站最多 2 个）。")
@click.option("--site-root", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="网站根目录：据此检查以 / 开头的站内链接是否存在。")
@click.option("--progress/--no-progress", default=None,
              help="在标准错误上显示进度（默认：标准错误是终端、不在 CI 中且多于一个文件时显示）。")
@click.option("--ledger", "ledger_target", default=None,
              help="把本次检查记入整改台账：SQLite 文件或 postgresql://… 地址（docs/ledger.md）。")
@click.option("--new-only", is_flag=True, default=False,
              help="与 --ledger 一起用：--fail-on 只针对台账中没有的新问题（已知、已忽略的照常列出并标明）。")
@click.option("--typo-level", type=click.Choice(["strict", "normal", "off"]), default=None,
              help="上下文统计错别字检查（T020）：strict 报告更多疑似错字，off 关闭（默认 normal）。")
@click.option("--expand-columns", is_flag=True, default=False,
              help="名单中被整列报告（P009）的列也逐格给出隐私问题（默认并入整列那一条）。")
@click.option("--ocr", is_flag=True, default=False,
              help="扫描目录时也对遇到的图片做 OCR 识别（需安装 gkcheck[ocr]；直接指定的图片和扫描页总会识别）。")
def scan(paths: tuple[Path, ...], fmt: str, output: Path | None, force: bool, fail_on: str | None,
         publish_date: str | None, config_path: Path | None, exclude: tuple[str, ...],
         select: tuple[str, ...], ignore: tuple[str, ...], jobs: int | None, check_links: bool,
         link_timeout: float | None, link_workers: int | None, site_root: Path | None,
         progress: bool | None, ledger_target: str | None = None, new_only: bool = False,
         typo_level: str | None = None, expand_columns: bool = False, ocr: bool = False) -> None:
    """检查文件或目录（HTML、DOCX、XLSX、PDF、TXT、CSV、MD）。"""
    from ..checker import Checker
    from ..config import load_config, parse_date
    from ..output import write_atomic
    from ..reporters import BINARY_FORMATS, escape_controls, render_chunks

    if fmt in BINARY_FORMATS and output is None:
        raise click.UsageError(f"{fmt} 格式是二进制文件，请用 --output 指定文件")
    try:
        config = load_config(config_path)
        config = config.with_overrides(
            fail_on=fail_on, jobs=jobs, typo_level=typo_level,
            publish_date=parse_date(publish_date, "--publish-date") if publish_date else None,
            select=_split(select) or None,
            ignore=(*config.ignore, *_split(ignore)) if ignore else None,
            exclude=(*config.exclude, *exclude) if exclude else None,
            expand_columns=True if expand_columns else None, ocr=True if ocr else None)
        config = _with_link_options(config, {
            "check-links": True if check_links else None, "timeout": link_timeout,
            "workers": link_workers, "site-root": str(site_root.resolve()) if site_root else None})
        if output is not None:
            _check_output(output, paths, config.exclude, force)
        if ledger_target or new_only or config.ledger:
            from .ledger import without_ledger_files

            config = without_ledger_files(config, ledger_target)
        checker = Checker(config)
    except GkcheckError as exc:
        raise click.UsageError(str(exc)) from None
    report = _scan_with_progress(checker, paths, progress)
    if ledger_target or new_only or config.ledger:   # the ledger (surfaces/ledger.py, docs/ledger.md)
        from .ledger import record_scan

        try:
            report = record_scan(report, config, ledger_target, paths, new_only)
        except GkcheckError as exc:
            raise click.UsageError(str(exc)) from None
    pieces = render_chunks(report, fmt, units=config.units)   # a large report is written piece by piece
    if output is not None:
        try:
            _check_output(output, paths, config.exclude, force)   # again: the scan took time
            write_atomic(output, pieces)
        except OSError as exc:
            click.echo(f"gkcheck: 无法写入报告 {output}：{exc.strerror or exc}", err=True)
            sys.exit(2)
        except GkcheckError as exc:
            click.echo(f"gkcheck: {exc}", err=True)
            sys.exit(2)
        click.echo(escape_controls(f"报告已写入 {output}"), err=True)
    else:
        for piece in pieces:
            click.echo(piece, nl=False)
    for result in report.files:
        if result.status == "error":
            click.echo(escape_controls(f"gkcheck: {result.path}: 无法检查：{result.error}"), err=True)
    sys.exit(exit_code(report, config.fail_on, new_only=new_only))


def _check_output(output: Path, paths: tuple[Path, ...], exclude: tuple[str, ...], force: bool) -> None:
    """Refuse an ``--output`` that is one of the scanned files (named, or reached through a
    folder) or an existing file that is no report (without ``--force``)."""
    from itertools import chain

    from ..output import output_problem
    from ..walk import iter_files

    inputs = chain(paths, (p for p, _ in iter_files(list(paths), exclude)))
    problem = output_problem(output, inputs, force=force)
    if problem:
        raise GkcheckError(problem)


def _scan_with_progress(checker, paths: tuple[Path, ...], choice: bool | None):  # type: ignore[no-untyped-def]
    """``checker.scan`` with the progress line on standard error when wanted (progress.py)."""
    import os

    from .progress import Progress, wanted

    if not wanted(choice, sys.stderr, os.environ):
        return checker.scan(list(paths))
    from ..walk import iter_files

    total = sum(1 for _ in iter_files(list(paths), checker.config.exclude))
    if choice is None and total < 2:
        return checker.scan(list(paths))
    bar = Progress(total, sys.stderr)
    try:
        return checker.scan(list(paths), progress=bar.update)
    finally:
        bar.close()


def _with_link_options(config: Config, changes: dict[str, Any]) -> Config:
    """The config with command-line values put into its ``[options.links]`` table."""
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        return config
    links = {**config.detector_options("links"), **changes}
    others = tuple(item for item in config.options if item[0] != "links")
    return config.with_overrides(options=(*others, ("links", tuple(links.items()))))


def exit_code(report, fail_on: str, *, new_only: bool = False) -> int:  # type: ignore[no-untyped-def]
    """``new_only``: findings the ledger already knows or an editor ignored do not count."""
    if any(f.status == "error" for f in report.files):
        return 2
    if fail_on == "never":
        return 0
    threshold = SEVERITY_RANK[fail_on]
    known = ("known", "ignored") if new_only else ()
    if any(SEVERITY_RANK[x.severity] >= threshold and x.ledger_state not in known
           for f in report.files for x in f.findings):
        return 1
    return 0


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="列表格式。")
def rules(fmt: str) -> None:
    """列出全部规则：编号、名称、类别、默认级别、提示。"""
    import json

    from ..rules import load_rules

    table = load_rules()
    if fmt == "json":
        click.echo(json.dumps([{"code": r.code, "name": r.name, "category": r.category,
                                "severity": r.severity, "message": r.message}
                               for r in table.values()], ensure_ascii=False, indent=2))
        return
    for r in table.values():
        click.echo(f"{r.code}  {r.name:<28} {r.category:<10} {r.severity:<8} {r.message}")


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """显示一条规则的说明文档（编号或名称）。"""
    from ..rules import load_rules

    table = load_rules()
    by_name = {r.name: r for r in table.values()}
    found = table.get(rule.upper()) or by_name.get(rule)
    if found is None:
        raise click.UsageError(f"未知规则：{rule}（用 gkcheck rules 查看全部规则）")
    click.echo(found.doc_markdown())


if __name__ == "__main__":  # pragma: no cover
    main()
