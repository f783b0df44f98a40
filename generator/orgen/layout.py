"""Layout: generated code written on the lines black gives it, so that black finds it formatted.

Black formats again whatever its first pass changed; text it finds formatted already costs it one
pass. These functions write values, calls and code expressions as black lays them out. Black runs
on whatever they write, so a case they lay out otherwise costs time, not correctness; what they
must never do is split where black would not, because the comma they leave after the last item
would then be "magic" and keep the split (tests/test_layout.py checks that against black).
"""

from __future__ import annotations

import ast

from .escape import flat


def laid_out(value: object, head: str = "", indent: int = 0, tail: str = "", width: int = 100) -> str:
    """`head`, then a JSON-like value as Python source, then `tail`, laid out as `laid_out_code`
    lays out code: on one line when that fits in `width`; else the value's items one to a line,
    each laid out the same way, with a comma after each when there are several (black's magic
    trailing comma: so only where black itself would split)."""
    return laid_out_code(flat(value), indent, head, tail, width)


def laid_out_call(head: str, arguments: dict[str, object], indent: int = 0, tail: str = "", width: int = 100) -> str:
    """`head(name=value, ...)tail` laid out as `laid_out_code` lays out a call. `head` ends with
    the name called (`result = await api.chat.send`); what comes before its last space stays
    before the call."""
    before, _, called = head.rpartition(" ")
    call = f"{called}({', '.join(f'{name}={flat(value)}' for name, value in arguments.items())})"
    return laid_out_code(call, indent, f"{before} " if before else "", tail, width)


def laid_out_string_assignment(line: str, width: int = 100) -> str:
    """A top-level `target = "string"` statement written on one line, as black lays it out: on its
    line when it fits; else the string alone on a line between parentheses when it fits there;
    else on its line (black leaves a string it cannot fit)."""
    target, _, value = line.partition(" = ")
    if len(line) <= width or "\n" in line or not line.isascii() or len(value) + 4 > width:
        return line
    return f"{target} = (\n    {value}\n)"


def laid_out_parameter(name: str, members: list[str], default: str = "", indent: int = 8, width: int = 100) -> str:
    """A parameter of a signature written one parameter to a line, `name: a | b = default,` (the
    annotation's union `members`; no `default`: none), as black lays it out: on its line when it
    fits; else a union between parentheses, on a line of its own when it fits there, else one
    member to a line; anything else on its line for black. The first line's indent is left to the caller."""
    annotation = " | ".join(members)
    tail = f" = {default}," if default else ","
    line = f"{' ' * indent}{name}: {annotation}{tail}"
    if len(line) <= width or len(members) < 2 or not line.isascii() or any("(" in member or "\n" in member for member in members):
        return line[indent:]
    inner = " " * (indent + 4)
    body = [inner + annotation] if len(inner + annotation) <= width else [inner + members[0], *(f"{inner}| {member}" for member in members[1:])]
    if any(len(text) > width for text in body):
        return line[indent:]  # a member too long for its line is split inside it: left to black
    return "\n".join([f"{name}: (", *body, f"{' ' * indent}){tail}"])


def laid_out_code(text: str, indent: int = 0, head: str = "", tail: str = "", width: int = 100) -> str:
    """`head`, the Python expression `text`, then `tail`, laid out as black lays it out at `indent`
    (the first line's indent left to the caller): calls, dicts and lists split at their brackets
    when the line does not fit, anything else left on its line. A call's arguments stay on one line
    of their own when they fit there; a dict's or list's items go one to a line. A line with other
    than ASCII characters, whose width black measures its own way, is left whole for black."""
    source = text.strip()
    line = " " * indent + head + source + tail
    # One line of ASCII: black measures it as it is long, and a node's text is its columns' slice.
    if len(line) <= width or not line.isascii() or "\n" in source:
        return line[indent:]
    try:
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return line[indent:]
    return "\n".join(_code_lines(node, source, head, indent, tail, width))[indent:]


def _segment(source: str, node: ast.AST) -> str:
    return source[getattr(node, "col_offset", 0) : getattr(node, "end_col_offset", None)]


def _code_lines(node: ast.expr, source: str, head: str, indent: int, tail: str, width: int) -> list[str]:
    segment = _segment(source, node)
    line = " " * indent + head + segment + tail
    if len(line) <= width:
        return [line]
    if isinstance(node, ast.Call) and all(keyword.arg is not None for keyword in node.keywords) and not any(isinstance(arg, ast.Starred) for arg in node.args):
        items = [("", arg) for arg in node.args] + [(f"{keyword.arg}=", keyword.value) for keyword in node.keywords]
        opening, closing, atom = _segment(source, node.func) + "(", ")", False
    elif isinstance(node, ast.Dict) and None not in node.keys:
        items = [(f"{_segment(source, key)}: ", value) for key, value in zip(node.keys, node.values) if key is not None]
        opening, closing, atom = "{", "}", True
    elif isinstance(node, ast.List) and not any(isinstance(item, ast.Starred) for item in node.elts):
        items = [("", item) for item in node.elts]
        opening, closing, atom = "[", "]", True
    else:
        return [line]
    if not items:
        return [line]
    inner = " " * (indent + 4)
    first = " " * indent + head + opening
    last = " " * indent + closing + tail
    if len(items) == 1:
        return [first, *_code_lines(items[0][1], source, items[0][0], indent + 4, "", width), last]
    joined = inner + ", ".join(key + _segment(source, value) for key, value in items)
    if not atom and len(joined) <= width:
        return [first, joined, last]  # a call's arguments stay together when they fit on a line
    return [first, *(text for key, value in items for text in _code_lines(value, source, key, indent + 4, ",", width)), last]


def laid_out_fields(source: str, width: int = 100) -> str:
    """`source` (classes as the models library writes them) with each class field too long for its
    line, `name: type = Field(...)`, laid out as black lays it out: the call split at its brackets;
    and each class header too long for its line, `class Name(Base):`, too."""
    lines = source.split("\n")
    for index, line in enumerate(lines):
        if len(line) > width and line.startswith("    ") and not line.startswith("     ") and line.endswith(")") and line.isascii():
            lines[index] = _laid_out_field(line, width)
        elif len(line) > width and line.startswith("class ") and line.endswith("):") and line.isascii():
            lines[index] = laid_out_class_header(line, width)
    return "\n".join(lines)


def laid_out_class_header(line: str, width: int = 100) -> str:
    """`class Name(Base):` as black lays it out: on its line when it fits; else its one base alone on
    a line between the parentheses when it fits there; anything else on its line for black."""
    try:
        statement = ast.parse(line + "\n    pass").body
    except SyntaxError:
        return line
    if len(line) <= width or len(statement) != 1 or not isinstance(statement[0], ast.ClassDef):
        return line
    node = statement[0]
    if len(node.bases) != 1 or node.keywords or node.decorator_list:
        return line
    base = _segment(line, node.bases[0])
    if line != f"class {node.name}({base}):" or len(base) + 4 > width:
        return line
    return f"class {node.name}(\n    {base}\n):"


def _laid_out_field(line: str, width: int) -> str:
    text = line[4:]
    try:
        statement = ast.parse(text).body
    except SyntaxError:
        return line
    if len(statement) != 1 or not isinstance(statement[0], ast.AnnAssign) or not isinstance(statement[0].value, ast.Call):
        return line
    value = statement[0].value
    head = text[: value.col_offset]
    if not head.endswith(" = ") or len(line) - len(text) + len(head) + len(_segment(text, value.func)) + 1 > width:
        return line  # black would split the name or the type first
    return "\n".join(_code_lines(value, text, head, 4, "", width))
