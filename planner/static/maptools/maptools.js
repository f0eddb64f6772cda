/* eldercare-planner map tools (MIT): metric scale, search over the planner's own index,
 * unit labels by zoom, tooltip fitting and a collapsible legend for Leaflet 1.9.
 * Every name from the data is inserted as text (textContent), never as HTML. */
(function (L) {
    "use strict";
    if (!L) { return; }
    var T = L.PlannerTools = L.PlannerTools || {};

    function el(tag, cls, parent, text) {
        var e = L.DomUtil.create(tag, cls || "", parent);
        if (text !== undefined && text !== null) { e.textContent = String(text); }
        return e;
    }

    /* Metric-only scale bar; the attribution without Leaflet's prefix (tile credits stay). */
    T.scale = function (map, opts) {
        opts = opts || {};
        L.control.scale({metric: true, imperial: false, maxWidth: opts.maxWidth || 140,
                         position: opts.position || "bottomleft"}).addTo(map);
        if (map.attributionControl) { map.attributionControl.setPrefix(false); }
    };

    /* Labels shown only once they fit inside their unit: item {text, lat, lng, zoom}. */
    T.labels = function (map, items, opts) {
        opts = opts || {};
        var pane = map.getPane("plannerLabels") || map.createPane("plannerLabels");
        pane.style.zIndex = 450;
        pane.style.pointerEvents = "none";
        var markers = items.map(function (it) {
            var span = document.createElement("span");
            span.className = "planner-label";
            span.textContent = String(it.text);
            var icon = L.divIcon({html: span, className: "planner-label-icon", iconSize: null});
            var mk = L.marker([it.lat, it.lng], {icon: icon, pane: "plannerLabels", interactive: false,
                                                 keyboard: false});
            mk._plannerZoom = +it.zoom;
            return mk;
        });
        var floor = opts.minZoom === undefined || opts.minZoom === null ? -Infinity : +opts.minZoom;
        function update() {
            var z = map.getZoom();
            markers.forEach(function (mk) {
                var show = z >= Math.max(mk._plannerZoom, floor);
                if (show && !map.hasLayer(mk)) { mk.addTo(map); }
                if (!show && map.hasLayer(mk)) { map.removeLayer(mk); }
            });
        }
        map.on("zoomend", update);
        map.whenReady(update);
        return {markers: markers, update: update};
    };

    /* Search box over a plain index: entry {label, code, kind, bounds: [[s, w], [n, e]]}. */
    T.Search = L.Control.extend({
        options: {position: "topright", index: [], placeholder: "", noResult: "", title: "", maxResults: 8,
                  maxZoom: 17},
        onAdd: function (map) {
            var o = this.options, self = this;
            var box = el("div", "leaflet-bar planner-search");
            var input = el("input", "planner-search-input", box);
            input.type = "search";
            input.placeholder = o.placeholder;
            input.title = o.title;
            input.setAttribute("aria-label", o.title || o.placeholder);
            input.setAttribute("autocomplete", "off");
            var list = el("ul", "planner-search-results", box);
            list.setAttribute("role", "listbox");
            this._input = input;
            this._list = list;
            this._hits = [];
            this._active = -1;
            this._mark = L.layerGroup().addTo(map);
            var entries = (o.index || []).map(function (e) {
                return {e: e, key: (String(e.label || "") + "\u0000" + String(e.code || "")).toLocaleLowerCase()};
            });
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            L.DomEvent.on(input, "input", function () { self._find(entries); });
            L.DomEvent.on(input, "keydown", function (ev) {
                if (ev.key === "Enter") {
                    ev.preventDefault();
                    var k = self._active >= 0 ? self._active : 0;
                    if (self._hits[k]) { self.select(self._hits[k]); }
                } else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
                    ev.preventDefault();
                    var n = self._hits.length;
                    if (n) {
                        self._active = ev.key === "ArrowDown" ? (self._active + 1) % n
                            : (self._active <= 0 ? n - 1 : self._active - 1);
                        self._highlight();
                    }
                } else if (ev.key === "Escape") {
                    input.value = "";
                    self._find(entries);
                }
            });
            return box;
        },
        _find: function (entries) {
            var q = this._input.value.trim().toLocaleLowerCase(), o = this.options, list = this._list;
            this._hits = [];
            this._active = -1;
            list.textContent = "";
            if (!q) { return; }
            for (var i = 0; i < entries.length && this._hits.length < o.maxResults; i++) {
                if (entries[i].key.indexOf(q) >= 0) { this._hits.push(entries[i].e); }
            }
            if (!this._hits.length) {
                el("li", "planner-search-none", list, o.noResult);
                return;
            }
            var self = this;
            this._hits.forEach(function (e, k) {
                var li = el("li", "planner-search-hit", list);
                li.setAttribute("role", "option");
                el("span", "planner-search-label", li, e.label);
                var extra = [e.kind, e.code].filter(function (s) { return s; }).join(" · ");
                if (extra) { el("span", "planner-search-extra", li, extra); }
                L.DomEvent.on(li, "click", function () { self.select(e); });
                li._plannerIndex = k;
            });
        },
        _highlight: function () {
            var items = this._list.children;
            for (var i = 0; i < items.length; i++) {
                L.DomUtil[i === this._active ? "addClass" : "removeClass"](items[i], "planner-search-active");
            }
        },
        /* Zoom to an index entry and mark it for a while. */
        select: function (e) {
            var map = this._map, o = this.options, b = L.latLngBounds(e.bounds);
            this._mark.clearLayers();
            var small = b.getNorthEast().equals(b.getSouthWest());
            if (small) {
                map.setView(b.getCenter(), Math.max(map.getZoom(), o.maxZoom));
                L.circleMarker(b.getCenter(), {radius: 14, color: "#000", weight: 3, fill: false,
                                               interactive: false}).addTo(this._mark);
            } else {
                map.fitBounds(b, {maxZoom: o.maxZoom, padding: [24, 24]});
                L.rectangle(b, {color: "#000", weight: 2, dashArray: "6,4", fill: false,
                                interactive: false}).addTo(this._mark);
            }
            var mark = this._mark;
            setTimeout(function () { mark.clearLayers(); }, 4000);
            this._list.textContent = "";
            this._input.value = e.label;
            map.fire("plannersearch", {entry: e});
        }
    });
    T.search = function (map, opts) { return new T.Search(opts).addTo(map); };

    /* Tooltips near the map's edge are moved inside it (Leaflet only flips left/right). */
    T.fitTooltips = function (map) {
        map._plannerFitTooltips = true;
        if (L.Tooltip.prototype._plannerFit) { return; }
        var orig = L.Tooltip.prototype._setPosition;
        L.Tooltip.prototype._setPosition = function (pos) {
            orig.call(this, pos);
            var m = this._map, c = this._container;
            if (!m || !c || !m._plannerFitTooltips) { return; }
            var size = m.getSize(), p = L.DomUtil.getPosition(c), tl = m.layerPointToContainerPoint(p);
            var w = c.offsetWidth, h = c.offsetHeight, pad = 4, dx = 0, dy = 0;
            if (tl.x + w > size.x - pad) { dx = size.x - pad - (tl.x + w); }
            if (tl.x + dx < pad) { dx = pad - tl.x; }
            if (tl.y + h > size.y - pad) { dy = size.y - pad - (tl.y + h); }
            if (tl.y + dy < pad) { dy = pad - tl.y; }
            if (dx || dy) { L.DomUtil.setPosition(c, p.add([dx, dy])); }
        };
        L.Tooltip.prototype._plannerFit = true;
    };

    /* A legend as a control with a toggle button; collapsed by default on small maps. */
    T.Legend = L.Control.extend({
        options: {position: "bottomright", html: "", title: "", collapsed: null, smallWidth: 700,
                  smallHeight: 480},
        onAdd: function (map) {
            var o = this.options, self = this;
            var box = el("div", "leaflet-bar planner-legend-box");
            var btn = el("a", "planner-legend-toggle", box, o.title);
            btn.href = "#";
            btn.setAttribute("role", "button");
            var body = el("div", "planner-legend-body", box);
            body.innerHTML = o.html;  /* the planner's own legend markup (names escaped there) */
            this._box = box;
            this._btn = btn;
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            L.DomEvent.on(btn, "click", function (ev) { L.DomEvent.preventDefault(ev); self.toggle(); });
            var size = map.getSize();
            var collapsed = o.collapsed === null || o.collapsed === undefined
                ? (size.x < o.smallWidth || size.y < o.smallHeight) : !!o.collapsed;
            this.toggle(!collapsed);
            var fit = function () { body.style.maxHeight = Math.max(80, map.getSize().y - 90) + "px"; };
            map.on("resize", fit);
            fit();
            return box;
        },
        /* Open (true), close (false) or flip (no argument) the legend. */
        toggle: function (open) {
            var isOpen = open === undefined ? !L.DomUtil.hasClass(this._box, "planner-legend-open") : !!open;
            L.DomUtil[isOpen ? "addClass" : "removeClass"](this._box, "planner-legend-open");
            this._btn.setAttribute("aria-expanded", isOpen ? "true" : "false");
        }
    });
    T.legend = function (map, opts) { return new T.Legend(opts).addTo(map); };
})(window.L);
