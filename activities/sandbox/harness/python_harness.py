"""Runs a program and its tests inside the sandbox and reports one JSON line on fd 3.

Every test case runs even after one fails: each assert of check() (the HumanEval form) and each
test_* function is a case, and the report counts the cases that passed.

The folder (first argument, /sandbox by default) contains spec.json ({"testStyle": "check",
"functions" or "script", "entryPoint": name or null, "moduleName": name or null}), the program
program.py and the tests tests.py.
Only the process that started the harness reports, so forked children cannot add reports.
NOTE: the program runs in the harness's own process, so code written to cheat can forge a passing
report (by writing to fd 3 or replacing the case counter); grading trusts it not to.
"""
import json
import linecache
import os
import sys
import traceback
import types

SANDBOX_DIR = sys.argv[1] if len(sys.argv) > 1 else "/sandbox"
MAIN_PID = os.getpid()
RESULT_FD = 3
TRACEBACK_TAIL_CHARS = 2000


def report(result):
    if os.getpid() != MAIN_PID:
        os._exit(1)
    try:
        os.write(RESULT_FD, (json.dumps(result) + "\n").encode())
    except OSError:
        pass


def load_source(name):
    path = os.path.join(SANDBOX_DIR, name)
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    # Registering the source lets tracebacks and failing-assert lookups show the lines.
    linecache.cache[name] = (len(source), None, source.splitlines(True), name)
    return source


def describe_error(error):
    tail = "".join(traceback.format_exception(error))[-TRACEBACK_TAIL_CHARS:]
    return {
        "status": "error",
        "exceptionType": type(error).__name__,
        "errno": getattr(error, "errno", None),
        "message": str(error)[:500],
        "tracebackTail": tail,
    }


def failing_line(error):
    """Returns the source line of the innermost frame inside tests.py, the failing assert."""
    line = None
    for frame, lineno in traceback.walk_tb(error.__traceback__):
        if frame.f_code.co_filename == "tests.py":
            line = linecache.getline("tests.py", lineno).strip()
    return line


def count_asserts(source):
    """Parses the tests and rewrites every assert of check() so a failing case is counted and the next case still runs."""
    # Imported here because only the check style needs it, and it is the harness's slowest import.
    import ast

    def record(node, passed):
        call = ast.Call(ast.Name("__corpusflow_case__", ast.Load()), [ast.Constant(node.lineno), ast.Constant(passed)], [])
        return ast.Expr(call)

    class CountAsserts(ast.NodeTransformer):
        def visit_Assert(self, node):
            handler = ast.ExceptHandler(ast.Name("AssertionError", ast.Load()), None, [record(node, False)])
            wrapped = ast.Try(body=[node, record(node, True)], handlers=[handler], orelse=[], finalbody=[])
            return ast.fix_missing_locations(ast.copy_location(wrapped, node))

    tree = ast.parse(source, "tests.py")
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "check":
            CountAsserts().visit(node)
    return tree


def compile_tests(source, count_cases):
    if not count_cases:
        return compile(source, "tests.py", "exec")
    return compile(count_asserts(source), "tests.py", "exec")


def summarize(passed, failures):
    total = passed + len(failures)
    if not failures:
        return {"status": "passed", "casesPassed": passed, "casesTotal": total}
    first_test, first_message = failures[0]
    return {"status": "failed", "failingTest": first_test, "message": first_message, "casesPassed": passed, "casesTotal": total}


def run_check(namespace, spec):
    passed = 0
    failures = []

    def record_case(lineno, ok):
        nonlocal passed
        if ok:
            passed += 1
        else:
            failures.append((linecache.getline("tests.py", lineno).strip() or "check", ""))

    namespace["__corpusflow_case__"] = record_case
    try:
        namespace["check"](namespace[spec["entryPoint"]])
    except AssertionError as error:
        # An assert outside check() itself, in a helper it calls, ends the check.
        failures.append((failing_line(error) or "check", str(error)[:500]))
    return summarize(passed, failures)


def run_test_functions(namespace):
    names = [name for name, value in list(namespace.items()) if name.startswith("test") and callable(value)]
    if not names:
        return {"status": "error", "exceptionType": "NoTests", "message": "tests.py defines no test_* function", "tracebackTail": ""}
    passed = 0
    failures = []
    for name in names:
        try:
            namespace[name]()
            passed += 1
        except AssertionError as error:
            failures.append((name, str(error)[:500]))
    return summarize(passed, failures)


def run_tests(namespace, spec):
    style = spec["testStyle"]
    if style == "script":
        return {"status": "passed"}
    exec(compile_tests(load_source("tests.py"), style == "check"), namespace)
    return run_check(namespace, spec) if style == "check" else run_test_functions(namespace)


def main():
    with open(os.path.join(SANDBOX_DIR, "spec.json"), encoding="utf-8") as handle:
        spec = json.load(handle)
    if spec["testStyle"] == "script":
        namespace = {"__name__": "__main__"}
    else:
        # Tests import the program under its module name and get this very module, not a new copy.
        module = types.ModuleType(spec.get("moduleName") or "program")
        module.__file__ = os.path.join(SANDBOX_DIR, "program.py")
        sys.modules[module.__name__] = module
        namespace = module.__dict__
    sys.path.insert(0, SANDBOX_DIR)
    try:
        exec(compile(load_source("program.py"), "program.py", "exec"), namespace)
        result = run_tests(namespace, spec)
    except SystemExit as error:
        if error.code is None:
            code = 0
        elif isinstance(error.code, int):
            code = error.code
        else:
            code = 1
        if spec["testStyle"] == "script" and code == 0:
            result = {"status": "passed"}
        else:
            result = {"status": "error", "exceptionType": "SystemExit", "message": "program called sys.exit(%r)" % (error.code,), "tracebackTail": ""}
    except BaseException as error:  # noqa: BLE001 - every failure of untrusted code is data
        result = describe_error(error)
    sys.stdout.flush()
    report(result)


main()
