"""Tests for maps.offline: Leaflet inlined from xstatic-leaflet, no CDN links, safe JS calls."""

from __future__ import annotations

import re

import folium
import pytest

from maps.offline import JsCall, OfflineMap, inline_assets

# Anything that makes a browser fetch: script/style links, CSS urls and imports. (Leaflet's
# attribution prefix holds an <a href> to leafletjs.com: a link, fetched only when clicked.)
FETCHED = re.compile(
    r"<script[^>]*\ssrc=|<link[^>]*\shref=|url\(\s*['\"]?(?:https?:)?//|@import", re.IGNORECASE
)
CDN_HOSTS = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "bootstrapcdn.com")


def test_inline_assets_hold_leaflet_and_our_helpers_without_remote_references() -> None:
    head = inline_assets()
    assert 't.version="1.9.3"' in head  # Leaflet from the pinned xstatic package
    assert "window.CharterMap" in head.replace("global.CharterMap", "window.CharterMap")
    assert ".leaflet-container" in head and ".cm-legend" in head
    assert "url(images/" not in head  # Leaflet's CSS images are data URIs
    assert "url(data:image/png;base64," in head
    assert "sourceMappingURL" not in head
    assert FETCHED.search(head) is None
    assert head.count("</script>") == 2 and head.count("</style>") == 2


def test_offline_map_renders_without_any_cdn_link() -> None:
    fmap = OfflineMap(location=[31.3, 120.6], tiles=None)
    folium.FeatureGroup(name="layer").add_to(fmap)
    document = fmap.get_root().render()
    assert not any(host in document for host in CDN_HOSTS)
    assert FETCHED.search(document) is None
    assert document.count('t.version="1.9.3"') == 1
    assert "$(" not in document.split("</head>")[1]  # no jQuery needed by what we render


def test_js_call_serialises_payload_safely_and_targets_its_parent() -> None:
    fmap = OfflineMap(location=[31.3, 120.6], tiles=None)
    group = folium.FeatureGroup(name="g").add_to(fmap)
    group.add_child(JsCall("points", {"name": "</script><script>alert(1)</script>"}))
    document = fmap.get_root().render()
    line = next(x for x in document.splitlines() if "CharterMap.points(" in x)
    assert line.strip().startswith(f"CharterMap.points({group.get_name()}, ")
    assert "</script>" not in line and "\\u003c/script\\u003e" in line


def test_js_call_rejects_anything_but_a_helper_name() -> None:
    with pytest.raises(ValueError, match="is not a CharterMap helper name"):
        JsCall("points);alert(1);(", {})


def test_js_call_needs_a_parent_before_rendering() -> None:
    with pytest.raises(RuntimeError, match="must be added to a layer or map"):
        JsCall("points", {}).target_name()
