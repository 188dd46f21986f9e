/* The SPARQL query editor of /sparql: plain JavaScript, no library, nothing fetched but /sparql.
 *
 * The page works without this file (a form and a table rendered by the server). This file adds:
 * syntax highlighting (a <pre> drawn under a transparent <textarea>), Tab and Enter indentation,
 * Ctrl/Cmd+Enter to run, the project's prefixes declared on demand, the canned queries as examples,
 * answers fetched from /sparql and drawn as a sortable table (IRIs under the base link to the local
 * page, by label or compact name), download links and a permalink kept in the address bar, and the
 * endpoint's errors shown as they are, with the line of a syntax error marked in the editor.
 *
 * Data reaches the page only through textContent and attributes: never innerHTML.
 */
(function () {
  "use strict";

  // -- the SPARQL tokenizer (shared by highlighting, prefix and query-form detection) --------------

  var NAME = "A-Za-z0-9_\\u00B7\\u00C0-\\uFFFF";
  var PN = "[A-Za-z\\u00C0-\\uFFFF](?:[" + NAME + ".-]*[" + NAME + "-])?";
  var LOCAL = "(?:[" + NAME + ":%-]|\\\\.)(?:(?:[" + NAME + ".:%-]|\\\\.)*(?:[" + NAME + ":%-]|\\\\.))?";
  var RULES = [
    ["ws", "\\s+"],
    ["comment", "#[^\\n\\r]*"],
    ["iri", "<[^<>\"{}|^`\\\\\\u0000-\\u0020]*>"],
    ["string", "\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)"],
    ["string", "\"(?:[^\"\\\\\\n\\r]|\\\\.)*\"?|'(?:[^'\\\\\\n\\r]|\\\\.)*'?"],
    ["variable", "[?$][" + NAME + "]+"],
    ["lang", "@[A-Za-z]+(?:-[A-Za-z0-9]+)*"],
    ["bnode", "_:[" + NAME + "](?:[" + NAME + ".-]*[" + NAME + "-])?"],
    ["pname", "(?:" + PN + ")?:(?:" + LOCAL + ")?"],
    ["number", "[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|\\.[0-9]+(?:[eE][+-]?[0-9]+)?"],
    ["word", "[A-Za-z_][A-Za-z0-9_]*"],
    ["punct", "\\^\\^|[\\s\\S]"]
  ];
  var TOKEN = new RegExp(RULES.map(function (r) { return "(" + r[1] + ")"; }).join("|"), "g");

  var KEYWORDS = words("BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK DISTINCT REDUCED FROM NAMED WHERE " +
    "GRAPH OPTIONAL UNION MINUS FILTER BIND VALUES SERVICE SILENT UNDEF ORDER BY ASC DESC LIMIT " +
    "OFFSET GROUP HAVING AS NOT IN EXISTS LOAD CLEAR DROP CREATE ADD MOVE COPY INSERT DELETE DATA " +
    "WITH USING DEFAULT ALL INTO TO");
  var FUNCTIONS = words("STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND " +
    "CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR " +
    "MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 " +
    "COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE " +
    "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR");

  function words(text) {
    var set = Object.create(null);
    text.split(" ").forEach(function (w) { set[w] = true; });
    return set;
  }

  /** The tokens of ``text``: [{type, text, start}], covering it without gaps. */
  function tokenize(text) {
    var tokens = [], match;
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < text.length && (match = TOKEN.exec(text)) !== null) {
      var i = 1;
      while (match[i] === undefined) i++;
      var type = RULES[i - 1][0], value = match[0];
      if (type === "word") {
        var upper = value.toUpperCase();
        if (KEYWORDS[upper] || value === "a") type = "keyword";
        else if (FUNCTIONS[upper]) type = "function";
        else if (upper === "TRUE" || upper === "FALSE") type = "number";
      }
      tokens.push({type: type, text: value, start: match.index});
    }
    return tokens;
  }

  function significant(tokens) {
    return tokens.filter(function (t) { return t.type !== "ws" && t.type !== "comment"; });
  }

  /** SELECT, ASK, CONSTRUCT or DESCRIBE: the form of the query, or null. */
  function queryForm(tokens) {
    var forms = {SELECT: 1, ASK: 1, CONSTRUCT: 1, DESCRIBE: 1};
    var first = significant(tokens).find(function (t) {
      return t.type === "keyword" && forms[t.text.toUpperCase()];
    });
    return first ? first.text.toUpperCase() : null;
  }

  /** Prefixes the query uses without declaring them, in order of first use. */
  function undeclaredPrefixes(tokens) {
    var toks = significant(tokens), declared = {}, used = [];
    toks.forEach(function (t, i) {
      if (t.type === "keyword" && t.text.toUpperCase() === "PREFIX" && toks[i + 1] &&
          toks[i + 1].type === "pname") {
        declared[toks[i + 1].text.split(":")[0]] = true;
      }
    });
    toks.forEach(function (t, i) {
      var before = toks[i - 1];
      if (t.type !== "pname" || (before && before.type === "keyword" &&
                                 before.text.toUpperCase() === "PREFIX")) return;
      var prefix = t.text.split(":")[0];
      if (!declared[prefix] && used.indexOf(prefix) < 0) used.push(prefix);
    });
    return used;
  }

  // -- links and names of IRIs (the same rules as web/sparql.py's result_table) -------------------

  function Linker(base, root, prefixes, query) {
    this.base = base;
    this.root = root;
    this.prefixes = prefixes;
    this.query = query || "";  // "?lang=en" when the reader chose a language: kept on links
  }
  Linker.prototype.href = function (iri) {
    if (iri.indexOf(this.base) === 0) {
      var rest = iri.slice(this.base.length);
      var path = rest.indexOf("id/") === 0 ? "doc/" + rest.slice(3) : rest;
      var hash = path.indexOf("#");
      return hash < 0 ? this.root + path + this.query
                      : this.root + path.slice(0, hash) + this.query + path.slice(hash);
    }
    return /^https?:\/\//.test(iri) ? iri : null;
  };
  Linker.prototype.curie = function (iri) {
    var best = null;
    for (var name in this.prefixes) {
      var ns = this.prefixes[name];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length && (!best || ns.length > best[1].length)) {
        best = [name, ns];
      }
    }
    return best ? best[0] + ":" + iri.slice(best[1].length) : iri;
  };

  var LABEL_SUFFIXES = ["Label", "_label", "Name", "_name"];
  var LABEL_COLUMNS = ["label", "name"];
  var PLAIN = ["http://www.w3.org/2001/XMLSchema#string",
               "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"];

  /** {column: its label column} for the columns holding IRIs. */
  function labelColumns(vars, bindings) {
    var iris = vars.filter(function (v) {
      return bindings.some(function (b) { return b[v] && b[v].type === "uri"; });
    });
    var found = {};
    iris.forEach(function (v) {
      var suffix = LABEL_SUFFIXES.find(function (s) { return vars.indexOf(v + s) >= 0; });
      if (suffix) found[v] = v + suffix;
    });
    var lone = vars.filter(function (v) { return LABEL_COLUMNS.indexOf(v.toLowerCase()) >= 0; });
    if (iris.length && lone.length === 1 && !found[iris[0]]) found[iris[0]] = lone[0];
    return found;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) {
      if (attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, attrs[key]);
    }
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function fillCell(td, term, label, linker) {
    if (!term) { td.dataset.sort = ""; return; }
    if (term.type === "uri") {
      var text = label && label.type === "literal" ? label.value : linker.curie(term.value);
      var href = linker.href(term.value);
      td.appendChild(el(href ? "a" : "span", {href: href, title: term.value,
                                              "class": href ? null : "iri"}, text));
      td.dataset.sort = text;
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
      td.dataset.sort = term.value;
    } else {
      td.appendChild(document.createTextNode(term.value));
      td.dataset.sort = term.value;
      if (term["xml:lang"]) td.appendChild(el("span", {"class": "lang"}, "@" + term["xml:lang"]));
      if (term.datatype && PLAIN.indexOf(term.datatype) < 0) {
        td.appendChild(el("span", {"class": "datatype"}, "^^" + linker.curie(term.datatype)));
      }
    }
  }

  function resultTable(results, linker) {
    var vars = (results.head && results.head.vars) || [];
    var bindings = (results.results && results.results.bindings) || [];
    var labels = labelColumns(vars, bindings);
    var table = el("table", {"class": "results"});
    var head = table.appendChild(el("thead")).appendChild(el("tr"));
    vars.forEach(function (v) { head.appendChild(el("th", {scope: "col"}, v)); });
    var body = table.appendChild(el("tbody"));
    bindings.forEach(function (b) {
      var tr = body.appendChild(el("tr"));
      vars.forEach(function (v) { fillCell(tr.appendChild(el("td")), b[v], b[labels[v]], linker); });
    });
    return table;
  }

  // -- sorting a table by a column -----------------------------------------------------------------

  function sortKey(td) {
    return td.dataset.sort !== undefined ? td.dataset.sort : td.textContent;
  }

  function makeSortable(table, t, lang) {
    var collator = new Intl.Collator(lang, {numeric: true, sensitivity: "base"});
    var heads = table.querySelectorAll("thead th");
    Array.prototype.forEach.call(heads, function (th, index) {
      var name = th.textContent;
      th.textContent = "";
      var button = th.appendChild(el("button", {type: "button", "class": "sort",
                                                title: t.sort + " " + name}, name));
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sortRows(table.tBodies[0], index, ascending, collator);
      });
    });
  }

  function sortRows(tbody, index, ascending, collator) {
    var rows = Array.prototype.slice.call(tbody.rows);
    var keys = rows.map(function (r) { return sortKey(r.cells[index]); });
    var numeric = keys.every(function (k) { return k === "" || isFinite(Number(k)); });
    var order = rows.map(function (r, i) { return i; });
    order.sort(function (a, b) {
      var x = keys[a], y = keys[b];
      if (x === "" || y === "") return (x === "") - (y === "");  // empty cells last, either way
      var c = numeric ? Number(x) - Number(y) : collator.compare(x, y);
      return ascending ? c : -c;
    });
    order.forEach(function (i) { tbody.appendChild(rows[i]); });
  }

  // -- the editor ----------------------------------------------------------------------------------

  var INDENT = "  ";
  var ACCEPT = "application/sparql-results+json, text/turtle;q=0.9, application/json;q=0.5";
  var POST_ABOVE = 6000;  // characters of URL; longer queries are POSTed as a form

  function Editor(config) {
    this.config = config;
    this.t = config.words;
    this.linker = new Linker(config.base, config.root, config.prefixes, config.link_query);
    this.form = document.getElementById("sparql-form");
    this.textarea = document.getElementById("query");
    this.overlay = document.querySelector(".editor-highlight");
    this.box = document.getElementById("editor");
    this.status = document.getElementById("status");
    this.errorBox = document.getElementById("error");
    this.results = document.getElementById("results");
    this.links = document.getElementById("links");
    this.notice = document.getElementById("editor-notice");
    this.errorLine = null;
    this.tabLeaves = false;
    this.running = null;
    this.pending = null;
  }

  Editor.prototype.start = function () {
    var self = this;
    this.box.classList.add("enhanced");
    this.textarea.addEventListener("input", function () { self.changed(); });
    this.textarea.addEventListener("keydown", function (e) { self.key(e); });
    this.textarea.addEventListener("blur", function () { self.tabLeaves = false; });
    this.form.addEventListener("submit", function (e) { e.preventDefault(); self.run(); });
    window.addEventListener("resize", function () { self.fit(); });
    var add = document.getElementById("add-prefixes");
    add.hidden = false;
    add.addEventListener("click", function () {
      var added = self.addPrefixes();
      self.say(added.length ? self.t.prefixes_added + " " + added.join(", ") : self.t.no_prefixes);
      self.textarea.focus();
    });
    var examples = document.getElementById("examples");
    if (examples) {
      examples.addEventListener("change", function () {
        var chosen = self.config.examples.find(function (x) { return x.name === examples.value; });
        var about = document.getElementById("example-description");
        about.textContent = chosen ? chosen.description : "";
        about.hidden = !chosen;
        if (chosen) self.load(chosen.query);
      });
    }
    var at = this.errorBox.querySelector(".error-at");
    if (at) this.linkErrorPosition(at, Number(this.errorBox.dataset.line),
                                   Number(this.errorBox.dataset.column) || 1);
    this.errorLine = Number(this.errorBox.dataset.line) || null;
    var table = this.results.querySelector("table.results");
    if (table) makeSortable(table, this.t, this.config.lang);
    this.draw();
    this.updateLinks(this.textarea.value);
  };

  /** Replace the editor's text with ``text`` (undoable where the browser allows it). */
  Editor.prototype.load = function (text) {
    var ta = this.textarea;
    ta.focus();
    ta.select();
    this.insert(text);
    ta.setSelectionRange(0, 0);
    ta.scrollTop = 0;
  };

  Editor.prototype.insert = function (text) {
    var ta = this.textarea;
    var done = text !== "" && document.queryCommandSupported &&
               document.queryCommandSupported("insertText") &&
               document.execCommand("insertText", false, text);
    if (!done) {
      ta.setRangeText(text, ta.selectionStart, ta.selectionEnd, "end");
      ta.dispatchEvent(new Event("input", {bubbles: true}));
    }
  };

  /** The text changed: redraw now (the textarea's own glyphs are transparent), links soon. */
  Editor.prototype.changed = function () {
    if (this.errorLine !== null) {
      this.errorLine = null;
      this.textarea.removeAttribute("aria-invalid");
    }
    this.draw();
    var self = this;
    window.clearTimeout(this.pending);
    this.pending = window.setTimeout(function () { self.updateLinks(self.textarea.value); }, 150);
  };

  /** Redraw the highlighted copy of the text under the textarea, one block per line. */
  Editor.prototype.draw = function () {
    var lines = [[]];
    tokenize(this.textarea.value).forEach(function (token) {
      token.text.split("\n").forEach(function (part, i) {
        if (i > 0) lines.push([]);
        if (part) lines[lines.length - 1].push({type: token.type, text: part});
      });
    });
    var fragment = document.createDocumentFragment(), errorLine = this.errorLine;
    lines.forEach(function (tokens, index) {
      var line = el("span", {"class": index + 1 === errorLine ? "line error-line" : "line"});
      tokens.forEach(function (token) {
        if (token.type === "ws" || token.type === "punct" || token.type === "word") {
          line.appendChild(document.createTextNode(token.text));
        } else {
          line.appendChild(el("span", {"class": "tok-" + token.type}, token.text));
        }
      });
      if (!tokens.length) line.appendChild(document.createTextNode(" "));
      fragment.appendChild(line);
    });
    this.overlay.replaceChildren(fragment);
    this.fit();
  };

  /** Grow the textarea to its text, so it never scrolls on its own and the copy stays aligned. */
  Editor.prototype.fit = function () {
    var ta = this.textarea;
    ta.style.height = "auto";
    ta.style.height = Math.max(ta.scrollHeight, this.overlay.scrollHeight) + "px";
  };

  Editor.prototype.key = function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.run();
    } else if (e.key === "Escape") {
      this.tabLeaves = true;
    } else if (e.key === "Tab" && !this.tabLeaves && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      this.indent(e.shiftKey);
    } else if (e.key === "Enter" && !e.shiftKey && !e.altKey && !e.isComposing) {
      e.preventDefault();
      this.newline();
    } else if (e.key !== "Tab" && e.key !== "Shift") {
      this.tabLeaves = false;
    }
  };

  /** Tab: two spaces, or indent the selected lines; Shift+Tab: outdent them. */
  Editor.prototype.indent = function (outdent) {
    var ta = this.textarea, text = ta.value;
    var start = ta.selectionStart, end = ta.selectionEnd;
    if (!outdent && text.slice(start, end).indexOf("\n") < 0) {
      this.insert(INDENT);
      return;
    }
    var from = text.lastIndexOf("\n", start - 1) + 1;
    var to = end > start && text[end - 1] === "\n" ? end - 1 : end;
    var block = text.slice(from, to).split("\n");
    var changed = block.map(function (line) {
      return outdent ? line.replace(/^ {1,2}|^\t/, "") : INDENT + line;
    });
    var firstDelta = changed[0].length - block[0].length;
    ta.setSelectionRange(from, to);
    this.insert(changed.join("\n"));
    var newEnd = from + changed.join("\n").length;
    ta.setSelectionRange(Math.max(from, start + firstDelta), end > start ? newEnd : Math.max(
      from, start + firstDelta));
  };

  /** Enter keeps the indentation of the line, one step more after an opening brace. */
  Editor.prototype.newline = function () {
    var ta = this.textarea, text = ta.value, start = ta.selectionStart;
    var line = text.slice(text.lastIndexOf("\n", start - 1) + 1, start);
    var lead = /^[ \t]*/.exec(line)[0];
    if (/[{(]\s*$/.test(line)) lead += INDENT;
    this.insert("\n" + lead);
  };

  /** Declare, at the top, the project's prefixes the query uses and does not declare. */
  Editor.prototype.addPrefixes = function () {
    var prefixes = this.config.prefixes;
    var missing = undeclaredPrefixes(tokenize(this.textarea.value)).filter(function (p) {
      return Object.prototype.hasOwnProperty.call(prefixes, p);
    });
    if (!missing.length) return [];
    var lines = missing.map(function (p) { return "PREFIX " + p + ": <" + prefixes[p] + ">\n"; });
    var ta = this.textarea, start = ta.selectionStart, end = ta.selectionEnd;
    var added = lines.join("").length;
    ta.setSelectionRange(0, 0);
    this.insert(lines.join(""));
    ta.setSelectionRange(start + added, end + added);
    return missing;
  };

  Editor.prototype.say = function (text) {
    this.notice.textContent = text;
  };

  // -- running a query -----------------------------------------------------------------------------

  Editor.prototype.run = function () {
    var self = this, t = this.t;
    var added = this.addPrefixes();
    this.say(added.length ? t.prefixes_added + " " + added.join(", ") : "");
    var query = this.textarea.value;
    if (this.running) this.running.abort();
    var controller = this.running = new AbortController();
    var params = new URLSearchParams({query: query});
    var url = this.config.endpoint + "?" + params.toString();
    var init = {headers: {Accept: ACCEPT}, signal: controller.signal};
    if (url.length > POST_ABOVE) {
      url = this.config.endpoint;
      init.method = "POST";
      init.body = params;
    }
    this.showError(null);
    this.status.textContent = t.running;
    this.form.setAttribute("aria-busy", "true");
    history.replaceState(null, "", this.permalink(query));
    this.updateLinks(query);
    var started = performance.now();
    fetch(url, init).then(function (response) {
      return response.text().then(function (body) {
        if (controller !== self.running) return;
        self.answered(response, body, performance.now() - started);
      });
    }).catch(function (error) {
      if (error.name === "AbortError") return;
      self.showError({message: t.network_error});
      self.status.textContent = "";
    }).finally(function () {
      if (controller === self.running) {
        self.running = null;
        self.form.removeAttribute("aria-busy");
      }
    });
  };

  Editor.prototype.answered = function (response, body, ms) {
    var t = this.t, type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
    this.results.replaceChildren();
    if (!response.ok) {
      var error = {status: response.status, title: response.statusText, message: body.trim()};
      if (type === "application/json") {
        try {
          var parsed = JSON.parse(body);
          error = {status: parsed.status || response.status, title: parsed.title,
                   message: parsed.error, line: parsed.line, column: parsed.column};
        } catch (ignored) { /* shown as text */ }
      }
      this.status.textContent = "";
      this.showError(error);
      return;
    }
    var count = response.headers.get("X-Result-Count");
    var truncated = response.headers.get("X-Result-Truncated") === "true";
    var what = t.results;
    if (type === "application/sparql-results+json") {
      var results = JSON.parse(body);
      if (typeof results.boolean === "boolean") {
        this.results.appendChild(el("p", {"class": "boolean"}, results.boolean ? t.true : t.false));
      } else {
        var table = resultTable(results, this.linker);
        this.results.appendChild(table);
        makeSortable(table, t, this.config.lang);
      }
    } else {
      what = t.triples;
      this.results.appendChild(el("pre", {"class": "graph"}, body));
    }
    if (count === "1") what = what === t.results ? t.result : t.triple;
    var said = (count !== null ? count + " " + what : "");
    if (truncated) said += ", " + t.cut_off + " " + response.headers.get("X-Result-Limit");
    this.status.textContent = said + (said ? ". " : "") + "(" + Math.round(ms) + " " + t.ms + ")";
  };

  Editor.prototype.showError = function (error) {
    var box = this.errorBox;
    box.replaceChildren();
    this.errorLine = null;
    this.textarea.removeAttribute("aria-invalid");
    if (!error) {
      box.hidden = true;
      delete box.dataset.line;
      delete box.dataset.column;
      this.draw();
      return;
    }
    var heading = [error.status, error.title].filter(Boolean).join(" ") || this.t.error;
    box.appendChild(el("strong", {}, heading));
    box.appendChild(document.createTextNode(": "));
    box.appendChild(el("span", {"class": "message"}, error.message || ""));
    if (error.line) {
      this.errorLine = Number(error.line);
      box.dataset.line = error.line;
      box.dataset.column = error.column || "";
      this.textarea.setAttribute("aria-invalid", "true");
      var where = this.t.line + " " + error.line + (error.column ? ", " + this.t.column + " " +
                                                    error.column : "");
      box.appendChild(document.createTextNode(" "));
      var at = box.appendChild(el("a", {href: "#query", "class": "error-at", title: this.t.go_to},
                                  where));
      this.linkErrorPosition(at, this.errorLine, Number(error.column) || 1);
    }
    box.hidden = false;
    this.draw();
  };

  /** The error's "line L, column C" puts the caret there. */
  Editor.prototype.linkErrorPosition = function (link, line, column) {
    var ta = this.textarea;
    link.addEventListener("click", function (e) {
      e.preventDefault();
      var lines = ta.value.split("\n"), offset = 0;
      var index = Math.min(Math.max(line, 1), lines.length) - 1;
      for (var i = 0; i < index; i++) offset += lines[i].length + 1;
      offset += Math.min(Math.max(column - 1, 0), lines[index].length);
      ta.focus();
      ta.setSelectionRange(offset, offset);
    });
  };

  // -- permalink and downloads ---------------------------------------------------------------------

  Editor.prototype.permalink = function (query, format) {
    var params = new URLSearchParams({query: query});
    if (format) params.set("format", format);
    var lang = new URLSearchParams(location.search).get("lang");
    if (lang && !format) params.set("lang", lang);
    return location.origin + this.config.endpoint + "?" + params.toString();
  };

  Editor.prototype.updateLinks = function (query) {
    var t = this.t, self = this, links = this.links;
    var graph = ["CONSTRUCT", "DESCRIBE"].indexOf(queryForm(tokenize(query))) >= 0;
    var formats = graph ? [["Turtle", "turtle", "ttl"], ["JSON-LD", "jsonld", "jsonld"],
                           ["N-Triples", "ntriples", "nt"]]
                        : [["CSV", "csv", "csv"], ["TSV", "tsv", "tsv"], ["JSON", "json", "json"]];
    links.replaceChildren();
    var downloads = links.appendChild(el("span", {id: "downloads"}, t.download + ": "));
    formats.forEach(function (f, i) {
      if (i) downloads.appendChild(document.createTextNode(" · "));
      downloads.appendChild(el("a", {href: self.permalink(query, f[1]), "data-format": f[1],
                                     download: "query-results." + f[2]}, f[0]));
    });
    links.appendChild(document.createTextNode(" · "));
    links.appendChild(el("a", {id: "permalink", href: this.permalink(query)}, t.permalink));
  };

  function init() {
    var data = document.getElementById("editor-config");
    if (!data || !document.getElementById("query")) return;
    var editor = new Editor(JSON.parse(data.textContent));
    editor.start();
    window.cisemEditor = {editor: editor, tokenize: tokenize, undeclaredPrefixes: undeclaredPrefixes};
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
