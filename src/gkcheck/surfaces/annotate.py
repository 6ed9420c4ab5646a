"""``gkcheck annotate``: marked-up copies of documents; the work is :mod:`gkcheck.annotate`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..model import GkcheckError


def _write(target: Path, data: bytes, sources: set[Path], overwrite: bool) -> str | None:
    from ..output import write_atomic

    if target.resolve() in sources:
        return f"输出文件就是被处理的文件，原文件不会被修改：{target}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, data, overwrite=overwrite)
    except FileExistsError:
        return f"输出文件已存在：{target}（如需覆盖请加 --overwrite）"
    except OSError as exc:
        return f"无法写入 {target}：{exc.strerror or exc}"
    return None


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="批注副本写入此目录（目录输入保持相对路径）；原文件不会被修改。")
@click.option("--fix", is_flag=True,
              help="同时给出可直接采纳的修改：DOCX 中为修订（可逐条接受或拒绝），HTML 另写一份改好的副本（*.fixed.html）。")
@click.option("--overwrite", is_flag=True, help="输出文件已存在时覆盖（默认拒绝并报错）。")
@click.option("--publish-date", help="日期检查所对照的发布日期，YYYY-MM-DD（默认今天）。")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="配置文件（默认向上查找 gkcheck.toml 或 pyproject.toml 的 [tool.gkcheck]）。")
@click.option("--exclude", multiple=True, help="排除匹配此通配符的文件名或相对路径，可重复。")
def annotate(paths: tuple[Path, ...], output: Path, fix: bool, overwrite: bool, publish_date: str | None,
             config_path: Path | None, exclude: tuple[str, ...]) -> None:
    """生成批注副本（DOCX、XLSX、HTML）：每个问题在文件中原位标出（批注、单元格批注、网页标记）。"""
    from ..annotate import AnnotateError, Unsupported, annotate as annotate_one, fixed_name
    from ..checker import Checker
    from ..config import load_config, parse_date
    from ..masking.files import plan

    try:
        config = load_config(config_path)
        config = config.with_overrides(exclude=(*config.exclude, *exclude) if exclude else None)
        pub = parse_date(publish_date, "--publish-date") if publish_date else None
        if output.exists() and not output.is_dir():
            raise GkcheckError(f"--output 应为目录：{output}")
        checker = Checker(config)
    except GkcheckError as exc:
        raise click.UsageError(str(exc)) from None
    todo = plan(list(paths), output, config.exclude)
    sources = {source.resolve() for source, _, _ in todo}
    failed = written = skipped = 0
    for source, target, err in todo:
        if err is None and target is not None:
            try:
                size = os.path.getsize(source)
                if size > config.max_file_bytes:
                    raise AnnotateError(f"文件过大（{size // 2**20} MB）")
                data = source.read_bytes()
                result = annotate_one(data, str(source), checker=checker, fix=fix, publish_date=pub)
            except Unsupported as exc:
                if source in paths:      # named on the command line: the user asked for it
                    err = str(exc)
                else:                    # met in a folder: passed over, and said so
                    skipped += 1
                    click.echo(f"gkcheck: {source}: 跳过：{exc}", err=True)
                    continue
            except OSError as exc:
                err = f"无法打开文件：{exc.strerror or exc}"
            except GkcheckError as exc:
                err = str(exc)
            except Exception as exc:  # an annotator bug or a hostile file: that file's error
                err = f"无法生成批注副本（{type(exc).__name__}：{exc}）"
        if err is None and target is not None:
            err = _write(target, result.data, sources, overwrite)
            if err is None and result.corrected is not None:
                err = _write(fixed_name(target), result.corrected, sources, overwrite)
        if err is not None or target is None:
            failed += 1
            click.echo(f"gkcheck: {source}: 无法生成批注副本：{err}", err=True)
            continue
        written += 1
        line = f"{source} → {target}：{len(result.findings)} 处问题，原位标注 {result.anchored} 处"
        if result.listed:
            line += f"，{result.listed} 处列在文件开头"
        if fix and result.type != "xlsx":
            line += f"，修改 {result.fixed} 处" + (f"（改好的副本 {fixed_name(target)}）"
                                                 if result.corrected is not None else "")
        click.echo(line)
    click.echo(f"共写出 {written} 个批注副本" + (f"，跳过 {skipped} 个不支持的文件" if skipped else "")
               + (f"，{failed} 个文件失败" if failed else ""), err=True)
    sys.exit(2 if failed else 0)
