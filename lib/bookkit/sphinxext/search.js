/*
 * bookkit.sphinxext.search: query segmentation shared with the search index, and term-frequency
 * ranking.  Sphinx puts this into language_data.js, which every search page loads right after
 * searchtools.js.  See lib/bookkit/sphinxext/search.py for the reasons.
 */
/* boost: points added for a query term on the page that uses it most (Sphinx scores a title
 * match 15 and a plain term match 5); titleBoost: points for a page whose own title (the chapter
 * title, not a section's) contains the term: the chapter named after a term comes first. */
var BOOKKIT_SEARCH = { terms: [], maxLen: 0, boost: 20, titleBoost: 30 };

/* Split the query like the index was split: Latin runs stay whole (Sphinx stems them later);
 * each run of Chinese characters is cut by longest match against the index's vocabulary, so every
 * query word is one the index knows.  A chunk that yields no known word is kept as it is, so a
 * search for an unknown word finds nothing instead of everything. */
function splitQuery(query) {
  const index = (typeof Search !== "undefined" && Search._index) ? Search._index : null;
  const has = (table, word) => Object.prototype.hasOwnProperty.call(table, word);
  const known = (word) => index !== null && (has(index.terms, word) || has(index.titleterms, word));
  if (index !== null && BOOKKIT_SEARCH.maxLen === 0) {
    for (const table of [index.terms, index.titleterms]) {
      for (const word of Object.keys(table)) {
        if (word.length > BOOKKIT_SEARCH.maxLen) BOOKKIT_SEARCH.maxLen = word.length;
      }
    }
  }
  const chunks = query.split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter((t) => t);
  const out = [];
  for (const chunk of chunks) {
    const lower = chunk.toLowerCase();
    if (index === null || !/\p{Script=Han}/u.test(chunk) || known(lower)) {
      out.push(chunk);
      continue;
    }
    const found = [];
    let i = 0;
    while (i < lower.length) {
      const latin = /^[a-z0-9_]+/.exec(lower.slice(i));
      if (latin) {
        found.push(latin[0]);
        i += latin[0].length;
        continue;
      }
      let size = Math.min(BOOKKIT_SEARCH.maxLen, lower.length - i);
      while (size >= 2 && !known(lower.slice(i, i + size))) size -= 1;
      if (size >= 2) {
        found.push(lower.slice(i, i + size));
        i += size;
      } else {
        i += 1;  // a single character is never an index word (Sphinx drops them)
      }
    }
    out.push(...(found.length ? found : [chunk]));
  }
  BOOKKIT_SEARCH.terms = out.map((t) => t.toLowerCase());
  return out;
}

/* Rank the chapter named after a query term first, then pages that use the term often above
 * pages that mention it in passing.  BOOKKIT_TERM_COUNTS ({term: {docname: count}}) is written into
 * the search page by the extension. */
if (typeof Scorer !== "undefined") {
  const sphinxScore = Scorer.score;
  Scorer.score = (result) => {
    let score = sphinxScore ? sphinxScore(result) : result[4];
    const counts = (typeof BOOKKIT_TERM_COUNTS !== "undefined") ? BOOKKIT_TERM_COUNTS : {};
    const index = (typeof Search !== "undefined" && Search._index) ? Search._index : null;
    const at = index ? index.docnames.indexOf(result[0]) : -1;
    const pageTitle = at >= 0 ? String(index.titles[at]).toLowerCase() : "";
    for (const term of new Set(BOOKKIT_SEARCH.terms)) {
      if (pageTitle.includes(term)) score += BOOKKIT_SEARCH.titleBoost;
      const perDoc = counts[term];
      if (!perDoc || !perDoc[result[0]]) continue;
      const most = Math.max(...Object.values(perDoc));
      score += Math.round(BOOKKIT_SEARCH.boost * perDoc[result[0]] / most);
    }
    return score;
  };
}
