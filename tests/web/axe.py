"""What the browser tests check on any page: axe-core (``vendor/axe.min.js``, the pinned file,
injected into the page) finds no serious or critical violation of WCAG 2.1 A/AA, and the document
is never wider than the viewport (tables scroll inside their own box)."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from cdp import Tab

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_RUN = """axe.run(document, {runOnly: {type: 'tag',
  values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
  .then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"""
WIDTHS = """(() => { const d = document.documentElement;
  const over = Array.from(document.querySelectorAll('body *')).filter(e => {
    const r = e.getBoundingClientRect(); return r.right > d.clientWidth + 1 && r.width > 0; })
    .filter(e => !e.closest('.scroll, pre, svg'))
    .slice(0, 5)
    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
  return {scroll: d.scrollWidth, layout: d.clientWidth, over: over}; })()"""


@cache
def axe_source() -> str:
    source = AXE.read_bytes()
    assert hashlib.sha256(source).hexdigest() == AXE_SHA256, "vendor/axe.min.js is not the pinned file"
    return source.decode("utf-8")


def serious_violations(tab: Tab) -> list[dict]:
    """axe-core's serious and critical findings on the page the tab shows."""
    if tab.evaluate("typeof axe") != "object":
        tab.evaluate(axe_source() + "\n;true")
    return tab.evaluate(AXE_RUN)


def widths(tab: Tab) -> dict:
    """The document's scroll and layout widths, and the first elements past the layout's edge."""
    return tab.evaluate(WIDTHS)
