"""Load test: N simulated staff against gunicorn and PostgreSQL, mixed reads and writes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/maatpact_load \\
        .venv/bin/python bench/load.py --users 200 --duration 60 --households 100000

Prepares the database (migrate; seed when empty), starts gunicorn on loopback, logs
every simulated user in (coordinators of all municipalities, a team lead per
municipality), then runs the mix for a fixed time and prints throughput, p50/p95/p99
per kind of request and the errors. Traffic goes to 127.0.0.1 only; the run is
bounded in time and stops gunicorn (the process it started) at the end.

Mix per user and iteration: worklist 45 %, household page 30 %, API list 10 %,
legal basis recorded (write) 10 %, intake of a new household (write) 5 %.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "demo-maatpact"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOUSEHOLD_LINK = re.compile(r'href="/huishoudens/(MP-\d+)/"')
MIX = [("worklist", 45), ("household", 30), ("api_list", 10), ("add_basis", 10), ("intake", 5)]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, ok: bool, note: str = "") -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if not ok:
                self.errors[kind] += 1
                if len(self.examples) < 10:
                    self.examples.append(f"{kind}: {note}")


class Session:
    """One user's keep-alive connection with cookies (no external HTTP library needed)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str, dict]:
        headers = {"Host": f"127.0.0.1:{self.port}", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection closed by the server: reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, dict(response.getheaders())

    def csrf(self, path: str) -> tuple[str, str]:
        status, text, _ = self.request("GET", path)
        match = CSRF_INPUT.search(text)
        if status != 200 or not match:
            raise RuntimeError(f"geen formulier op {path} ({status})")
        return match.group(1), text


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "-m", "maatpact", *args], env=env, check=True, cwd=ROOT)


def prepare(env: dict, households: int) -> None:
    manage("migrate", "--noinput", "-v0", env=env)
    manage("seed", "--households", str(households), "--if-empty", "--no-progress", env=env)


def logins(env: dict, users: int) -> list[str]:
    code = (
        "import django; django.setup();"
        "from maatpact.accounts.models import User;"
        "print('\\n'.join(User.objects.filter(role__in=['regisseur','teamleider'])"
        ".order_by('role','username').values_list('username', flat=True)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    names = out.stdout.split()
    coordinators = [n for n in names if n.startswith("regisseur.")]
    leads = [n for n in names if n.startswith("teamleider.")]
    pool = leads[: max(1, users // 10)] + coordinators
    return [pool[i % len(pool)] for i in range(users)]


def start_gunicorn(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    cmd = [
        str(Path(sys.executable).with_name("gunicorn")),
        "maatpact.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/inloggen/")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("gunicorn startte niet binnen 60 s")


class User(threading.Thread):
    def __init__(self, username, port, stats, stop, start_barrier, seed):
        super().__init__(daemon=True)
        self.username, self.port, self.stats, self.stop = username, port, stats, stop
        self.barrier = start_barrier
        self.rng = random.Random(seed)
        self.numbers: list[str] = []
        self.municipality_id = ""
        self.login_error = ""

    def login(self) -> None:
        s = self.session = Session(self.port)
        token, _ = s.csrf("/inloggen/")
        status, _, headers = s.request(
            "POST",
            "/inloggen/",
            {"csrfmiddlewaretoken": token, "username": self.username, "password": PASSWORD},
        )
        if status != 302:
            raise RuntimeError(f"inloggen {self.username}: {status}")
        target = "/mijn-huishoudens/" if self.username.startswith("regisseur") else "/gemeente/"
        _, text, _ = s.request("GET", target)
        self.numbers = HOUSEHOLD_LINK.findall(text)
        _, text, _ = s.request("GET", "/huishoudens/nieuw/")
        match = re.search(r'<option value="(\d+)" selected>', text)
        self.municipality_id = match.group(1) if match else ""

    def run(self) -> None:
        try:
            self.login()
        except Exception as exc:  # noqa: BLE001 - reported in the summary
            self.login_error = str(exc)
        self.barrier.wait()
        if self.login_error:
            return
        kinds = [k for k, _ in MIX]
        weights = [w for _, w in MIX]
        while not self.stop.is_set():
            kind = self.rng.choices(kinds, weights)[0]
            started = time.perf_counter()
            try:
                ok, note = getattr(self, f"do_{kind}")()
            except Exception as exc:  # noqa: BLE001 - counted as an error
                ok, note = False, f"{type(exc).__name__}: {exc}"
            self.stats.add(kind, time.perf_counter() - started, ok, note)

    def _is_coordinator(self) -> bool:
        return self.username.startswith("regisseur")

    def do_worklist(self):
        path = "/mijn-huishoudens/" if self._is_coordinator() else "/gemeente/"
        status, _, _ = self.session.request("GET", path)
        return status == 200, f"{path} {status}"

    def do_household(self):
        if not self.numbers:
            return self.do_worklist()
        number = self.rng.choice(self.numbers)
        status, _, _ = self.session.request("GET", f"/huishoudens/{number}/")
        return status == 200, f"huishouden {status}"

    def do_api_list(self):
        status, _, _ = self.session.request("GET", "/api/v1/households/")
        return status == 200, f"api {status}"

    def do_add_basis(self):
        if not self.numbers:
            return self.do_worklist()
        number = self.rng.choice(self.numbers)
        path = f"/huishoudens/{number}/grondslagen/nieuw/"
        token, text = self.session.csrf(path)
        partner = re.search(
            r'name="partner"[^>]*>\s*<option value=""[^>]*>[^<]*</option>\s*'
            r'<option value="(\d+)"',
            text,
        )
        status, _, _ = self.session.request(
            "POST",
            path,
            {
                "csrfmiddlewaretoken": token,
                "partner": partner.group(1) if partner else "1",
                "kind": "delen",
                "purpose": "Afstemming ondersteuning (belastingtest)",
                "basis": "wettelijke_taak",
                "law": "Wmo 2015",
                "given_on": time.strftime("%Y-%m-%d"),
            },
        )
        return status == 302, f"grondslag {status}"

    def do_intake(self):
        token, _ = self.session.csrf("/huishoudens/nieuw/")
        n = self.rng.randrange(1, 999)
        data = {
            "csrfmiddlewaretoken": token,
            "municipality": self.municipality_id,
            "street": "Belastingtestlaan",
            "house_number": str(n),
            "postcode": "5038 AB",
            "city": "Tilburg",
            "coordinator": "",
            "lid-TOTAL_FORMS": "1",
            "lid-INITIAL_FORMS": "0",
            "lid-MIN_NUM_FORMS": "1",
            "lid-MAX_NUM_FORMS": "20",
            "lid-0-first_name": "Fictief",
            "lid-0-last_name": f"Last{n}",
            "lid-0-date_of_birth": "1980-05-05",
            "lid-0-role": "aanvrager",
            "lid-0-bsn": "",
        }
        if not self._is_coordinator():
            # A team lead picks a coordinator: the first one offered.
            _, text, _ = self.session.request("GET", "/huishoudens/nieuw/")
            found = re.search(
                r'name="coordinator"[^>]*>\s*<option value=""[^>]*>[^<]*</option>\s*'
                r'<option value="(\d+)"',
                text,
            )
            data["coordinator"] = found.group(1) if found else ""
        status, _, headers = self.session.request("POST", "/huishoudens/nieuw/", data)
        location = headers.get("Location", "")
        if status == 302 and self._is_coordinator():
            self.numbers.append(location.rstrip("/").rsplit("/", 1)[-1])
        return status == 302, f"aanmelden {status}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=int, default=60, help="seconden meten")
    parser.add_argument("--households", type=int, default=2000, help="seed bij lege database")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Zet DATABASE_URL op een PostgreSQL-database (alleen voor deze test).")
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(ROOT / "src"),
        DJANGO_SETTINGS_MODULE="maatpact.settings",
        SECRET_KEY=env.get("SECRET_KEY", "load-test-only-" + "x" * 40),
        MAATPACT_REQUIRE_2FA="0",  # simulated staff have no phones; 2FA is tested elsewhere
        SECURE_COOKIES="0",  # plain HTTP on loopback
        AXES_ENABLED="0",  # 200 logins from one address
        DEBUG="0",
        LOG_LEVEL="WARNING",
    )
    env.pop("MAATPACT_DEMO", None)
    print(f"== database voorbereiden ({args.households} huishoudens bij een lege database)")
    prepare(env, args.households)
    names = logins(env, args.users)
    print(f"== gunicorn: {args.workers} workers x {args.threads} threads op 127.0.0.1:{args.port}")
    server = start_gunicorn(env, args.port, args.workers, args.threads)
    stats = Stats()
    stop = threading.Event()
    try:
        barrier = threading.Barrier(args.users + 1)
        users = [
            User(name, args.port, stats, stop, barrier, seed=i) for i, name in enumerate(names)
        ]
        print(f"== {args.users} gebruikers inloggen")
        for user in users:
            user.start()
        barrier.wait(timeout=600)
        failed_logins = [u.login_error for u in users if u.login_error]
        print(f"== meten: {args.duration} s")
        started = time.monotonic()
        time.sleep(args.duration)
        stop.set()
        for user in users:
            user.join(timeout=120)
        elapsed = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    total = sum(len(v) for v in stats.latencies.values())
    errors = sum(stats.errors.values()) + len(failed_logins)
    print()
    print(f"gebruikers {args.users}, duur {elapsed:.1f} s, verzoeken {total}")
    print(f"doorvoer   {total / elapsed:.1f} verzoeken/s")
    print(f"{'soort':<12}{'aantal':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'fouten':>8}")
    everything: list[float] = []
    for kind, _ in MIX:
        values = stats.latencies.get(kind, [])
        everything += values
        if not values:
            continue
        print(
            f"{kind:<12}{len(values):>8}{percentile(values, 50) * 1000:>10.1f}"
            f"{percentile(values, 95) * 1000:>10.1f}{percentile(values, 99) * 1000:>10.1f}"
            f"{stats.errors.get(kind, 0):>8}"
        )
    if everything:
        print(
            f"{'totaal':<12}{len(everything):>8}{percentile(everything, 50) * 1000:>10.1f}"
            f"{percentile(everything, 95) * 1000:>10.1f}{percentile(everything, 99) * 1000:>10.1f}"
            f"{errors:>8}"
        )
        print(f"gemiddeld   {statistics.fmean(everything) * 1000:.1f} ms")
    print(f"fouten     {errors} (mislukte logins: {len(failed_logins)})")
    for example in (failed_logins[:5] + stats.examples)[:10]:
        print(f"  - {example}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
