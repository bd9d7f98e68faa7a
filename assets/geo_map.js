// The communes' map, drawn as SVG in the page (no plotly.js): the boundaries are fetched once per URL
// (versioned, cached by the browser), projected once, then coloured from the few hundred bytes each
// rerun sends (dashboard/charts/svg_map.py). Every text from the server is set as text, never as markup.
const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 1000;
const shapes = new Map();   // geometry URL -> Promise<{viewBox, paths: Map<id, d>}>

function rings(geometry) {
  if (!geometry) return [];
  if (geometry.type === "Polygon") return geometry.coordinates;
  if (geometry.type === "MultiPolygon") return geometry.coordinates.flat();
  return [];
}

function project(collection) {
  // equirectangular at the region's mean latitude: at this scale the same as the web maps' Mercator
  const feats = (collection.features || []).filter((f) => f && f.id != null);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const f of feats) for (const ring of rings(f.geometry)) for (const [lon, lat] of ring) {
    x0 = Math.min(x0, lon); x1 = Math.max(x1, lon); y0 = Math.min(y0, lat); y1 = Math.max(y1, lat);
  }
  const k = Math.cos(((y0 + y1) / 2) * Math.PI / 180);
  const scale = WIDTH / ((x1 - x0) * k);
  const height = Math.ceil((y1 - y0) * scale);
  const paths = new Map();
  for (const f of feats) {
    const d = rings(f.geometry).map((ring) => "M" + ring.map(([lon, lat]) =>
      ((lon - x0) * k * scale).toFixed(1) + "," + ((y1 - lat) * scale).toFixed(1)).join("L") + "Z").join("");
    paths.set(String(f.id), d);
  }
  return { viewBox: `-4 -4 ${WIDTH + 8} ${height + 8}`, paths };
}

function geometry(url) {
  if (!shapes.has(url)) {
    shapes.set(url, fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return r.json();
    }).then(project).catch((e) => { shapes.delete(url); throw e; }));
  }
  return shapes.get(url);
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text != null) node.textContent = text;
  return node;
}

function lines(data, area) {   // the area's own hover lines into the shared template (charts/svg_map.py)
  const template = data.hover || [];
  if (!template.length) return area.hover;
  let i = 0;
  return template.map((t) => (t === null ? area.hover[i++] || "" : t));
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector(".bsim-geo");
  if (!root || !data) return;
  root.replaceChildren();
  const head = el("div", "bsim-geo-head");
  for (const line of data.title || []) head.append(el("p", "bsim-geo-title", line));
  if (data.mark) head.append(el("p", "bsim-geo-mark", data.mark));
  const legend = el("div", "bsim-geo-legend");
  if (data.legend && data.legend.title) legend.append(el("span", "bsim-geo-legend-title", data.legend.title));
  const items = el("ul");
  for (const item of (data.legend && data.legend.items) || []) {
    const li = el("li");
    const swatch = el("span", "bsim-geo-swatch");
    swatch.style.background = item.colour;
    swatch.setAttribute("aria-hidden", "true");
    li.append(swatch, el("span", null, item.label));
    items.append(li);
  }
  legend.append(items);
  head.append(legend);

  const frame = el("div", "bsim-geo-frame");
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "bsim-geo-svg");
  svg.setAttribute("role", "group");
  svg.setAttribute("aria-label", (data.title || []).join(" "));
  const tip = el("div", "bsim-geo-tip");
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  frame.append(svg, tip);
  const foot = el("div", "bsim-geo-foot");
  for (const line of data.footer || []) foot.append(el("p", null, line));
  root.append(head, frame, foot);

  // the commune under the pointer or the focus, outlined above its neighbours (which would hide half its edge)
  const outline = document.createElementNS(SVG, "path");
  outline.setAttribute("class", "bsim-geo-hl");
  outline.setAttribute("aria-hidden", "true");

  function show(area, path, event) {
    outline.setAttribute("d", path.getAttribute("d"));
    outline.classList.toggle("bsim-geo-hl-focus", !event);
    svg.append(outline);
    tip.replaceChildren(...area.hover.map((line, i) => el(i ? "span" : "strong", null, line)));
    tip.hidden = false;
    const box = frame.getBoundingClientRect();
    const at = event && event.clientX != null ? { x: event.clientX, y: event.clientY }
      : (() => { const b = path.getBoundingClientRect(); return { x: b.left + b.width / 2, y: b.top + b.height / 2 }; })();
    const x = Math.min(Math.max(at.x - box.left + 14, 0), Math.max(box.width - tip.offsetWidth, 0));
    const y = Math.min(Math.max(at.y - box.top + 14, 0), Math.max(box.height - tip.offsetHeight, 0));
    tip.style.left = `${x}px`;
    tip.style.top = `${y}px`;
  }
  const hide = () => { tip.hidden = true; outline.remove(); };

  geometry(data.geometry).then(({ viewBox, paths }) => {
    svg.setAttribute("viewBox", viewBox);
    const drawn = new Set();
    for (const a of data.areas || []) {
      const area = { ...a, hover: lines(data, a) };
      const d = paths.get(area.id);
      if (!d) continue;
      drawn.add(area.id);
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      path.setAttribute("fill", area.fill);
      path.setAttribute("stroke", area.stroke);
      path.setAttribute("class", "bsim-geo-area");
      path.setAttribute("tabindex", "0");
      path.setAttribute("role", "link");
      path.setAttribute("aria-label", area.hover.join(", "));
      path.dataset.nis = area.id;
      const open = () => setTriggerValue("clicked", area.id);
      path.addEventListener("click", open);
      path.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); open(); } });
      path.addEventListener("mousemove", (e) => show(area, path, e));
      path.addEventListener("focus", () => show(area, path, null));
      path.addEventListener("mouseleave", hide);
      path.addEventListener("blur", hide);
      svg.append(path);
    }
    for (const [id, d] of paths) {   // boundaries of communes the figure leaves out: outline only
      if (drawn.has(id)) continue;
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      path.setAttribute("class", "bsim-geo-outline");
      svg.prepend(path);
    }
    root.dataset.drawn = String(drawn.size);
  }).catch((e) => {
    root.dataset.drawn = "error";
    frame.replaceChildren(el("p", "bsim-geo-error", data.error));
    console.error(e);
  });
  return () => hide();
}
