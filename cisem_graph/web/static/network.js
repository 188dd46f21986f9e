/* The interactive network of /network: plain JavaScript of our own, no library, nothing fetched
 * but /network.json from this server.
 *
 * Progressive enhancement: the page already shows the static SVG picture and lists every node by
 * kind. This script replaces the picture with a live one: the same positions (computed on the
 * server), a small Fruchterman-Reingold force layout that runs when nodes are dragged or kinds
 * are filtered, pan (drag the background) and zoom (wheel), neighbours highlighted on hover, and
 * a click on a node opens its page. The figure's data-state says "loading", "drawn" or "error";
 * data-settled="true" once the layout is at rest.
 */
(function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var DENSE = 150; // above this many nodes, names show on hover, on focus or when zoomed in

  function svg(tag, attributes, parent) {
    var element = document.createElementNS(SVG_NS, tag);
    Object.keys(attributes || {}).forEach(function (name) {
      element.setAttribute(name, attributes[name]);
    });
    if (parent) parent.appendChild(element);
    return element;
  }

  /* a name short enough to sit beside its node; the whole name is in the node's title */
  function short(label) {
    return label.length <= 36 ? label : label.slice(0, 35).replace(/[ :,;.]+$/, "") + "…";
  }

  function radius(degree) {
    return 5 + 2 * Math.sqrt(degree);
  }

  function Network(figure, data) {
    this.figure = figure;
    this.width = data.width;
    this.height = data.height;
    this.nodes = data.nodes.map(function (n, i) {
      return {id: n.id, kind: n.kind, label: n.label, href: n.href, degree: n.degree, index: i,
              x: typeof n.x === "number" ? n.x : null, y: typeof n.y === "number" ? n.y : null,
              fixed: false, hidden: false, element: null};
    });
    var byId = {};
    this.nodes.forEach(function (n) { byId[n.id] = n; });
    this.edges = data.edges.filter(function (e) {
      return byId[e.source] && byId[e.target];
    }).map(function (e) {
      return {source: byId[e.source], target: byId[e.target], label: e.label, element: null};
    });
    this.neighbours = {};
    var neighbours = this.neighbours;
    this.edges.forEach(function (e) {
      (neighbours[e.source.id] = neighbours[e.source.id] || []).push(e);
      (neighbours[e.target.id] = neighbours[e.target.id] || []).push(e);
    });
    this.kindNames = {};
    var names = this.kindNames;
    data.kinds.forEach(function (k) { names[k.kind] = k.name; });
    this.colors = {};
    var colors = this.colors;
    data.kinds.forEach(function (k) { colors[k.kind] = k.color; });
    this.view = {x: 0, y: 0, scale: 1};
    this.alpha = 0;
    this.running = false;
    this.placeMissing();
    this.k = this.idealLength();
  }

  /* Nodes without a position from the server start on a sunflower spiral. */
  Network.prototype.placeMissing = function () {
    var n = this.nodes.length, cx = this.width / 2, cy = this.height / 2;
    var golden = Math.PI * (3 - Math.sqrt(5)), r = Math.min(this.width, this.height) / 2 - 40;
    var missing = false;
    this.nodes.forEach(function (node, i) {
      if (node.x === null || node.y === null) {
        var d = Math.sqrt((i + 0.5) / n) * r;
        node.x = cx + d * Math.cos(i * golden);
        node.y = cy + d * Math.sin(i * golden);
        missing = true;
      }
    });
    this.needsLayout = missing;
  };

  /* The springs' rest length: the median edge length of the server's layout, else by area. */
  Network.prototype.idealLength = function () {
    var lengths = this.edges.map(function (e) {
      return Math.hypot(e.source.x - e.target.x, e.source.y - e.target.y);
    }).sort(function (a, b) { return a - b; });
    var byArea = Math.sqrt(this.width * this.height / Math.max(1, this.nodes.length)) * 0.6;
    if (this.needsLayout || !lengths.length) return byArea;
    return Math.max(12, Math.min(byArea * 2, lengths[Math.floor(lengths.length / 2)]));
  };

  Network.prototype.draw = function () {
    var self = this;
    var root = svg("svg", {viewBox: "0 0 " + this.width + " " + this.height, "class": "network-live",
                           role: "group", "aria-label": this.figure.querySelector("img") ?
                             this.figure.querySelector("img").getAttribute("alt") : "network"});
    if (this.nodes.length > DENSE) root.classList.add("dense");
    var defs = svg("defs", {}, root);
    var marker = svg("marker", {id: "network-arrow", viewBox: "0 0 10 10", refX: "10", refY: "5",
                                markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse"}, defs);
    svg("path", {d: "M0,0 L10,5 L0,10 z"}, marker);
    this.background = svg("rect", {"class": "background", width: this.width, height: this.height}, root);
    this.viewport = svg("g", {"class": "viewport"}, root);
    var edgeLayer = svg("g", {"class": "edges"}, this.viewport);
    var nodeLayer = svg("g", {"class": "nodes"}, this.viewport);

    this.edges.forEach(function (e) {
      e.element = svg("line", {"class": "edge", "marker-end": "url(#network-arrow)"}, edgeLayer);
      svg("title", {}, e.element).textContent = e.source.label + " → " + e.label + " → " + e.target.label;
    });
    this.nodes.forEach(function (node) {
      var g = svg("g", {"class": "node kind-" + node.kind, "data-iri": node.id, "data-kind": node.kind},
                  nodeLayer);
      var holder = node.href ? svg("a", {href: node.href}, g) : g;
      svg("title", {}, holder).textContent = node.label + " (" + (self.kindNames[node.kind] || node.kind) + ")";
      var r = radius(node.degree);
      svg("circle", {r: r.toFixed(1), fill: self.colors[node.kind] || "#777"}, holder);
      var text = svg("text", {x: (r + 3).toFixed(1), y: "4"}, holder);
      text.textContent = short(node.label);
      node.element = g;
      node.radius = r;
      self.bindNode(node, holder);
    });
    this.bindView(root);
    var img = this.figure.querySelector("img");
    if (img) img.remove();
    this.figure.insertBefore(root, this.figure.firstChild);
    this.root = root;
    this.addReset();
    this.render();
  };

  Network.prototype.addReset = function () {
    var self = this, button = document.createElement("button");
    button.type = "button";
    button.className = "network-reset";
    button.textContent = this.figure.getAttribute("data-reset") || "Reset";
    button.addEventListener("click", function () {
      self.view = {x: 0, y: 0, scale: 1};
      self.render();
    });
    this.figure.appendChild(button);
  };

  Network.prototype.render = function () {
    this.viewport.setAttribute("transform", "translate(" + this.view.x.toFixed(1) + " " +
                               this.view.y.toFixed(1) + ") scale(" + this.view.scale.toFixed(3) + ")");
    this.root.classList.toggle("zoomed", this.view.scale >= 1.6);
    this.nodes.forEach(function (n) {
      n.element.setAttribute("transform", "translate(" + n.x.toFixed(1) + " " + n.y.toFixed(1) + ")");
      n.element.style.display = n.hidden ? "none" : "";
    });
    this.edges.forEach(function (e) {
      var hidden = e.source.hidden || e.target.hidden;
      e.element.style.display = hidden ? "none" : "";
      if (hidden) return;
      var dx = e.target.x - e.source.x, dy = e.target.y - e.source.y;
      var length = Math.hypot(dx, dy) || 1, cut = (e.target.radius + 2) / length;
      e.element.setAttribute("x1", e.source.x.toFixed(1));
      e.element.setAttribute("y1", e.source.y.toFixed(1));
      e.element.setAttribute("x2", (e.target.x - dx * cut).toFixed(1));
      e.element.setAttribute("y2", (e.target.y - dy * cut).toFixed(1));
    });
  };

  /* One step of Fruchterman-Reingold: repulsion between nodes in neighbouring grid cells, springs
   * along the edges, a weak pull to the centre; each node moves at most the temperature. */
  Network.prototype.tick = function () {
    var k = this.k, cell = 2 * k, grid = {}, nodes = this.nodes.filter(function (n) { return !n.hidden; });
    var cx = this.width / 2, cy = this.height / 2;
    nodes.forEach(function (n) {
      n.dx = 0;
      n.dy = 0;
      var key = Math.floor(n.x / cell) + "," + Math.floor(n.y / cell);
      (grid[key] = grid[key] || []).push(n);
    });
    nodes.forEach(function (n) {
      var gx = Math.floor(n.x / cell), gy = Math.floor(n.y / cell);
      for (var ox = -1; ox <= 1; ox++) {
        for (var oy = -1; oy <= 1; oy++) {
          var near = grid[(gx + ox) + "," + (gy + oy)];
          if (!near) continue;
          for (var j = 0; j < near.length; j++) {
            var m = near[j];
            if (m === n) continue;
            var dx = n.x - m.x, dy = n.y - m.y, d2 = dx * dx + dy * dy;
            if (d2 === 0) { dx = n.index > m.index ? 1 : -1; dy = 0.5; d2 = 1.25; }
            if (d2 < cell * cell) {
              var f = k * k / d2;
              n.dx += dx * f;
              n.dy += dy * f;
            }
          }
        }
      }
    });
    this.edges.forEach(function (e) {
      if (e.source.hidden || e.target.hidden) return;
      var dx = e.source.x - e.target.x, dy = e.source.y - e.target.y;
      var d = Math.hypot(dx, dy) || 0.01, f = d / k;
      e.source.dx -= dx * f;
      e.source.dy -= dy * f;
      e.target.dx += dx * f;
      e.target.dy += dy * f;
    });
    var temperature = this.alpha * k * 2;
    nodes.forEach(function (n) {
      if (n.fixed) return;
      n.dx -= (n.x - cx) * 0.01;
      n.dy -= (n.y - cy) * 0.01;
      var length = Math.hypot(n.dx, n.dy);
      if (length > 0) {
        var move = Math.min(length, temperature) / length;
        n.x += n.dx * move;
        n.y += n.dy * move;
      }
    });
    this.alpha *= 0.96;
  };

  Network.prototype.heat = function (alpha) {
    var self = this;
    this.alpha = Math.max(this.alpha, alpha);
    this.figure.setAttribute("data-settled", "false");
    if (this.running) return;
    this.running = true;
    function frame() {
      self.tick();
      self.render();
      if (self.alpha > 0.01) {
        window.requestAnimationFrame(frame);
      } else {
        self.running = false;
        self.alpha = 0;
        self.figure.setAttribute("data-settled", "true");
      }
    }
    window.requestAnimationFrame(frame);
  };

  /* From a pointer event to the picture's own coordinates (through the viewBox and the view). */
  Network.prototype.point = function (event) {
    var box = this.root.getBoundingClientRect();
    var x = (event.clientX - box.left) * this.width / box.width;
    var y = (event.clientY - box.top) * this.height / box.height;
    return {x: (x - this.view.x) / this.view.scale, y: (y - this.view.y) / this.view.scale,
            screenX: x, screenY: y};
  };

  Network.prototype.bindNode = function (node, holder) {
    var self = this, start = null, dragged = false;
    /* the pointer soon leaves a small circle: follow it on the window until it is released */
    function move(event) {
      if (!start) return;
      var p = self.point(event);
      if (!dragged && Math.hypot(p.screenX - start.screenX, p.screenY - start.screenY) < 4) return;
      dragged = true;
      node.fixed = true;
      node.x = p.x;
      node.y = p.y;
      self.heat(0.2);
      self.render();
    }
    function release() {
      start = null;
      node.fixed = false;
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", release);
      window.removeEventListener("pointercancel", release);
    }
    node.element.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) return;
      event.stopPropagation();
      start = self.point(event);
      dragged = false;
      window.addEventListener("pointermove", move);
      window.addEventListener("pointerup", release);
      window.addEventListener("pointercancel", release);
    });
    /* a drag is not a click: the link is not followed after one */
    holder.addEventListener("click", function (event) {
      if (dragged) {
        event.preventDefault();
        dragged = false;
      }
    });
    node.element.addEventListener("pointerenter", function () { self.highlight(node, true); });
    node.element.addEventListener("pointerleave", function () { self.highlight(node, false); });
    holder.addEventListener("focus", function () { self.highlight(node, true); });
    holder.addEventListener("blur", function () { self.highlight(node, false); });
  };

  Network.prototype.highlight = function (node, on) {
    this.root.classList.toggle("focusing", on);
    node.element.classList.toggle("near", on);
    (this.neighbours[node.id] || []).forEach(function (e) {
      e.element.classList.toggle("near", on);
      e.source.element.classList.toggle("near", on);
      e.target.element.classList.toggle("near", on);
    });
  };

  Network.prototype.bindView = function (root) {
    var self = this, pan = null;
    this.background.addEventListener("pointerdown", function (event) {
      pan = {x: event.clientX, y: event.clientY, view: {x: self.view.x, y: self.view.y}};
      self.background.setPointerCapture(event.pointerId);
    });
    this.background.addEventListener("pointermove", function (event) {
      if (!pan) return;
      var box = root.getBoundingClientRect(), ratio = self.width / box.width;
      self.view.x = pan.view.x + (event.clientX - pan.x) * ratio;
      self.view.y = pan.view.y + (event.clientY - pan.y) * ratio;
      self.render();
    });
    function stop() { pan = null; }
    this.background.addEventListener("pointerup", stop);
    this.background.addEventListener("pointercancel", stop);
    root.addEventListener("wheel", function (event) {
      event.preventDefault();
      var p = self.point(event), factor = event.deltaY < 0 ? 1.15 : 1 / 1.15;
      var scale = Math.min(8, Math.max(0.25, self.view.scale * factor));
      self.view.x = p.screenX - p.x * scale;
      self.view.y = p.screenY - p.y * scale;
      self.view.scale = scale;
      self.render();
    }, {passive: false});
  };

  /* The kind checkboxes filter the picture and the lists at once; no reload is needed. */
  Network.prototype.bindFilter = function (form) {
    var self = this;
    if (!form) return;
    form.classList.add("live");
    function apply(reheat) {
      var shown = {};
      Array.prototype.forEach.call(form.querySelectorAll("input[name=kind]"), function (box) {
        shown[box.value] = box.checked;
      });
      self.nodes.forEach(function (n) { n.hidden = shown[n.kind] === false; });
      Array.prototype.forEach.call(document.querySelectorAll(".network-kind[data-kind]"), function (s) {
        s.hidden = shown[s.getAttribute("data-kind")] === false;
      });
      self.render();
      if (reheat) self.heat(0.3);
    }
    form.addEventListener("change", function () { apply(true); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      apply(true);
    });
    apply(false);
    if (self.nodes.some(function (n) { return n.hidden; })) self.heat(0.3);
  };

  function start() {
    var figure = document.getElementById("network");
    if (!figure || !window.fetch) return;
    figure.setAttribute("data-state", "loading");
    window.fetch(figure.getAttribute("data-src"), {headers: {Accept: "application/json"},
                                                   credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var network = new Network(figure, data);
        network.draw();
        network.bindFilter(document.querySelector("form.network-filter"));
        figure.setAttribute("data-nodes", String(network.nodes.length));
        figure.setAttribute("data-state", "drawn");
        if (network.needsLayout) network.heat(1);
        else if (!network.running) figure.setAttribute("data-settled", "true");
        window.cisemNetwork = network;
      })
      .catch(function (error) {
        figure.setAttribute("data-state", "error");
        figure.setAttribute("data-error", String(error && error.message || error));
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
