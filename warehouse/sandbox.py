"""Read untrusted files in a child process with memory and time limits.

A parser bug must end as a refusal, never as a dead server: a 19 KB .xlsx whose one cell sits at
XFD1048576 makes the calamine reader allocate 512 GB and abort the whole process. So every
uploaded or dropped file is read (ingest.read_table) in a child forked from a small server
process that has the readers imported once (multiprocessing's forkserver: no fork of the
threaded Streamlit server, a few milliseconds a file). The child runs under an address-space
limit (WAREHOUSE_READ_MEMORY_MB, default 2048) and a CPU limit, the parent waits at most
WAREHOUSE_READ_SECONDS (default 60) and kills it after that. A child that dies, runs out of
memory or time becomes an IngestError in Vietnamese; the caller records it like any refusal.
"""

from __future__ import annotations

import functools
import logging
import multiprocessing
import multiprocessing.forkserver
import os
import resource
import sys
import threading
import time
import traceback
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from warehouse import formatting, sources
from warehouse.sources import IngestError

log = logging.getLogger(__name__)
PRELOAD = ["warehouse.ingest", "warehouse.sandbox"]  # imported once by the fork server, inherited by every child
_context_lock = threading.Lock()
_context = None
_main_lock = threading.Lock()
_NO_MAIN = types.ModuleType("__main__")  # no __file__, no __spec__: nothing for a child to run again


def memory_limit_mb() -> int:
    return int(float(os.environ.get("WAREHOUSE_READ_MEMORY_MB", "2048")))


def time_limit_s() -> float:
    return float(os.environ.get("WAREHOUSE_READ_SECONDS", "60"))


def _mp():
    """The forkserver context, its preload set and its server started once."""
    global _context
    with _context_lock:
        if _context is None:
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(PRELOAD)
            with _huge_pages():
                multiprocessing.forkserver.ensure_running()
        return _context


@contextmanager
def _huge_pages() -> Iterator[None]:
    """While the fork server starts: glibc's malloc asks for transparent huge pages (GLIBC_TUNABLES, read when a
    process starts: the server and its children, not this process). A child reading 50.000 rows touches ≈ 100 MB of
    fresh memory: ≈ 25.000 page faults in 4 KB pages, ≈ 10.000 with huge pages, ≈ 40 ms less system time a file.
    An administrator's own GLIBC_TUNABLES is kept as it is."""
    if "GLIBC_TUNABLES" in os.environ:
        yield
        return
    os.environ["GLIBC_TUNABLES"] = "glibc.malloc.hugetlb=1"
    try:
        yield
    finally:
        os.environ.pop("GLIBC_TUNABLES", None)


def read_table(path: Path, *args, **kwargs):
    """(ingest.read_table(path, …), the child's peak memory in MB), read in a limited child process;
    IngestError when it fails in any way."""
    return run_limited(_read_table, Path(path), *args, **kwargs)


def _read_table(path: Path, *args, **kwargs):
    from warehouse import ingest

    return ingest.read_table(path, *args, **kwargs)


def run_limited(fn, path: Path, *args, later: Callable[[], Any] | None = None, **kwargs) -> tuple[Any, float]:
    """(fn(path, *args, **kwargs), peak MB) in a child with the limits; its IngestError is raised here as is. `fn`
    lives in an importable module (the child finds it by name; never a script's __main__: see _without_main).

    `later`, when given, runs here once the child has started (a load looks the warehouse up meanwhile), and
    `fn` gets `later=`: a function that waits for its value. What `later` raises ends the child and is raised here.

    A child that ended with a Python error before it could answer (exit code 1, not a signal) is
    tried once more: that is the process start failing, not the file.
    """
    memory_mb, seconds = memory_limit_mb(), time_limit_s()
    value = functools.cache(later) if later is not None else None  # computed once, sent again to a second try
    outcome, exitcode = _run_once(fn, path, args, kwargs, memory_mb, seconds, value)
    if outcome is None and exitcode == 1:
        log.warning("the reader of %s ended before it answered (exit code 1); trying once more", path)
        outcome, exitcode = _run_once(fn, path, args, kwargs, memory_mb, seconds, value)
    return _result(outcome, exitcode, path, memory_mb, seconds)


def _run_once(fn, path: Path, args, kwargs, memory_mb: int, seconds: float,
              later: Callable[[], Any] | None) -> tuple[tuple | None, int | None]:
    env = {k: v for k, v in os.environ.items() if k.startswith("WAREHOUSE_")}
    ctx = _mp()
    receive, send = ctx.Pipe(duplex=False)
    late_receive, late_send = ctx.Pipe(duplex=False) if later is not None else (None, None)
    child = ctx.Process(target=_child, args=(send, late_receive, env, memory_mb, seconds, fn, path, args, kwargs),
                        daemon=True)
    with _without_main():
        child.start()
    send.close()
    try:
        if later is not None:
            late_receive.close()
            _send_later(late_send, _later_value(later, child, late_send))
        outcome = _wait(receive, child, seconds)
    finally:
        receive.close()
        exitcode = _end(child)
    return outcome, exitcode


def _later_value(later: Callable[[], Any], child, pipe) -> Any:
    """later(); when it raises, the child is killed first (it would otherwise be waited for)."""
    try:
        return later()
    except BaseException:
        child.kill()
        pipe.close()
        raise


def _send_later(pipe, value: Any) -> None:
    """Send `value` to the child without waiting for it to read it: a value larger than the pipe's buffer would
    hold this process up when the child never asks for it (a file refused before)."""
    def send() -> None:
        try:
            pipe.send(value)
        except OSError:  # the child ended without reading it
            pass
        finally:
            pipe.close()

    threading.Thread(target=send, daemon=True, name="sandbox-later").start()


@contextmanager
def _without_main() -> Iterator[None]:
    """While a child starts, no __main__ module for it to run again. multiprocessing makes a child run the parent's
    main script again when __main__ is a file (spawn.prepare → runpy.run_path): under Streamlit that is app.py,
    which every script run installs as __main__ (0,6 s and the app's code in each reading child), under
    `python script.py` the script."""
    with _main_lock:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = _NO_MAIN
        try:
            yield
        finally:
            sys.modules["__main__"] = main


def _wait(receive, child, seconds: float) -> tuple[str, Any] | None:
    """The child's (kind, value), or None when it died or ran out of time (then it is killed)."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            child.kill()
            return ("timeout", None)
        if receive.poll(min(left, 1.0)):
            try:
                return receive.recv()
            except (EOFError, OSError):
                return None  # the child died before it answered
        if not child.is_alive() and not receive.poll(0):
            return None


def _end(child) -> int | None:
    """Reap the child (killed if it lingers) so that no process is left behind; its exit code."""
    child.join(5)
    if child.is_alive():
        child.kill()
        child.join()
    exitcode = child.exitcode
    child.close()
    return exitcode


def _result(outcome: tuple[str, Any] | None, exitcode: int | None, path: Path, memory_mb: int, seconds: float) -> Any:
    if outcome is not None and outcome[0] == "ok":
        return outcome[1], outcome[2]
    if outcome is not None and outcome[0] == "refused":
        raise IngestError(outcome[1])
    if outcome is not None and outcome[0] == "memory":
        raise IngestError(too_large(path, memory_mb))
    if outcome is not None and outcome[0] == "timeout":
        raise IngestError(too_slow(path, seconds))
    if outcome is not None and outcome[0] == "unexpected":
        log.error("unexpected error reading %s:\n%s", path, outcome[1])
        raise IngestError(unexpected(path))
    log.error("the reader of %s died (exit code %s)", path, exitcode)
    raise IngestError(too_large(path, memory_mb, died=True))


def _child(send, late, env: dict, memory_mb: int, seconds: float, fn, path: Path, args, kwargs) -> None:
    """In the child: set the limits, run, send one (kind, value). `late`: the pipe a `later` value comes by."""
    os.environ.update(env)
    if late is not None:
        kwargs = {**kwargs, "later": late.recv}
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = int(seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        value = fn(path, *args, **kwargs)
        outcome = ("ok", value, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    except IngestError as exc:
        outcome = ("refused", str(exc))
    except MemoryError:
        outcome = ("memory", None)
    except Exception:
        outcome = ("unexpected", traceback.format_exc())
    try:
        send.send(outcome)
    except MemoryError:
        send.send(("memory", None))
    except Exception:  # the result could not be sent (pickled): say why rather than die silently
        send.send(("unexpected", traceback.format_exc()))
    send.close()


# ---------------------------------------------------------------- messages


def too_large(path: Path, memory_mb: int, died: bool = False) -> str:
    far = sources.far_cells(path)
    limit = f"giới hạn bộ nhớ {formatting.number(memory_mb)} MB"
    what = f"dừng bất thường (có thể do vượt {limit})" if died else f"vượt {limit}"
    why = (f"Trang tính khai báo vùng dữ liệu tới tận ô {far}, quá xa bảng số liệu." if far else
           "Thường do bảng tính có ô nằm rất xa vùng số liệu (ví dụ ô XFD1048576) hoặc tệp bị hỏng.")
    return (f"Không đọc được tệp '{path.name}': trình đọc {what}. {why} "
            "Hãy mở tệp bằng Excel, sao chép bảng số liệu sang một tệp mới và lưu thành .xlsx.")


def too_slow(path: Path, seconds: float) -> str:
    return (f"Không đọc được tệp '{path.name}': đọc quá {formatting.number(seconds)} giây nên đã dừng. "
            "Hãy chỉ giữ trang tính cần nạp, xóa các dòng, cột trống thừa, lưu lại thành .xlsx rồi tải lên lại.")


def unexpected(path: Path) -> str:
    return (f"Không đọc được tệp '{path.name}' do lỗi không lường trước của chương trình đọc (đã ghi vào nhật ký máy chủ). "
            "Hãy mở tệp bằng Excel, lưu lại thành .xlsx rồi thử lại; nếu vẫn lỗi, gửi tệp cho bộ phận kỹ thuật.")
