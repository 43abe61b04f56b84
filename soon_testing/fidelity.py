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

``--with-soon`` measures the same suites on a shop's database: the SoOn
add-ons (every module of ``scripts/modules.txt``) and their demo data are
installed first, without tests, into a template database; for every target
module a copy of it is made and the module is updated with
``-u <module> --test-enable``.  An update runs a module's tests as an install
does (at-install tests while the module loads, post-install tests once the
registry is complete), but it also updates every installed module that depends
on the target (the SoOn add-ons among them): only the target's own tests run
(``--odoo-tests-of``, see ``restrict_tests``), the ones the plain gate counts
for it.  Logs go to ``.soon/fidelity/with-soon/``; the report compares both.

    python -m soon_testing.fidelity --with-soon [module ...]

The exit status is 0 only when every target module ran with 0 failures,
0 errors and no browser test skipped for want of a browser (PhantomJS or
Chromium), and its installation completed.
"""

import argparse
import ast
import datetime
import functools
import hashlib
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
    "delivery",
)

#: Odoo's suites that must stay green with the SoOn add-ons installed (issue 11),
#: the checkout first (the known failure)
SOON_TARGETS = (
    "website_sale",
    "website_sale_stock",
    "sale",
    "sale_stock",
    "stock",
    "account",
    "payment",
    "portal",
    "delivery",
)

DB_PREFIX = "soon_fidelity_"
SOON_TEMPLATE = DB_PREFIX + "soon_template"
SOON_LOG_DIR = "with-soon"

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


def soon_modules(root):
    """The modules of the demo shop (``scripts/modules.txt``, one a line), read
    at run time: the list grows with the project."""
    with open(os.path.join(root, "scripts", "modules.txt")) as fp:
        lines = (line.split("#")[0].strip() for line in fp)
        return [line for line in lines if line]


def _soon_stamp(root, modules):
    """Fingerprint of what the template database holds: the module list and
    every non-test file of the project's add-ons among them."""
    digest = hashlib.sha1("\n".join(modules).encode())
    for name in modules:
        folder = os.path.join(root, name)
        if not os.path.isfile(os.path.join(folder, "__manifest__.py")):
            continue  # one of Odoo's
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if d not in ("tests", "__pycache__"))
            for filename in sorted(f for f in filenames if not f.endswith(".pyc")):
                path = os.path.join(dirpath, filename)
                digest.update(os.path.relpath(path, root).encode())
                with open(path, "rb") as fp:
                    digest.update(fp.read())
    return digest.hexdigest()[:12]


def _db_exists(db):
    out = subprocess.run(
        ["psql", "-Atqc", "select 1 from pg_database where datname = %s" % _sql_literal(db), "postgres"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.strip() == "1"


def _sql_literal(text):
    return "'%s'" % text.replace("'", "''")


def _copy_db(template, db, data_dir):
    _drop(db, data_dir)
    subprocess.run(["createdb", "-T", template, db], check=True)
    filestore = os.path.join(data_dir, "filestore")
    if os.path.isdir(os.path.join(filestore, template)):
        shutil.copytree(os.path.join(filestore, template), os.path.join(filestore, db), symlinks=True)


def soon_template(root, log_dir, echo=print):
    """The database with the SoOn add-ons and their demo data (no tests run),
    built unless a kept one holds the same modules and add-on files."""
    data_dir = os.path.join(root, ".soon", "data")
    modules = soon_modules(root)
    stamp = _soon_stamp(root, modules)
    stamp_path = os.path.join(log_dir, "template.stamp")
    have = open(stamp_path).read().strip() if os.path.exists(stamp_path) else None
    if have == stamp and _db_exists(SOON_TEMPLATE):
        echo("[fidelity] reusing %s (%s)" % (SOON_TEMPLATE, stamp))
        return SOON_TEMPLATE
    _drop(SOON_TEMPLATE, data_dir)
    subprocess.run(["createdb", SOON_TEMPLATE], check=True)
    # what scripts/shop installs: the shop's modules, demo data, both languages
    cmd = [
        "soon-odoo",
        "-d",
        SOON_TEMPLATE,
        "-i",
        ",".join(modules),
        "--load-language=en_US,vi_VN",
        "--stop-after-init",
        "--log-level=warn",
        "--data-dir=" + data_dir,
        "--http-port=%d" % _free_port(),
        "--http-interface=127.0.0.1",
    ]
    echo("[fidelity] building %s: %s" % (SOON_TEMPLATE, " ".join(cmd)))
    start = time.time()
    with open(os.path.join(log_dir, "template.log"), "w") as log:
        returncode = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=root).returncode
    if returncode:
        raise SystemExit("[fidelity] installing the SoOn modules failed: see %s/template.log" % log_dir)
    with open(stamp_path, "w") as fp:
        fp.write(stamp + "\n")
    echo("[fidelity] %s built in %dm%02ds" % (SOON_TEMPLATE, (time.time() - start) // 60, (time.time() - start) % 60))
    return SOON_TEMPLATE


def odoo_command(module, db, port, data_dir, with_soon=False, full_registry=False):
    """The command line of one target's run: ``-i`` in an empty database (the
    plain gate), ``-u`` of the installed module, its tests only (``--with-soon``,
    at-install tests after the install with ``full_registry``)."""
    if with_soon:
        head = [sys.executable, "-m", "soon_testing.fidelity", "--odoo-tests-of=" + module]
        head += ["--full-registry"] if full_registry else []
        head += ["-u", module]
    else:
        head = ["soon-odoo", "-i", module]
    return head + [
        "-d",
        db,
        "--test-enable",
        "--stop-after-init",
        "--log-level=test",
        "--http-port=%d" % port,
        "--http-interface=127.0.0.1",
        "--data-dir=" + data_dir,
    ]


def run_module(module, root, log_dir, keep_db=False, echo=print, template=None, full_registry=False):
    """Run the tests of ``module`` in a fresh demo database (``-i``), or in a copy
    of ``template`` (``-u``, the SoOn add-ons installed); return the run's facts."""
    data_dir = os.path.join(root, ".soon", "data")
    db = DB_PREFIX + ("soon_" if template else "") + module
    log_path = os.path.join(log_dir, module + ".log")
    if template:
        _copy_db(template, db, data_dir)
    else:
        _drop(db, data_dir)
        subprocess.run(["createdb", db], check=True)
    cmd = odoo_command(module, db, _free_port(), data_dir, with_soon=bool(template), full_registry=full_registry)
    start = time.time()
    started = _now()
    echo("[fidelity] %s: %s" % (module, " ".join(cmd)))
    try:
        with open(log_path, "w") as log:
            env = dict(os.environ)
            if not template:
                # Odoo 11 alone: the project's add-ons (work in progress) stay off the
                # addons path, Odoo's HTTP layer would import them
                env["SOON_PROJECT_ADDONS"] = "0"
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
    if template:
        meta["template_modules"] = soon_modules(root)
    with open(os.path.join(log_dir, module + ".json"), "w") as fp:
        json.dump(meta, fp, indent=1)
    echo("[fidelity] %s: done in %dm%02ds (exit %s)" % (module, duration // 60, duration % 60, returncode))
    return meta


def restrict_tests(modules, full_registry=False):
    """Make Odoo run the tests of ``modules`` only (Python at-install and
    post-install tests, YAML tests); the other modules an update loads keep
    their data, not their tests.  ``full_registry``: the Python at-install
    tests run with the post-install ones, once every installed module is
    loaded, instead of while the module loads.  Returns a function that undoes
    it."""
    import odoo.modules.module
    import odoo.service.server
    import odoo.tools

    wanted = set(modules)
    module_module = odoo.modules.module
    run_unit_tests = module_module.run_unit_tests
    convert_file = odoo.tools.convert_file

    def every_test(test):
        return module_module.runs_at_install(test) or module_module.runs_post_install(test)

    @functools.wraps(run_unit_tests)
    def restricted_run_unit_tests(module_name, dbname, *args, **kwargs):
        if module_name not in wanted:
            return True
        if full_registry:
            if not args and "position" not in kwargs:
                return True  # loading.py's at-install call: they run later
            return run_unit_tests(module_name, dbname, position=every_test)
        return run_unit_tests(module_name, dbname, *args, **kwargs)

    @functools.wraps(convert_file)
    def restricted_convert_file(cr, module, filename, idref, mode="update", noupdate=False, kind=None, *args, **kw):
        if kind == "test" and module not in wanted:
            return None
        return convert_file(cr, module, filename, idref, mode, noupdate, kind, *args, **kw)

    # loading.py calls odoo.modules.module.run_unit_tests and tools.convert_file,
    # server.py its own imported name
    odoo.modules.module.run_unit_tests = restricted_run_unit_tests
    odoo.service.server.run_unit_tests = restricted_run_unit_tests
    odoo.tools.convert_file = restricted_convert_file

    def undo():
        odoo.modules.module.run_unit_tests = run_unit_tests
        odoo.service.server.run_unit_tests = run_unit_tests
        odoo.tools.convert_file = convert_file

    return undo


def odoo_tests_of(modules, odoo_args, full_registry=False):
    """``soon-odoo <odoo_args>`` with the tests of ``modules`` only."""
    from soon_runtime import cli

    restrict_tests(modules, full_registry=full_registry)
    cli.main(odoo_args)


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


def report(runs, targets, verb="-i", others=True):
    """Markdown tables: target modules, then every other module whose tests ran
    (``others``; with ``--with-soon`` only the targets' tests run)."""
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
                "- %s: the run did not complete (exit %s): see the log %s.log" % (module, run.get("returncode"), module)
            )
        notes.append(
            "- `%s %s`: %s, %dm%02ds, exit %s"
            % (
                verb,
                module,
                run.get("started", "?"),
                run.get("seconds", 0) // 60,
                run.get("seconds", 0) % 60,
                run.get("returncode", "?"),
            )
        )
        for other, ocounts in run["modules"].items():
            if other != module and others:
                other_rows.append(("%s (in %s %s)" % (other, verb, module), ocounts))
        for item in run["modules"].values():
            for problem in item["problems"]:
                problems.append(
                    "- [%s %s] %s %s: %s"
                    % (verb, module, problem["kind"], problem["test"], _verdict(problem["text"])[:300])
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
            "- %s: %s (%s %s)" % (name, reason, verb, ", ".join(sorted(where)))
            for (name, reason), where in skips.items()
        )
    log_errors = []
    for module in targets:
        for error in (runs.get(module) or {}).get("log_errors", ()):
            log_errors.append(
                "- [%s %s] during %s: %s: %s %s"
                % (verb, module, error["during"], error["logger"], error["msg"][:200], _verdict(error["text"])[:200])
            )
    if log_errors:
        out.append("\nERROR records in the logs outside test results (not counted above):\n")
        out.extend(log_errors)
    out.append("\nRuns:\n")
    out.extend(notes)
    return "\n".join(out), ok


def compare(plain_runs, soon_runs, targets):
    """Markdown table: each target's own tests without and with the SoOn add-ons
    (run / failures / errors, "-" when that run is missing)."""

    def cell(run, module):
        if not run:
            return "-"
        counts = run["modules"].get(module, _counter())
        return "%d / %d / %d" % (counts["run"], counts["failures"], counts["errors"])

    rows = [("module", "without SoOn (`-i`)", "with SoOn (`-u`)")]
    rows += [(m, cell(plain_runs.get(m), m), cell(soon_runs.get(m), m)) for m in targets]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "tests run / failures / errors of each module's own suite\n\n" + "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0].startswith("--odoo-tests-of="):
        # one run of --with-soon: Odoo's command line, the tests of some modules only
        full = argv[1:2] == ["--full-registry"]
        return odoo_tests_of(argv[0].partition("=")[2].split(","), argv[2 if full else 1 :], full_registry=full)
    parser = argparse.ArgumentParser(prog="scripts/fidelity", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "modules",
        nargs="*",
        help="subset of the target modules (default: all %d, or the %d of --with-soon)"
        % (len(TARGETS), len(SOON_TARGETS)),
    )
    parser.add_argument(
        "--with-soon",
        action="store_true",
        help="on a database with the SoOn add-ons (scripts/modules.txt) and their demo data: "
        "-u <module> --test-enable, the module's own tests",
    )
    parser.add_argument(
        "--full-registry",
        action="store_true",
        help="with --with-soon: the at-install tests run after the install too, "
        "every add-on's Python loaded (logs in with-soon-full-registry/)",
    )
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
    if args.full_registry and not args.with_soon:
        parser.error("--full-registry goes with --with-soon")
    root = paths.project_root() or os.getcwd()
    if args.rerun:
        os.environ["SOON_PROJECT_ADDONS"] = "0"
        return rerun(args.rerun, args.modules, root)
    plain_dir = args.log_dir or os.path.join(root, ".soon", "fidelity")
    log_dir = plain_dir
    if args.with_soon:
        log_dir = os.path.join(plain_dir, SOON_LOG_DIR + ("-full-registry" if args.full_registry else ""))
    os.makedirs(log_dir, exist_ok=True)
    targets = SOON_TARGETS if args.with_soon else TARGETS
    modules = args.modules or list(targets)
    if not args.report:
        import fcntl

        lock = open(os.path.join(plain_dir, "lock"), "w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("[fidelity] another gate run holds %s/lock: waiting" % plain_dir, flush=True)
            fcntl.flock(lock, fcntl.LOCK_EX)

        def echo(text):
            print(text, flush=True)

        template = None
        if args.with_soon:
            # one template (and its stamp) for both --with-soon modes
            template_dir = os.path.join(plain_dir, SOON_LOG_DIR)
            os.makedirs(template_dir, exist_ok=True)
            template = soon_template(root, template_dir, echo=echo)
        try:
            for module in modules:
                run_module(
                    module,
                    root,
                    log_dir,
                    keep_db=args.keep_db,
                    echo=echo,
                    template=template,
                    full_registry=args.full_registry,
                )
        finally:
            if template and not args.keep_db:
                _drop(template, os.path.join(root, ".soon", "data"))
    yaml_tests = _yaml_tests()
    runs = {m: load_run(m, log_dir, yaml_tests) for m in modules}
    if args.with_soon:
        text, ok = report(runs, modules, verb="-u", others=False)
        plain = {m: load_run(m, plain_dir, yaml_tests) for m in modules}
        text = compare(plain, runs, modules) + "\n\n" + text
    else:
        text, ok = report(runs, modules)
    if set(modules) == set(targets) or args.report:
        with open(os.path.join(log_dir, "table.md"), "w") as fp:
            fp.write("Fidelity gate%s, %s\n\n%s\n" % (" with the SoOn add-ons" if args.with_soon else "", _now(), text))
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
