// Where a cited passage is in its document, without repeating the document's title: the
// loader's section paths begin with the document's own heading ("Bando «Giovani…» 2026 ›
// 2. Chi può partecipare", "DELIBERA DI GIUNTA N. 144/2024 › Art. 2"), which the citation
// already names.
const norm = (s) => String(s ?? '').toLocaleLowerCase('it').replace(/\s+/g, ' ').trim();

export function sectionWithin(section, title) {
  const parts = String(section ?? '').split(' › ').map((p) => p.trim()).filter(Boolean);
  const tt = norm(title);
  if (parts.length && tt && (norm(parts[0]) === tt || tt.startsWith(norm(parts[0])))) parts.shift();
  return parts.join(' › ');
}
