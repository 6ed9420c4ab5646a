"""``gkcheck site ROOT --as-of DATE``: the whole-site checks (engine in gkcheck.site; docs/site.md)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from ..model import SEVERITY_RANK, GkcheckError


@click.command()
@click.argument("root", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--as-of", "as_of", help="检查日 YYYY-MM-DD（默认今天）；写进每份报告，同样的输入和检查日得到同样的报告。")
@click.option("--columns", "columns_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="栏目表 columns.toml（不给则从镜像推断，报告会注明）。")
@click.option("--init-columns", is_flag=True, default=False,
              help="不检查，只把从镜像推断的栏目表草稿输出（gkcheck site ROOT --init-columns > columns.toml）。")
@click.option("--thresholds", "thresholds_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="阈值文件（与 rules/site.toml 的 [site] 同样写法），覆盖内置期限和否决线。")
@click.option("--messages", "messages_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="留言导出 messages.csv（asked, answered, column）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html", "xlsx"]), default="text",
              show_default=True, help="报告格式。")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="把报告写入文件（原子写入）。")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]), default="error",
              show_default=True, help="达到此级别的问题使退出码为 1。")
@click.option("--with-page-checks", is_flag=True, default=False,
              help="同时对每个页面运行全部页面规则（同 gkcheck scan），报告中加上各规则的数量。")
def site(root: Path, as_of: str | None, columns_path: Path | None, init_columns: bool,
         thresholds_path: Path | None, messages_path: Path | None, fmt: str, output: Path | None,
         fail_on: str, with_page_checks: bool) -> None:
    """整站检查：栏目逾期未更新、空白栏目、首页更新、单项否决计数、无日期/超前/重复信息、站内断链、留言回复。"""
    from ..config import parse_date
    from ..output import write_atomic
    from ..site import init_columns as draft, page_checks, run
    from ..site.report import RENDERERS

    try:
        if init_columns:
            click.echo(draft(root, thresholds_path), nl=False)
            return
        day = parse_date(as_of, "--as-of") if as_of else date.today()
        if fmt == "xlsx" and output is None:
            raise click.UsageError("xlsx 格式是二进制文件，请用 --output 指定文件")
        if output is not None and output.resolve().is_relative_to(root.resolve()):
            raise click.UsageError("报告不能写进被检查的网站目录")
        report = run(root, day, columns_path=columns_path, thresholds_path=thresholds_path,
                     messages_path=messages_path)
        if with_page_checks:
            report["page_checks"] = page_checks(root, day)
        data = RENDERERS[fmt](report)
        if output is None:
            click.echo(data, nl=False)
        else:
            write_atomic(output, data)
    except GkcheckError as exc:
        click.echo(f"gkcheck: {exc}", err=True)
        sys.exit(2)
    sys.exit(exit_code(report, fail_on))


def exit_code(report: dict, fail_on: str) -> int:  # type: ignore[type-arg]
    """As `scan`: 2 when a page could not be read (never reported clean), 1 findings at or above --fail-on."""
    if report["pages"]["errors"]:
        return 2
    if fail_on == "never":
        return 0
    return 1 if any(SEVERITY_RANK[f["severity"]] >= SEVERITY_RANK[fail_on] for f in report["findings"]) else 0
