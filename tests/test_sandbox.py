"""Untrusted files are parsed in a limited child process: whatever they do, the caller gets a refusal."""

from __future__ import annotations

import multiprocessing
import os
import random
import sys
import types
import zipfile

import openpyxl
import pytest

from warehouse import load, sandbox
from warehouse.sources import IngestError

HEADER = ["Mã xã", "Tên xã", "Ngày số liệu", "Số học viên tham gia"]
ROW = ["21421", "Xã Mỏ Cày", "18/11/2025", 4365]


def refusal(path, communes, **kwargs) -> str:
    table, findings, _ = load.check_file(path, None, communes, **kwargs)
    assert table is None and len(findings) == 1
    return findings[0].message


@pytest.mark.parametrize("far", ["XFD1048576", "ZZ500000"])
def test_a_far_cell_is_a_refusal_naming_it_not_a_dead_process(make_xlsx, communes, far):
    path = make_xlsx([HEADER, ROW], "o_xa.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active[far] = 1  # the Excel reader would allocate the whole area (512 GB for XFD1048576) and abort
    wb.save(path)
    message = refusal(path, communes)
    assert "'o_xa.xlsx'" in message and f"tới tận ô {far}" in message and "sao chép bảng số liệu sang một tệp mới" in message
    table, findings, timings = load.check_file(make_xlsx([HEADER, ROW], "tot.xlsx"), None, communes)
    assert table.frame["learners"].tolist() == [4365] and not findings  # and the next file reads as usual
    assert 0 < timings["read_peak_mb"] < sandbox.memory_limit_mb()


def test_a_reader_past_its_time_is_stopped(make_xlsx, communes, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_READ_SECONDS", "0.001")
    message = refusal(make_xlsx([HEADER, ROW], "cham.xlsx"), communes)
    assert "'cham.xlsx'" in message and "giây nên đã dừng" in message


def test_a_reader_past_its_memory_is_stopped(tmp_path, communes, monkeypatch):
    rows = "\n".join(f"21421,Xã Mỏ Cày,18/11/2025,{i}" for i in range(200_000))
    path = tmp_path / "lon.csv"
    path.write_text(",".join(HEADER) + "\n" + rows + "\n", encoding="utf-8")
    monkeypatch.setenv("WAREHOUSE_READ_MEMORY_MB", "200")  # below what the reader's imports alone take
    message = refusal(path, communes)
    assert "'lon.csv'" in message and "giới hạn bộ nhớ 200 MB" in message


def test_the_limits_and_settings_reach_the_child(make_xlsx, communes, monkeypatch):
    monkeypatch.setenv("WAREHOUSE_MAX_FILE_MB", "0.001")  # read by sources.open_source, in the child
    assert "quá lớn" in refusal(make_xlsx([HEADER, ROW]), communes)


def test_a_refusal_raised_in_the_child_arrives_as_written(tmp_path):
    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    with pytest.raises(IngestError, match="rỗng"):
        sandbox.read_table(path)


def test_a_flipped_bit_in_compressed_data_is_a_corrupt_file(make_xlsx, communes, tmp_path):
    path = make_xlsx([HEADER, ROW])
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    raw[info.header_offset + 30 + len(info.filename) + len(info.extra) + 5] ^= 0x10
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(bytes(raw))
    assert "Tệp Excel 'hong.xlsx' bị hỏng" in refusal(broken, communes)


@pytest.mark.parametrize("pad", [0, 5000, (1 << 20) - 70])  # the last one straddles the 1 MB read boundary
def test_a_dtd_anywhere_in_a_part_is_refused(make_xlsx, communes, tmp_path, pad):
    path = make_xlsx([HEADER, ROW])
    target = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, _, rest = data.partition(b"?>")
                filler = b"<!--" + random.Random(pad).randbytes(pad // 2).hex().encode()[:pad] + b"-->"  # no zip bomb
                data = head + b"?>" + filler + b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + rest
            out.writestr(info.filename, data)
    assert "khai báo DTD/ENTITY" in refusal(target, communes)


def test_a_reading_child_never_runs_the_servers_main_script_again(make_xlsx, communes, monkeypatch, tmp_path):
    """Under Streamlit, __main__ is app.py (each script run installs it); multiprocessing would run it again in
    every reading child."""
    ran = tmp_path / "ran"
    script = tmp_path / "app_like.py"
    script.write_text(f"open({str(ran)!r}, 'w').close()\n", encoding="utf-8")
    main = types.ModuleType("__main__")
    main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", main)
    table, findings, _ = load.check_file(make_xlsx([HEADER, ROW], "xa.xlsx"), None, communes)
    assert table.frame["learners"].tolist() == [4365] and not findings
    assert not ran.exists()
    assert sys.modules["__main__"] is main  # given back


def test_the_units_looked_up_while_the_child_reads_reach_it(make_xlsx, communes):
    """load_path looks the warehouse up (`later`) while the child opens the file: a name is resolved with them."""
    path = make_xlsx([HEADER[1:], ROW[1:]], "ten_xa.xlsx")  # a name, no code: only the units resolve it
    table, _ = sandbox.read_table(path, None, None, later=lambda: communes)
    assert table.frame["commune_code"].tolist() == ["21421"] and table.frame["learners"].tolist() == [4365]


def test_a_look_up_that_fails_ends_the_child_and_is_raised(make_xlsx, communes):
    def fails():
        raise RuntimeError("kho bị khóa")

    with pytest.raises(RuntimeError, match="kho bị khóa"):
        sandbox.read_table(make_xlsx([HEADER, ROW]), None, None, later=fails)
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]  # killed, not left reading


def test_a_file_refused_before_it_asks_for_the_units_does_not_wait_for_them(tmp_path):
    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    with pytest.raises(IngestError, match="rỗng"):  # more than a pipe holds, never read by the child
        sandbox.read_table(path, None, None, later=lambda: "x" * 1_000_000)


def test_the_reading_children_ask_for_huge_pages_and_the_server_is_left_as_it_was():
    """The fork server starts with glibc's malloc asking for transparent huge pages (fewer page faults while a child
    reads); this process's environment is not changed, an administrator's GLIBC_TUNABLES is kept."""
    outer = os.environ.get("GLIBC_TUNABLES")
    in_child, _ = sandbox.run_limited(os.getenv, "GLIBC_TUNABLES")
    assert in_child == (outer or "glibc.malloc.hugetlb=1")
    assert os.environ.get("GLIBC_TUNABLES") == outer
