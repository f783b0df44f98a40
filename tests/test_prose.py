"""Spec prose in the Markdown docs: markup is shown as text, code keeps its `<`, docs stay readable."""

from __future__ import annotations

from markdown_it import MarkdownIt

from orgen import prose


def _html(markdown_text: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(markdown_text)


def test_code_keeps_its_angle_brackets() -> None:
    text = "Returns `List<Item>`.\n\nExample:\n```xml\n<item id=\"1\"/>\n```\nDone."
    html = _html(prose.block(text))
    assert "<code>List&lt;Item&gt;</code>" in html
    assert '<pre><code class="language-xml">&lt;item id=&quot;1&quot;/&gt;\n</code></pre>' in html
    assert "<p>Done.</p>" in html


def test_tags_are_shown_as_text() -> None:
    html = _html(prose.block("Use <b>bold</b> or <a href=\"https://x.test\">a link</a>."))
    assert "&lt;b&gt;bold&lt;/b&gt;" in html and "<a href" not in html


def test_line_breaks_and_autolinks_survive() -> None:
    html = _html(prose.block("first<br>second<br/><br/>third, see <https://example.com/docs>"))
    assert "<p>first\nsecond</p>" in html
    assert '<a href="https://example.com/docs">https://example.com/docs</a>' in html


def test_a_fence_that_never_closes_does_not_swallow_the_page() -> None:
    page = prose.block("Intro\n```\n<b>") + "\n\n## Next section\n"
    assert "<h2>Next section</h2>" in _html(page)


def test_table_cells_stay_one_cell() -> None:
    cell = prose.cell("x | y \\| z `p|q`\nnext line")
    row = f"| a | {cell} |"
    html = _html("| h1 | h2 |\n| --- | --- |\n" + row + "\n")
    assert html.count("<td>") == 2
    assert "next line" in html
