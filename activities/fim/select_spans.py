"""Lists the spans of each program that start and end at statement boundaries.

Reads /sandbox/input.json, a list of {"id", "code"}, and prints one JSON object mapping each id
to {"spans": [...]} or {"error": "..."}. Runs inside the sandbox because parsing untrusted code
can exhaust the stack or memory. A span is one to three consecutive statements of one block
inside a function body. A compound statement (if, for, while, with, try) counts with its block.
"""
import ast
import json

MAX_STATEMENTS_PER_SPAN = 3
# Bounds the output for very long programs; the first spans in source order are kept.
MAX_SPANS_PER_PROGRAM = 400
COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
if hasattr(ast, "TryStar"):
    COMPOUND = COMPOUND + (ast.TryStar,)
if hasattr(ast, "Match"):
    COMPOUND = COMPOUND + (ast.Match,)


def is_docstring(statement):
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) and isinstance(statement.value.value, str)


def owns_its_lines(statement, lines):
    """True when no other code shares the statement's first or last line (as in `a = 1; b = 2`)."""
    first = lines[statement.lineno - 1]
    last = lines[statement.end_lineno - 1]
    before = first[: statement.col_offset]
    after = last[statement.end_col_offset :].strip()
    return before.strip() == "" and (after == "" or after.startswith("#"))


def block_spans(body, lines, spans):
    statements = [statement for index, statement in enumerate(body) if not (index == 0 and is_docstring(statement))]
    usable = [owns_its_lines(statement, lines) for statement in statements]
    for start in range(len(statements)):
        for end in range(start, min(start + MAX_STATEMENTS_PER_SPAN, len(statements))):
            if not all(usable[start : end + 1]):
                break
            first = statements[start]
            spans.append({
                "startLine": first.lineno,
                "endLine": statements[end].end_lineno,
                "statements": end - start + 1,
                "kind": "block" if isinstance(first, COMPOUND) else "statement",
                "coversBody": start == 0 and end == len(statements) - 1,
            })


def nested_blocks(statement):
    for field in ("body", "orelse", "finalbody"):
        block = getattr(statement, field, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for handler in getattr(statement, "handlers", []):
        yield handler.body
    for case in getattr(statement, "cases", []):
        yield case.body


def collect(body, lines, spans, in_function):
    if in_function:
        block_spans(body, lines, spans)
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            collect(statement.body, lines, spans, True)
        elif isinstance(statement, ast.ClassDef):
            collect(statement.body, lines, spans, False)
        else:
            for block in nested_blocks(statement):
                collect(block, lines, spans, in_function)


def spans_of(code):
    tree = ast.parse(code)
    lines = code.splitlines()
    spans = []
    collect(tree.body, lines, spans, False)
    return spans


def main():
    with open("/sandbox/input.json", encoding="utf-8") as handle:
        records = json.load(handle)
    found = {}
    for record in records:
        try:
            found[record["id"]] = {"spans": spans_of(record["code"])[:MAX_SPANS_PER_PROGRAM]}
        except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
            found[record["id"]] = {"error": "%s: %s" % (type(error).__name__, str(error)[:200])}
    print(json.dumps(found, separators=(",", ":")))


main()
