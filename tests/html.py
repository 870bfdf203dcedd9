"""Reading the HTML a page returns, the way a browser and a screen reader see it."""

from __future__ import annotations

from html.parser import HTMLParser


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.elements.append((tag, values))
        element_id = values.get("id")
        if element_id and tag not in {"input", "br", "img", "meta", "link"}:
            self._open.append(element_id)
            self.texts.setdefault(element_id, [])
        elif tag not in {"input", "br", "img", "meta", "link"}:
            self._open.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element_id in self._open:
            if element_id:
                self.texts[element_id].append(data)


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def inputs(html: str, name: str) -> list[dict[str, str]]:
    """The attributes of every form control (input, select, textarea) named ``name``."""
    return [
        attrs
        for tag, attrs in parse(html).elements
        if tag in {"input", "select", "textarea"} and attrs.get("name") == name
    ]


def text_of(html: str, element_id: str) -> str:
    """The text inside the element with this id (empty when there is none)."""
    return " ".join("".join(parse(html).texts.get(element_id, [])).split())


def field_error(html: str, name: str) -> str:
    """The error message a screen reader hears for the control ``name``: it must be marked
    ``aria-invalid="true"`` and described by the element holding the message."""
    controls = inputs(html, name)
    assert controls, f"no control named {name!r}"
    for attrs in controls:
        assert attrs.get("aria-invalid") == "true", attrs
        assert "is-invalid" in attrs.get("class", "").split(), attrs
    described = {attrs.get("aria-describedby", "") for attrs in controls}
    # A group of radio buttons is described on its fieldset.
    described |= {
        attrs.get("aria-describedby", "")
        for tag, attrs in parse(html).elements
        if tag == "fieldset"
    }
    error_ids = sorted({i for ids in described for i in ids.split() if i.endswith("_error")})
    messages = [text_of(html, element_id) for element_id in error_ids]
    assert messages, f"no error message is tied to {name!r}"
    return " ".join(messages)
