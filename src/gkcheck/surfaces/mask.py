"""``gkcheck mask``: the command that writes desensitized (脱敏) copies; the work is :mod:`gkcheck.masking.files`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..masking.files import FileOutcome, mask_file, plan, policy_from, privacy_checker, report_lines
from ..model import GkcheckError
from ..reporters import escape_controls


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="脱敏副本写入此目录（目录输入保持相对路径）；原文件不会被修改。")
@click.option("--overwrite", is_flag=True, help="输出文件已存在时覆盖（默认拒绝并报错）。")
@click.option("--keep", multiple=True, metavar="KIND=START,END",
              help="某类信息保留开头和结尾的位数，如 id=6,4、phone=3,4、bank=0,4，可重复。")
@click.option("--char", "mask_char", default=None, help="遮盖字符（默认 *）。")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="配置文件（默认向上查找 gkcheck.toml 或 pyproject.toml 的 [tool.gkcheck]）。")
@click.option("--exclude", multiple=True, help="排除匹配此通配符的文件名或相对路径，可重复。")
def mask(paths: tuple[Path, ...], output: Path, overwrite: bool, keep: tuple[str, ...],
         mask_char: str | None, config_path: Path | None, exclude: tuple[str, ...]) -> None:
    """生成脱敏副本（XLSX、DOCX、HTML、TXT、CSV、MD）：隐藏身份证号、手机号、银行卡号等个人信息。"""
    from ..config import load_config

    try:
        config = load_config(config_path)
        config = config.with_overrides(exclude=(*config.exclude, *exclude) if exclude else None)
        policy = policy_from(config.detector_options("mask"), keep, mask_char)
        if output.exists() and not output.is_dir():
            raise GkcheckError(f"--output 应为目录：{output}")
        checker = privacy_checker(config)
    except GkcheckError as exc:
        raise click.UsageError(str(exc)) from None
    failed = masked = written = 0
    for source, target, err in plan(list(paths), output, config.exclude):
        outcome = (FileOutcome(source, target, error=err) if err or target is None
                   else mask_file(source, target, policy, checker, overwrite=overwrite))
        if outcome.error:
            failed += 1
            click.echo(escape_controls(f"gkcheck: {source}: 无法脱敏：{outcome.error}"), err=True)
            continue
        written += 1
        masked += len(outcome.result.items)  # type: ignore[union-attr]
        for line in report_lines(outcome):
            click.echo(escape_controls(line))
    click.echo(f"共写出 {written} 个副本，脱敏 {masked} 处" + (f"，{failed} 个文件失败" if failed else ""),
               err=True)
    sys.exit(2 if failed else 0)

