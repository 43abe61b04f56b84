"""Fidelity gate: Odoo 11's own test suites on this runtime.

For every target module, a fresh demo database is created and the module is
installed with ``--test-enable``: Odoo runs the at-install tests of each module
it installs (the target *and* its dependencies), then their post-install tests,
JS tours included (``HttpCase.phantom_js`` drives Chromium, see
``soon_testing.chromium``).  The log is kept under ``.soon/fidelity/`` and
parsed: each test is attributed to the add-on it belongs to through the name
of the logger that reports it (``odoo.addons.<module>.tests.<file>``), YAML
tests (``'test'`` key of a manifest) through the ``loading <module>/<file>``
line.  The database is dropped afterwards.

    python -m soon_testing.fidelity [module ...]   # scripts/fidelity wraps it
    python -m soon_testing.fidelity --report        # table of the kept logs

The exit status is 0 only when every target module ran with 0 failures,
0 errors and no browser test skipped for want of a browser (PhantomJS or
Chromium), and its installation completed.
"""

import argparse
import ast
import datetime
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import unittest
from collections import OrderedDict

from . import paths

TARGETS = (
    "base",
    "sale",
    "sale_stock",
    "sale_management",
    "stock",
    "account",
    "payment",
    "portal",
    "website_sale",
    "website_sale_stock",
)

DB_PREFIX = "soon_fidelity_"

#: one Odoo log record: date time pid LEVEL dbname logger: message
_RECORD = re.compile(
    r"^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d+ (?P<pid>\d+) (?P<level>[A-Z_?]+) "
    r"(?P<db>\S+) (?P<logger>[\w.\-]+): (?P<msg>.*)$"
)
_TEST_LOGGER = re.compile(r"^odoo\.addons\.(?P<module>\w+)\.tests(\.|$)")
_RAN = re.compile(r"^Ran (\d+) tests? in ([\d.]+)s$")
# "OK" / "FAILED" and " (failures=1, skipped=2)" may come as two writes (Python 3.11)
_SUMMARY = re.compile(r"^(OK|FAILED)?\s*(?:\(((?:[a-z ]+=\d+(?:, )?)+)\))?$")
_OUTCOME = re.compile(r"^(FAIL|ERROR): (\S+) \(([\w.]+)\)")
_SKIP = re.compile(r"(?:^|\.\.\. )skipped (['\"])(?P<reason>.*)\1$")
_LOADING = re.compile(r"^loading (\w+)/(.+)$")
_YAML_ERROR = re.compile(r"^module (\w+): an exception occurred in a test")
_BROWSER_SKIP = re.compile(r"phantomjs|chrom(e|ium)", re.I)


def _now():
    return datetime.datetime.now().strftime("%Y-%m-%d %H:%M")


# ----------------------------------------------------------------------------
# log parsing
# ----------------------------------------------------------------------------
def _counter():
    return {"run": 0, "failures": 0, "errors": 0, "skipped": 0, "browser_skips": 0, "problems": [], "skips": []}


def _yaml_tests():
    """{module: set(test file)} from the manifests of the installed Odoo."""
    import importlib.util

    root = os.path.join(os.path.dirname(importlib.util.find_spec("odoo").origin), "addons")
    tests = {}
    for name in os.listdir(root):
        manifest = os.path.join(root, name, "__manifest__.py")
        if os.path.isfile(manifest):
            with open(manifest) as fp:
                data = ast.literal_eval(fp.read())
            if data.get("test"):
                tests[name] = set(data["test"])
    return tests


def _records(lines):
    """Yield (record dict, continuation lines) for every log record."""
    current, extra = None, []
    for line in lines:
        line = line.rstrip("\n")
        match = _RECORD.match(line)
        if match:
            if current:
                yield current, extra
            current, extra = match.groupdict(), []
        elif current:
            extra.append(line)
    if current:
        yield current, extra


def parse_log(lines, yaml_tests=None):
    """Per-module test counts of one ``--test-enable`` run.

    Returns ``{"modules": {module: counts}, "log_errors": [...],
    "installed": bool}`` where counts hold run/failures/errors/skipped/
    browser_skips and the text of every failure, error and skip.
    """
    yaml_tests = _yaml_tests() if yaml_tests is None else yaml_tests
    modules = OrderedDict()
    log_errors = []
    running = None  # test module (python) currently running
    yaml_running = {}  # module -> YAML test file being loaded
    last_problem = None  # problem dict receiving the traceback of a FAIL/ERROR
    finished = False

    def counts(module):
        return modules.setdefault(module, _counter())

    for record, extra in _records(lines):
        logger, msg, level = record["logger"], record["msg"], record["level"]
        test = _TEST_LOGGER.match(logger)
        if test:
            module = test.group("module")
            item = counts(module)
            running = logger
            ran = _RAN.match(msg)
            outcome = _OUTCOME.match(msg)
            summary = _SUMMARY.match(msg)
            skip = _SKIP.search(msg)
            if ran:
                item["run"] += int(ran.group(1))
            elif summary and msg.strip():
                running = None
                for part in (summary.group(2) or "").split(", "):
                    key, _, value = part.partition("=")
                    if key in ("failures", "errors", "skipped"):
                        item[key] += int(value)
                    elif key == "unexpected successes":
                        item["failures"] += int(value)
            elif outcome:
                name, where = outcome.group(2), outcome.group(3)
                if not where.endswith("." + name):  # Python < 3.11: (module.Class)
                    where = "%s.%s" % (where, name)
                last_problem = {"kind": outcome.group(1), "test": where, "text": []}
                item["problems"].append(last_problem)
            elif skip:
                reason = skip.group("reason")
                item["skips"].append(reason)
                if _BROWSER_SKIP.search(reason):
                    item["browser_skips"] += 1
            elif msg.startswith("` ") and last_problem is not None and level == "ERROR":
                last_problem["text"].append(msg[2:])
            continue
        if logger == "odoo.modules.loading":
            loading = _LOADING.match(msg)
            if loading:
                module, filename = loading.groups()
                if filename in yaml_tests.get(module, ()):
                    yaml_running[module] = filename
                    counts(module)["run"] += 1
            continue
        if logger == "odoo.tests" and _YAML_ERROR.match(msg):
            module = _YAML_ERROR.match(msg).group(1)
            item = counts(module)
            item["errors"] += 1
            item["problems"].append(
                {"kind": "ERROR", "test": "%s (YAML)" % yaml_running.get(module, "?"), "text": extra[-30:]}
            )
            continue
        if logger == "odoo.modules.module" and msg.startswith("Module ") and "failures" in msg:
            continue  # summary of failures already counted
        if logger == "odoo.service.server" and msg.startswith("All post-tested"):
            finished = True
        if level in ("ERROR", "CRITICAL"):
            module = _TEST_LOGGER.match(running).group("module") if running else None
            log_errors.append(
                {
                    "during": running or "installation",
                    "module": module,
                    "logger": logger,
                    "msg": msg,
                    "text": extra[-40:],
                }
            )
    return {"modules": modules, "log_errors": log_errors, "finished": finished}


# ----------------------------------------------------------------------------
# running
# ----------------------------------------------------------------------------
def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _drop(db, data_dir):
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    shutil.rmtree(os.path.join(data_dir, "filestore", db), ignore_errors=True)


_PROGRESS = re.compile(
    r" (odoo\.modules\.module: odoo\.addons\.\S+ running tests\.|odoo\.modules\.loading: loading \d+ modules)|"
    r" (ERROR|CRITICAL) "
)


def run_module(module, root, log_dir, keep_db=False, echo=print):
    """Install ``module`` with its tests in a fresh demo database; return the parsed run."""
    data_dir = os.path.join(root, ".soon", "data")
    db = DB_PREFIX + module
    log_path = os.path.join(log_dir, module + ".log")
    _drop(db, data_dir)
    subprocess.run(["createdb", db], check=True)
    port = _free_port()
    cmd = [
        "soon-odoo",
        "-d",
        db,
        "-i",
        module,
        "--test-enable",
        "--stop-after-init",
        "--log-level=test",
        "--http-port=%d" % port,
        "--http-interface=127.0.0.1",
        "--data-dir=" + data_dir,
    ]
    start = time.time()
    started = _now()
    echo("[fidelity] %s: %s" % (module, " ".join(cmd)))
    try:
        with open(log_path, "w") as log:
            # Odoo 11 alone: the project's add-ons (work in progress) stay off the
            # addons path, Odoo's HTTP layer would import them
            env = dict(os.environ, SOON_PROJECT_ADDONS="0")
            proc = subprocess.Popen(
                cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=root, text=True, errors="replace", env=env
            )
            for line in proc.stdout:
                log.write(line)
                if _PROGRESS.search(line):
                    echo("[fidelity]   " + line.rstrip()[:220])
            returncode = proc.wait()
    finally:
        if not keep_db:
            _drop(db, data_dir)
    duration = time.time() - start
    meta = {
        "module": module,
        "started": started,
        "seconds": round(duration),
        "returncode": returncode,
        "command": " ".join(cmd),
    }
    with open(os.path.join(log_dir, module + ".json"), "w") as fp:
        json.dump(meta, fp, indent=1)
    echo("[fidelity] %s: done in %dm%02ds (exit %s)" % (module, duration // 60, duration % 60, returncode))
    return meta


def load_run(module, log_dir, yaml_tests=None):
    """Parsed results of the kept log of ``module`` (None if it never ran)."""
    log_path = os.path.join(log_dir, module + ".log")
    if not os.path.exists(log_path):
        return None
    with open(log_path, errors="replace") as fp:
        result = parse_log(fp, yaml_tests)
    meta_path = os.path.join(log_dir, module + ".json")
    meta = {}
    if os.path.exists(meta_path):
        with open(meta_path) as fp:
            meta = json.load(fp)
    result.update(meta)
    return result


def rerun(db, selectors, root):
    """Run some of Odoo 11's tests again in an existing database (the gate's
    development loop): at-install and post-install tests alike, with the HTTP
    server up for tours.  ``selectors``: ``web`` (every test of an add-on),
    ``web.test_js`` (one file) or ``web.test_js.WebSuite.test_01_js``."""
    import odoo
    from odoo.tools import config

    port = _free_port()
    config.parse_config(
        [
            "-d",
            db,
            "--http-port=%d" % port,
            "--http-interface=127.0.0.1",
            "--data-dir=" + os.path.join(root, ".soon", "data"),
            "--log-level=test",
            "--test-enable",
        ]
    )
    import odoo.service.server
    import odoo.service.wsgi_server
    import odoo.tests.common  # noqa: F401  (reads the HTTP port of the configuration)

    server = odoo.service.server.ThreadedServer(odoo.service.wsgi_server.application)
    server.http_spawn()
    odoo.service.server.server = server
    odoo.registry(db)
    ok = True
    for selector in selectors:
        module, _, rest = selector.partition(".")
        prefix = "odoo.addons.%s.tests%s" % (module, "." + rest if rest else "")

        def position(test, prefix=prefix):
            tests = [test] if isinstance(test, unittest.TestCase) else list(test)
            return any(t.id() == prefix or t.id().startswith(prefix + ".") for t in tests)

        with odoo.api.Environment.manage():
            ok &= odoo.modules.module.run_unit_tests(module, db, position=position)
    return 0 if ok else 1


# ----------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------
_COLUMNS = ("run", "failures", "errors", "skipped", "browser_skips")


def _table(rows, first_header):
    headers = (first_header, "run", "failures", "errors", "skipped", "browser skips")
    body = [[name] + [str(counts[c]) for c in _COLUMNS] for name, counts in rows]
    widths = [max(len(r[i]) for r in [list(headers)] + body) for i in range(len(headers))]

    def line(cells):
        return (
            "| "
            + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
            + " |"
        )

    out = [
        line(headers),
        "|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|",
    ]
    out += [line(r) for r in body]
    return "\n".join(out)


_EXCEPTION_LINE = re.compile(r"^\s*([\w.]+\.)?\w*(Error|Exception|Failure|Timeout)\b")


def _verdict(lines):
    """The line of a traceback that says what went wrong (the last exception line)."""
    qunit = next(
        (line.split("previous console line:")[-1].strip() for line in lines if "QUnit test failed" in line), None
    )
    for line in reversed(lines):
        if _EXCEPTION_LINE.match(line):
            return line.strip() + (" (first: %s)" % qunit if qunit else "")
    return next((line.strip() for line in reversed(lines) if line.strip()), "")


def report(runs, targets):
    """Markdown tables: target modules, then every other module whose tests ran."""
    out = []
    target_rows, other_rows, problems, notes = [], [], [], []
    ok = True
    total = _counter()
    for module in targets:
        run = runs.get(module)
        if run is None:
            notes.append("- %s: not run" % module)
            ok = False
            continue
        counts = run["modules"].get(module, _counter())
        target_rows.append((module, counts))
        for key in _COLUMNS:
            total[key] += counts[key]
        bad = counts["failures"] or counts["errors"] or counts["browser_skips"]
        # Odoo's exit status is 1 as soon as any test of any installed module
        # failed (dependencies included): the gate judges the target's own tests
        if bad or not run["finished"]:
            ok = False
        if not run["finished"]:
            notes.append(
                "- %s: the run did not complete (exit %s): see .soon/fidelity/%s.log"
                % (module, run.get("returncode"), module)
            )
        notes.append(
            "- `-i %s`: %s, %dm%02ds, exit %s"
            % (
                module,
                run.get("started", "?"),
                run.get("seconds", 0) // 60,
                run.get("seconds", 0) % 60,
                run.get("returncode", "?"),
            )
        )
        for other, ocounts in run["modules"].items():
            if other != module:
                other_rows.append(("%s (in -i %s)" % (other, module), ocounts))
        for item in run["modules"].values():
            for problem in item["problems"]:
                problems.append(
                    "- [-i %s] %s %s: %s" % (module, problem["kind"], problem["test"], _verdict(problem["text"])[:300])
                )
    target_rows.append(("total", total))
    out.append(_table(target_rows, "module"))
    if other_rows:
        out.append("\nTests of the other modules installed with them (dependencies):\n")
        out.append(_table(other_rows, "module (run)"))
    if problems:
        out.append("\nFailures and errors:\n")
        out.extend(problems)
    skips = OrderedDict()
    for module in targets:
        for name, item in ((runs.get(module) or {}).get("modules") or {}).items():
            for reason in item["skips"]:
                skips.setdefault((name, reason), set()).add(module)
    if skips:
        out.append("\nSkipped tests (reason, and the runs where they were skipped):\n")
        out.extend(
            "- %s: %s (-i %s)" % (name, reason, ", ".join(sorted(where))) for (name, reason), where in skips.items()
        )
    log_errors = []
    for module in targets:
        for error in (runs.get(module) or {}).get("log_errors", ()):
            log_errors.append(
                "- [-i %s] during %s: %s: %s %s"
                % (module, error["during"], error["logger"], error["msg"][:200], _verdict(error["text"])[:200])
            )
    if log_errors:
        out.append("\nERROR records in the logs outside test results (not counted above):\n")
        out.extend(log_errors)
    out.append("\nRuns:\n")
    out.extend(notes)
    return "\n".join(out), ok


def main(argv=None):
    parser = argparse.ArgumentParser(prog="scripts/fidelity", description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="subset of the target modules (default: all %d)" % len(TARGETS))
    parser.add_argument("--report", action="store_true", help="only print the table of the kept logs")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the databases afterwards")
    parser.add_argument("--log-dir", default=None, help="default: <repo>/.soon/fidelity")
    parser.add_argument(
        "--rerun",
        metavar="DB",
        help="run the tests named as modules (web, web.test_js, "
        "web.test_js.WebSuite.test_01_js) again in the existing database DB",
    )
    args = parser.parse_args(argv)
    root = paths.project_root() or os.getcwd()
    if args.rerun:
        os.environ["SOON_PROJECT_ADDONS"] = "0"
        return rerun(args.rerun, args.modules, root)
    log_dir = args.log_dir or os.path.join(root, ".soon", "fidelity")
    os.makedirs(log_dir, exist_ok=True)
    modules = args.modules or list(TARGETS)
    if not args.report:
        import fcntl

        lock = open(os.path.join(log_dir, "lock"), "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("[fidelity] another gate run holds %s/lock: waiting" % log_dir, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)
        for module in modules:
            run_module(module, root, log_dir, keep_db=args.keep_db, echo=lambda text: print(text, flush=True))
    yaml_tests = _yaml_tests()
    runs = {m: load_run(m, log_dir, yaml_tests) for m in modules}
    text, ok = report(runs, modules)
    if set(modules) == set(TARGETS) or args.report:
        with open(os.path.join(log_dir, "table.md"), "w") as fp:
            fp.write("Fidelity gate, %s\n\n%s\n" % (_now(), text))
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
