"""Self-contained map HTML: Leaflet inlined from xstatic-leaflet, our own assets, no CDN links."""

from __future__ import annotations

import base64
import functools
import re
from importlib import resources
from pathlib import Path

import folium
import xstatic.pkg.leaflet as xstatic_leaflet
from branca.element import Element, Figure, MacroElement
from folium.template import Template

from maps.safety import script_json

_CSS_URL = re.compile(r"url\(\s*['\"]?(images/[A-Za-z0-9_.-]+\.png)['\"]?\s*\)")
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)


def _leaflet_dir() -> Path:
    return Path(xstatic_leaflet.BASE_DIR)


def _inline_images(css: str, base: Path) -> str:
    """Replace ``url(images/x.png)`` in Leaflet's CSS by data URIs of the packaged images."""

    def data_uri(match: re.Match[str]) -> str:
        png = (base / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(png).decode('ascii')})"

    return _CSS_URL.sub(data_uri, css)


def _script_text(source: str) -> str:
    """JavaScript made safe to inline: no source-map fetch, no early ``</script>``."""
    stripped = _SOURCE_MAP.sub("", source)
    return stripped.replace("</script", "<\\/script")


def _style_text(source: str) -> str:
    return source.replace("</style", "<\\/style")


def _own_asset(name: str) -> str:
    return resources.files("maps").joinpath("assets", name).read_text(encoding="utf-8")


@functools.cache
def inline_assets() -> str:
    """The ``<style>``/``<script>`` elements for Leaflet and the charter map helpers.

    Leaflet's JS and CSS come from the pinned ``xstatic-leaflet`` package (its images are turned
    into data URIs); ``charter-map.css``/``.js`` are this package's own assets.

    Returns
    -------
    str
        HTML for the document head.
    """
    base = _leaflet_dir()
    leaflet_css = _inline_images((base / "leaflet.css").read_text(encoding="utf-8"), base)
    leaflet_js = (base / "leaflet.js").read_text(encoding="utf-8")
    return "\n".join(
        [
            f"<style>{_style_text(leaflet_css)}</style>",
            f"<style>{_style_text(_own_asset('charter-map.css'))}</style>",
            f"<script>{_script_text(leaflet_js)}</script>",
            f"<script>{_script_text(_own_asset('charter-map.js'))}</script>",
        ]
    )


class OfflineMap(folium.Map):
    """A folium map that links no CDN: Leaflet and our helpers are inlined in the head."""

    default_js: list[tuple[str, str]] = []  # noqa: RUF012  (folium's class-level API)
    default_css: list[tuple[str, str]] = []  # noqa: RUF012

    def render(self, **kwargs: object) -> None:  # type: ignore[override]  # branca says str
        """Render, putting the inline assets into the figure head first."""
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("an OfflineMap renders only inside a branca Figure")
        figure.header.add_child(Element(inline_assets()), name="charter_assets", index=1)
        super().render(**kwargs)  # type: ignore[no-untyped-call]


class JsCall(MacroElement):
    """A call ``CharterMap.<function>(<parent>, <payload>)`` in the map script.

    ``payload`` is serialised with ``script_json``, so input text cannot break out of the script.

    Parameters
    ----------
    function
        Name of a ``CharterMap`` helper in ``assets/charter-map.js``.
    payload
        JSON-ready data for it.
    target
        The JS variable the helper works on; default the parent element (a layer or the map).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        CharterMap.{{ this.function }}({{ this.target_name() }}, {{ this.payload_json }});
        {% endmacro %}
        """
    )

    def __init__(self, function: str, payload: object, *, target: str | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        if not re.fullmatch(r"[a-z][A-Za-z]*", function):
            raise ValueError(f"{function!r} is not a CharterMap helper name")
        self._name = "CharterCall"
        self.function = function
        self.payload_json = script_json(payload)
        self._target = target

    def target_name(self) -> str:
        """JS name of the element this call draws on."""
        if self._target is not None:
            return self._target
        if self._parent is None:
            raise RuntimeError("a JsCall must be added to a layer or map before rendering")
        return str(self._parent.get_name())
