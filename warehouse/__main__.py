"""Command line for operators and schedules: python -m warehouse <command>.

Exit codes: 0 success; 1 a file was rejected (or a check failed); 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")


def _print_result(result) -> None:
    print(result.summary())
    for finding in result.findings:
        print("  " + finding.describe())


def cmd_seed(args) -> int:
    from warehouse import db, load

    if args.if_empty and db.db_path().exists():
        print(f"Kho dữ liệu {db.db_path()} đã có; bỏ qua bước nạp dữ liệu mẫu.")
        return 0
    results = load.seed()
    for r in results:
        _print_result(r)
    return 0 if all(r.ok for r in results) else 1


def cmd_load(args) -> int:
    from warehouse import datasets, load

    path = Path(args.file)
    if not path.is_file():
        print(f"Không tìm thấy tệp '{path}'.", file=sys.stderr)
        return 2
    result = load.load_path(path, args.dataset, loaded_by=args.user, sheet=args.sheet, period=args.period,
                            unit=args.unit)
    if result.dataset and args.dataset is None:
        print(f"Nhận diện bộ dữ liệu: {result.dataset} ({datasets.get(result.dataset).title})")
    _print_result(result)
    return 0 if result.ok else 1


def cmd_load_dir(args) -> int:
    from warehouse import dropdir

    report = dropdir.load_dir(Path(args.dir), move=args.move, settle_seconds=args.settle, loaded_by=args.user)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def cmd_loads(args) -> int:
    from warehouse import db, queries

    snapshot = db.Snapshots()
    _, con = snapshot.connection()
    frame = queries.load_history(con.cursor(), limit=args.limit)
    if frame.empty:
        print("Chưa có lần nạp nào.")
    else:
        print(frame.to_string(index=False))
    return 0


def cmd_retract(args) -> int:
    from warehouse import db, load

    try:
        with db.write_connection() as con:
            print(load.retract(con, args.load_id, by=args.user))
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def cmd_backup(args) -> int:
    from warehouse import backup

    if args.keep < 1:
        print("--keep phải từ 1 trở lên.", file=sys.stderr)
        return 2
    print(backup.backup(Path(args.dir), keep=args.keep).summary())
    return 0


def cmd_restore(args) -> int:
    from warehouse import backup

    if not Path(args.backup).exists():
        print(f"Không tìm thấy bản sao lưu '{args.backup}'.", file=sys.stderr)
        return 2
    try:
        result = backup.restore(Path(args.backup), Path(args.db) if args.db else None, force=args.force)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(result.summary())
    return 0


def cmd_hash_password(args) -> int:
    import getpass

    from warehouse import auth

    if sys.stdin.isatty():
        password = getpass.getpass("Mật khẩu (không hiện khi gõ): ")
        if getpass.getpass("Gõ lại mật khẩu: ") != password:
            print("Hai lần gõ không khớp; chưa tạo gì.", file=sys.stderr)
            return 1
    else:  # piped in by a provisioning script: the first line
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < auth.MIN_PASSWORD_LENGTH:
        print(f"Mật khẩu cần ít nhất {auth.MIN_PASSWORD_LENGTH} ký tự; chưa tạo gì.", file=sys.stderr)
        return 1
    print("# dán dòng sau vào mục [analysts] của .streamlit/secrets.toml:", file=sys.stderr)
    print(auth.toml_line(args.username, auth.hash_password(password)))
    return 0


def cmd_build(args) -> int:
    from warehouse import db, models

    with db.write_connection() as con:
        views = models.build(con)
    print(f"Đã tạo {len(views)} view: {', '.join(views)}")
    return 0


def cmd_check(args) -> int:
    from warehouse import db, quality

    with db.write_connection() as con:
        report = quality.check_loaded(con)
    failed = 0
    for dataset, findings in report.items():
        errs = [f for f in findings if f.severity == "error"]
        failed += bool(errs)
        print(f"{dataset}: {len(errs)} lỗi, {len(findings) - len(errs)} cảnh báo")
        for f in findings[:50]:
            print("  " + f.describe())
    return 1 if failed else 0


def cmd_samples(args) -> int:
    from warehouse import samples

    for path in samples.write_samples(Path(args.out)):
        print(path)
    return 0


def cmd_suites(args) -> int:
    from warehouse import suites

    for path in suites.write_drafts():
        print(path)
    return 0


def cmd_extract(args) -> int:
    from warehouse import extract
    from warehouse.sources import IngestError

    path = Path(args.report)
    if not path.is_file():
        print(f"Không tìm thấy tệp '{path}'.", file=sys.stderr)
        return 2
    try:
        extraction = extract.extract_report(path, unit=args.unit)
    except (IngestError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print("\n".join(extract.summary(extraction)))
    if args.out:
        extract.write_workbook(extraction, Path(args.out))
        print(f"Đã ghi '{args.out}': mỗi bộ dữ liệu một trang tính (nạp bằng: python -m warehouse load {args.out} "
              "--dataset TÊN --sheet TÊN) và trang 'Số liệu trích' liệt kê mọi số liệu kèm câu gốc.")
    return 0


DATASETS = ("communes", "broadband", "dvctt", "bdhvs", "targets")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m warehouse", description="Kho dữ liệu chuyển đổi số Quảng Ngãi")
    p.add_argument("--user", default=None, help="tên người nạp ghi vào lịch sử (mặc định: tài khoản hệ điều hành)")
    sub = p.add_subparsers(dest="command", required=True)
    seed = sub.add_parser("seed", help="tạo kho, nạp danh mục xã và dữ liệu mẫu (chạy lại không sao)")
    seed.add_argument("--if-empty", action="store_true", help="chỉ khi chưa có tệp kho dữ liệu")
    seed.set_defaults(fn=cmd_seed)
    load = sub.add_parser("load", help="kiểm tra và nạp một tệp Excel/CSV")
    load.add_argument("file")
    load.add_argument("--dataset", default=None, choices=list(DATASETS), help="mặc định: tự nhận diện theo tiêu đề cột")
    load.add_argument("--sheet", default=None, help="tên trang tính cần nạp (mặc định: trang có bảng khớp nhất)")
    load.add_argument("--period", default=None,
                      help="kỳ báo cáo khi bảng không có cột kỳ: 01/07/2025-30/10/2025, 11/2025 hoặc 18/11/2025")
    load.add_argument("--unit", default=None,
                      help="kế hoạch (chỉ tiêu) của đơn vị nào: 'tỉnh', hoặc tên/mã xã; mặc định: đọc từ tiêu đề")
    load.set_defaults(fn=cmd_load)
    load_dir = sub.add_parser("load-dir", help="nạp mọi tệp mới của một thư mục")
    load_dir.add_argument("dir")
    load_dir.add_argument("--no-move", dest="move", action="store_false",
                          help="để nguyên tệp, ghi kết quả vào DIR/.load-dir.tsv (mặc định: chuyển vào loaded/ hoặc rejected/)")
    load_dir.add_argument("--settle", type=float, default=5.0,
                          help="bỏ qua tệp vừa thay đổi trong chừng ấy giây (đang được ghi); mặc định 5")
    load_dir.set_defaults(fn=cmd_load_dir)
    loads = sub.add_parser("loads", help="lịch sử nạp")
    loads.add_argument("--limit", type=int, default=50)
    loads.set_defaults(fn=cmd_loads)
    retract = sub.add_parser("retract", help="thu hồi một lần nạp (không xóa gì)")
    retract.add_argument("load_id", type=int)
    retract.set_defaults(fn=cmd_retract)
    backup = sub.add_parser("backup", help="sao lưu kho dữ liệu và các tệp gốc vào một thư mục mới trong DIR")
    backup.add_argument("dir")
    backup.add_argument("--keep", type=int, default=14, help="giữ chừng ấy bản sao lưu mới nhất, xóa bản cũ hơn; mặc định 14")
    backup.set_defaults(fn=cmd_backup)
    restore = sub.add_parser("restore", help="khôi phục kho dữ liệu từ một bản sao lưu (kiểm tra sha256 trước)")
    restore.add_argument("backup", help="thư mục cds-backup-… do lệnh backup tạo")
    restore.add_argument("--db", default=None, help="tệp kho dữ liệu cần tạo (mặc định: $WAREHOUSE_DB hoặc data/warehouse.duckdb)")
    restore.add_argument("--force", action="store_true", help="thay kho dữ liệu đang có (mặc định: từ chối)")
    restore.set_defaults(fn=cmd_restore)
    hash_password = sub.add_parser("hash-password", help="tạo dòng mật khẩu (đã băm) cho một chuyên viên")
    hash_password.add_argument("username", nargs="?", default="ten_dang_nhap", help="tên đăng nhập của chuyên viên")
    hash_password.set_defaults(fn=cmd_hash_password)
    sub.add_parser("build", help="tạo lại các view trong sql/ (các lệnh ghi tự làm khi sql/ thay đổi)").set_defaults(fn=cmd_build)
    sub.add_parser("check", help="chạy lại kiểm tra trên dữ liệu đã nạp").set_defaults(fn=cmd_check)
    samples = sub.add_parser("samples", help="sinh lại các tệp dữ liệu mẫu")
    samples.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "data" / "samples"))
    samples.set_defaults(fn=cmd_samples)
    sub.add_parser("suites", help="viết bản nháp bộ kiểm tra great-expectations từ danh mục cột").set_defaults(fn=cmd_suites)
    extract = sub.add_parser("extract", help="đọc số liệu từ một báo cáo (.docx, .pdf có lớp chữ, .txt)")
    extract.add_argument("report")
    extract.add_argument("--unit", default=None, help="đơn vị báo cáo (mặc định: đọc từ tên cơ quan trong văn bản)")
    extract.add_argument("--out", default=None, help="ghi sổ tính .xlsx: mỗi bộ dữ liệu một trang tính và danh sách số liệu")
    extract.set_defaults(fn=cmd_extract)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.fn(args)
    except (FileNotFoundError, TimeoutError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # never a bare traceback for an operator; the details follow on stderr
        print(f"Lỗi không mong đợi khi chạy '{args.command}': {exc}", file=sys.stderr)
        if os.environ.get("WAREHOUSE_DEBUG"):
            raise
        return 1


if __name__ == "__main__":
    sys.exit(main())
