"""deploy/: the systemd units and the nginx site, checked by the tools that will read them.

`systemd-analyze verify` runs on a throwaway root (--root=tmp): the host's own unit directory
copied in (sysinit.target, timers.target…), our units in its /etc/systemd/system, and an
executable stub at every program the units start (/srv/cds/.venv/bin/python does not exist on
this machine; verify checks that each one is executable under the root). verify exits 0 on a
misspelt key (it only warns), so any output at all fails. `nginx -t` reads a temporary
nginx.conf that includes the site, with its own prefix, pid, error log and temp paths.
Neither starts anything: whether the app runs inside the sandbox is only seen on a real server
(README.md, "Trên máy chủ nội bộ").
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = sorted(p.name for p in DEPLOY.iterdir() if p.suffix in (".service", ".timer"))
SERVICE_USER_UNITS = ["cds-app.service", "cds-load-dir.service", "cds-backup.service"]
PYTHON = "/srv/cds/.venv/bin/python"
SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])  # nginx is in /usr/sbin


def tool(name: str) -> str:
    path = shutil.which(name, path=SEARCH_PATH)
    if path is None:
        pytest.skip(f"{name} is not installed (make test installs it: scripts/install-test-tools.sh)")
    return path


# ---------------------------------------------------------------- systemd


def parse_unit(text: str) -> dict[str, list[tuple[str, str]]]:
    """Section → [(key, value)], repeated keys kept (Environment=, ReadWritePaths=)."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
            continue
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def unit(name: str) -> dict[str, list[tuple[str, str]]]:
    return parse_unit((DEPLOY / name).read_text(encoding="utf-8"))


def values(name: str, key: str, section: str = "Service") -> list[str]:
    return [v for k, v in unit(name).get(section, []) if k == key]


def one(name: str, key: str, section: str = "Service") -> str:
    found = values(name, key, section)
    assert len(found) == 1, f"{name}: [{section}] {key}= {found}"
    return found[0]


def programs(text: str) -> set[str]:
    """Every program path in the Exec*= lines, inside `sh -c '…'` too."""
    found = set()
    for section in parse_unit(text).values():
        for key, value in section:
            if key.startswith("Exec"):
                found |= set(re.findall(r"(?:^|[\s'\"@+!:-])(/(?:[\w.-]+/)*s?bin/[\w.+-]+)", value))
    return found


def systemd_root(base: Path, units: dict[str, str]) -> Path:
    """A filesystem root for `systemd-analyze --root`: the host's units, ours, stub programs."""
    host = next(p for p in (Path("/usr/lib/systemd/system"), Path("/lib/systemd/system")) if p.is_dir())
    shutil.copytree(host, base / "usr/lib/systemd/system", symlinks=True)
    etc = base / "etc/systemd/system"
    etc.mkdir(parents=True)
    for name, text in units.items():
        (etc / name).write_text(text, encoding="utf-8")
        for program in programs(text):
            stub = base / program.lstrip("/")
            stub.parent.mkdir(parents=True, exist_ok=True)
            stub.write_text("#!/bin/sh\nexit 0\n")
            stub.chmod(0o755)
    return base


def verify(root: Path) -> subprocess.CompletedProcess:
    analyze = tool("systemd-analyze")
    files = sorted(str(p) for p in (root / "etc/systemd/system").iterdir())
    return subprocess.run([analyze, "verify", "--man=no", f"--root={root}", *files],
                          capture_output=True, text=True, timeout=60)


def our_units() -> dict[str, str]:
    return {name: (DEPLOY / name).read_text(encoding="utf-8") for name in UNITS}


def test_units_verify(tmp_path):
    result = verify(systemd_root(tmp_path, our_units()))
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, output
    assert not output, output    # warnings included: an unknown key or a bad value is only a warning


@pytest.mark.parametrize(("name", "good", "bad"), [
    ("cds-app.service", "MemoryMax=4G", "MemroyMax=4G"),                  # misspelt key: verify only warns
    ("cds-load-dir.timer", "OnCalendar=*:0/10", "OnCalendar=every 10 min"),
    ("cds-backup.service", "Type=oneshot", "Type=oneshoot"),
])
def test_verify_reports_a_broken_unit(tmp_path, name, good, bad):
    """The check above would catch a mistake (it is not passing because verify says nothing)."""
    units = our_units()
    assert good in units[name]
    units[name] = units[name].replace(good, bad)
    result = verify(systemd_root(tmp_path, units))
    assert name in result.stdout + result.stderr


def test_verify_reports_a_missing_program(tmp_path):
    root = systemd_root(tmp_path, our_units())
    (root / PYTHON.lstrip("/")).unlink()
    result = verify(root)
    assert result.returncode != 0 and f"Command {PYTHON} is not executable" in result.stderr


def test_programs_are_where_debian_has_them():
    """Outside the venv, each program path is the one this (Debian) machine has, when it has it."""
    for name in UNITS:
        for program in programs((DEPLOY / name).read_text(encoding="utf-8")):
            if program.startswith("/srv/cds/"):
                assert program == PYTHON, (name, program)
                continue
            here = shutil.which(Path(program).name, path=SEARCH_PATH)
            if here:
                assert os.path.realpath(here) == os.path.realpath(program), (name, program, here)


def test_every_timer_starts_its_service():
    timers = [n for n in UNITS if n.endswith(".timer")]
    assert sorted(timers) == ["cds-backup.timer", "cds-health.timer", "cds-load-dir.timer"]
    for name in timers:
        assert name.replace(".timer", ".service") in UNITS
        assert values(name, "WantedBy", "Install") == ["timers.target"]
        assert one(name.replace(".timer", ".service"), "Type") == "oneshot"
    assert one("cds-load-dir.timer", "OnCalendar", "Timer") == "*:0/10"
    assert one("cds-health.timer", "OnUnitActiveSec", "Timer") == "1min"
    assert re.fullmatch(r"\*-\*-\* 0?\d:\d\d:00", one("cds-backup.timer", "OnCalendar", "Timer"))


@pytest.mark.parametrize("name", SERVICE_USER_UNITS)
def test_service_runs_as_cds_in_a_sandbox(name):
    expected = {
        "User": "cds", "Group": "cds", "WorkingDirectory": "/srv/cds",
        "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes", "NoNewPrivileges": "yes",
        "UMask": "0077", "StateDirectory": "cds", "StateDirectoryMode": "0700",
    }
    for key, value in expected.items():
        assert one(name, key) == value, (name, key)
    environment = values(name, "Environment")
    assert "GX_ANALYTICS_ENABLED=False" in environment
    assert "WAREHOUSE_DB=/var/lib/cds/warehouse.duckdb" in environment
    writable = " ".join(values(name, "ReadWritePaths")).split()
    assert "/var/lib/cds" in writable
    assert set(writable) <= {"/var/lib/cds", "/var/backups/cds"}


def test_commands():
    assert one("cds-app.service", "ExecStart") == (
        f"{PYTHON} -m streamlit run app.py --server.headless true --server.address 127.0.0.1"
        " --server.port 8501 --browser.gatherUsageStats false")
    assert one("cds-app.service", "Restart") == "on-failure"
    assert one("cds-app.service", "WantedBy", "Install") == "multi-user.target"
    assert one("cds-load-dir.service", "ExecStart") == f"{PYTHON} -m warehouse --user cron load-dir /var/lib/cds/nhan"
    assert one("cds-backup.service", "ExecStart") == f"{PYTHON} -m warehouse backup /var/backups/cds --keep 14"
    assert one("cds-backup.service", "ReadWritePaths").split() == ["/var/lib/cds", "/var/backups/cds"]
    health = one("cds-health.service", "ExecStart")
    assert "curl -fsS" in health and "--max-time 10" in health
    assert "http://127.0.0.1:8501/_stcore/health" in health
    assert "systemctl restart --no-block cds-app.service" in health


def size_bytes(text: str) -> int:
    number, unit_ = re.fullmatch(r"(\d+)([KMGT]?)", text).groups()
    return int(number) * 1024 ** " KMGT".index(unit_ or " ")


def test_memory_cap_leaves_room_for_the_reading_child():
    """Server (≤ 1 GB with 20 sessions) + a file read in a child limited to 2 GB must fit under the cap,
    and the child's death must not stop the server."""
    assert size_bytes(one("cds-app.service", "MemoryMax")) >= 3 * 1024**3
    assert one("cds-app.service", "OOMPolicy") == "continue"
    assert size_bytes(one("cds-load-dir.service", "MemoryMax")) > 2 * 1024**3


@pytest.mark.parametrize("name", SERVICE_USER_UNITS)
def test_security_exposure_stays_low(tmp_path, name):
    """`systemd-analyze security` (0 best … 10 worst) keeps the app and its jobs at "OK"."""
    analyze = tool("systemd-analyze")
    root = systemd_root(tmp_path, our_units())
    result = subprocess.run([analyze, "security", "--offline=yes", f"--root={root}", name],
                            capture_output=True, text=True, timeout=60)
    match = re.search(rf"Overall exposure level for {re.escape(name)}: (\d+\.\d)", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) <= 2.5, result.stdout


def test_install_script():
    script = DEPLOY / "install.sh"
    assert os.access(script, os.X_OK)
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text(encoding="utf-8")
    for name in ["cds-app.service", "cds-health.timer", "cds-load-dir.timer", "cds-backup.timer"]:
        assert name in text
    assert "/var/backups/cds" in text  # ReadWritePaths= of cds-backup needs it to exist


# ---------------------------------------------------------------- nginx

SITE = DEPLOY / "nginx-cds.conf"


def nginx_test(tmp_path: Path, site: str) -> subprocess.CompletedProcess:
    """`nginx -t` on a nginx.conf that includes the site; everything it opens is under tmp_path."""
    nginx = tool("nginx")
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    temp = "\n".join(f"    {kind}_temp_path {tmp_path}/{kind};" for kind in
                     ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    access_log off;
{temp}
    include {tmp_path}/site.conf;
}}
""", encoding="utf-8")
    return subprocess.run([nginx, "-t", "-p", f"{tmp_path}/", "-e", f"{tmp_path}/error.log", "-c", str(conf)],
                          capture_output=True, text=True, timeout=60)


def assert_nginx_ok(result: subprocess.CompletedProcess) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "syntax is ok" in output, output
    assert "[warn]" not in output and "[emerg]" not in output, output


def test_nginx_site(tmp_path):
    assert_nginx_ok(nginx_test(tmp_path, SITE.read_text(encoding="utf-8")))


def test_nginx_reports_a_broken_site(tmp_path):
    site = SITE.read_text(encoding="utf-8").replace("proxy_http_version 1.1;", "proxy_http_version;")
    result = nginx_test(tmp_path, site)
    assert result.returncode != 0 and "[emerg]" in result.stderr


def test_nginx_site_with_tls(tmp_path):
    """The commented TLS lines are valid once uncommented (with a throwaway self-signed certificate)."""
    openssl = tool("openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=cds.example.internal", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    app, marker, redirect = SITE.read_text(encoding="utf-8").partition("# With TLS: send plain HTTP to HTTPS.")
    assert marker, "the commented redirect server is missing"
    app = re.sub(r"^\s*listen (\[::\]:)?80;\n", "", app, flags=re.M)      # the app's server: HTTPS only
    app = re.sub(r"^(\s*)# (listen|ssl_|add_header)", r"\1\2", app, flags=re.M)
    redirect = re.sub(r"^# ?", "", redirect, flags=re.M)
    site = app + redirect
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    assert "listen 443 ssl;" in site and "return 301 https://" in site
    assert_nginx_ok(nginx_test(tmp_path, site))


def directive(name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]+);", SITE.read_text(encoding="utf-8"), flags=re.M)


def test_nginx_proxies_the_app_with_websockets():
    assert directive("proxy_pass") == ["http://127.0.0.1:8501"]
    assert directive("proxy_http_version") == ["1.1"]
    assert directive("server_name") == ["cds.example.internal"]
    headers = dict(h.split(None, 1) for h in directive("proxy_set_header"))
    assert headers["Upgrade"] == "$http_upgrade" and headers["Connection"].startswith("$")
    timeout = directive("proxy_read_timeout")[0]
    assert timeout.endswith(("d", "h")) or int(timeout.rstrip("s")) >= 3600


def test_nginx_body_limit_above_the_upload_limit():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    upload_mb = config["server"]["maxUploadSize"]
    body_mb = int(directive("client_max_body_size")[0].rstrip("mM"))
    assert upload_mb < body_mb <= upload_mb + 10
