"""Page language, citation links and styles of the web UI (RGAA basics: French, focus visible, contrast)."""

# The page is French; Gradio's own English messages about uploads are translated as they appear.
# The page is French for screen readers; a click (or Enter) on [n] in an answer brings its source card
# into view and focus. The panel may be switching to that answer's sources, so the card is awaited briefly.
HEAD = r"""
<script>
document.documentElement.lang = "fr";
document.addEventListener("click", function (event) {
  const link = event.target.closest ? event.target.closest('a[href^="#src-"]') : null;
  if (!link) { return; }
  event.preventDefault();
  const id = link.getAttribute("href").slice(1);
  let tries = 0;
  const reveal = function () {
    const card = document.getElementById(id);
    if (!card) { if (++tries < 40) { setTimeout(reveal, 100); } return; }
    document.querySelectorAll("#sources .current").forEach(function (c) { c.classList.remove("current"); });
    card.classList.add("current");
    card.scrollIntoView({block: "nearest"});
    card.focus({preventScroll: true});
  };
  reveal();
}, true);

// Gradio checks an upload's size and type in the browser and says so in English: say it in French.
const FRENCH = [
  [/^File\(s\) exceed the maximum allowed size of ([0-9.]+) Mb: (.+)$/,
   "Fichier trop volumineux : $2 (limite : $1 Mo)."],
  [/^Invalid file type: (.+)\. Only (.+) allowed\.$/, "Type de fichier non pris en charge : $1. Acceptés : $2."],
  [/^Error$/, "Erreur"],
];
new MutationObserver(function (changes) {
  changes.forEach(function (change) {
    change.addedNodes.forEach(function (node) {
      const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      for (let text = walker.currentNode; text; text = walker.nextNode()) {
        if (text.nodeType !== Node.TEXT_NODE) { continue; }
        FRENCH.forEach(function (rule) {
          if (rule[0].test(text.data.trim())) { text.data = text.data.trim().replace(rule[0], rule[1]); }
        });
      }
    });
  });
}).observe(document.documentElement, {childList: true, subtree: true});
</script>
"""

CSS = """
#sources { max-height: 760px; overflow-y: auto; }
#sources h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
.source { border: 1px solid #6b7280; border-radius: 6px; padding: .6rem .8rem; margin-bottom: .7rem; }
.passage mark.current, .passage mark:focus { outline: 3px solid #1d4ed8; outline-offset: 1px; }
.cite-n { font-weight: 700; }
.source h3, .source h4 { font-size: 1rem; margin: 0 0 .3rem; }
.source dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .6rem; margin: 0 0 .4rem;
  font-size: .85rem; }
.source dt { font-weight: 600; }
.source dd { margin: 0; }
.passage { margin: .3rem 0; padding-left: .6rem; border-left: 3px solid #6b7280; font-size: .9rem;
  white-space: pre-wrap; }
.passage mark { background: #fde68a; color: #111827; padding: 0 .1rem; }
.open-pdf { font-size: .9rem; }
.sources-empty { color: #374151; font-style: italic; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
#initiatives *, #documents * { font-family: var(--font); }
a:focus-visible, button:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
#precedents-chart figure { margin: 0 0 1rem; }
#precedents-chart figcaption { font-weight: 600; margin-bottom: .3rem; }
.bars { list-style: none; padding: 0; margin: 0; }
.bars li { display: flex; align-items: center; gap: .4rem; margin: .15rem 0; font-size: .85rem; }
.bar-label { flex: 0 0 45%; color: #111827; }
.bar { display: inline-block; height: .8rem; background: #1d4ed8; border-radius: 2px; min-width: 2px; }
.bar-count { color: #111827; font-variant-numeric: tabular-nums; }
"""
