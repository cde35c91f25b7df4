package address

import "strings"

// Territory is where an address lies.
type Territory struct {
	Quartiere string
	Zona      string
	Area      string // area statistica
}

// Segment is one row of the street register: a civic range with a parity.
type Segment struct {
	From, To  int
	Parity    byte // 'P' even, 'D' odd, 'T' all
	Territory Territory
}

func (s Segment) covers(n int) bool {
	if n < s.From || n > s.To {
		return false
	}
	switch s.Parity {
	case 'P':
		return n%2 == 0
	case 'D':
		return n%2 == 1
	}
	return true
}

// Matcher finds the territory of an address in the street register held in memory. It is not
// safe for concurrent use (it caches results): give each goroutine its own Clone.
type Matcher struct {
	streets map[string][]Segment // by full key (type + name)
	names   map[string][]string  // name key → full keys, for addresses with a wrong or no type
	lasts   map[string][]string  // last name token → full keys, for abbreviated names (VIA MARCONI)
	// cache holds the lookup of the street part of addresses (the text before the civic number):
	// a register of a million companies has hundreds of thousands of distinct addresses but
	// only a few thousand ways of writing its streets, so the cache hits almost always and
	// stays small.
	cache map[string]streetHit
	toks  []string // scratch, reused by Match
	ends  []int
}

type streetHit struct {
	segs  []Segment // nil: street not found
	named bool      // the address has a street name at all
}

// maxCache bounds the street cache so that memory stays flat on huge files.
const maxCache = 100_000

// NewMatcher returns an empty matcher; Add the register's rows to it.
func NewMatcher() *Matcher {
	return &Matcher{
		streets: map[string][]Segment{},
		names:   map[string][]string{},
		lasts:   map[string][]string{},
		cache:   map[string]streetHit{},
	}
}

// Clone returns a matcher over the same street register with its own cache, for another
// goroutine. The register itself is shared and must not be changed (Add) afterwards.
func (m *Matcher) Clone() *Matcher {
	return &Matcher{streets: m.streets, names: m.names, lasts: m.lasts, cache: map[string]streetHit{}}
}

// Len is the number of distinct streets.
func (m *Matcher) Len() int { return len(m.streets) }

// Add records one row of the street register.
func (m *Matcher) Add(denominazione string, seg Segment) {
	p := ParseStreet(denominazione)
	key := p.Key()
	if key == "" {
		return
	}
	if _, seen := m.streets[key]; !seen {
		m.names[p.NameKey()] = append(m.names[p.NameKey()], key)
		if len(p.Name) > 0 {
			last := p.Name[len(p.Name)-1]
			m.lasts[last] = append(m.lasts[last], key)
		}
	}
	m.streets[key] = append(m.streets[key], seg)
	clear(m.cache)
}

// Match returns the territory of addr and whether it was attributed. A territory may be
// partial (quartiere only) when the civic number is missing or outside every range but the
// street lies in one quartiere.
func (m *Matcher) Match(addr string) (Territory, bool) {
	folded := fold(addr)
	m.toks, m.ends = fieldsEnds(folded, m.toks[:0], m.ends[:0])
	cut, num, _ := civicCut(m.toks)
	key := "" // the folded street part: a substring, so a cache hit allocates nothing
	if cut > 0 {
		key = strings.TrimLeft(folded[:m.ends[cut-1]], " ")
	}
	hit, ok := m.cache[key]
	if !ok {
		p := build(m.toks[:cut], 0, "")
		hit.named = len(p.Name) > 0
		if hit.named {
			hit.segs = m.lookup(p)
		}
		if len(m.cache) < maxCache {
			m.cache[strings.Clone(key)] = hit
		}
	}
	if !hit.named {
		return Territory{}, false
	}
	segs := hit.segs
	if segs == nil && num > 0 {
		// `VIA 2 AGOSTO 1980` without a civic: the number belonged to the name.
		segs = m.lookup(ParseStreet(addr))
		num = 0
	}
	if segs == nil {
		segs, num = m.earlierCivic(m.toks)
	}
	if segs == nil {
		return Territory{}, false
	}
	if num > 0 {
		for _, s := range segs {
			if s.covers(num) {
				return s.Territory, true
			}
		}
	}
	return agree(segs)
}

// earlierCivic reads what registers write after a civic number — `12/2` (a sub-number),
// `12-14` (a range), `12 INT. 3`, `12 PIANO 2` — and `SNC`, `S.N.C.`, `KM 3` (no civic
// number): the street is the text before the first token, left to right, that starts with a
// digit (or says there is no civic) and leaves a known street before it. Only addresses that
// matched nothing else get here.
func (m *Matcher) earlierCivic(toks []string) ([]Segment, int) {
	if len(m.streets) == 0 { // no register loaded: every address would come here for nothing
		return nil, 0
	}
	for k := 1; k < len(toks); k++ {
		t := toks[k]
		isNum := t[0] >= '0' && t[0] <= '9'
		// No civic number: SNC, S.N.C. (senza numero civico), KM 3 (a milestone on a road).
		noCivic := t == "SNC" || t == "KM" || t == "S" && k+2 < len(toks) && toks[k+1] == "N" && toks[k+2] == "C"
		if !isNum && !noCivic {
			continue
		}
		cut := k
		if cut >= 2 && civicMarkers[toks[cut-1]] {
			cut--
		}
		p := build(toks[:cut], 0, "")
		if len(p.Name) == 0 {
			continue
		}
		if segs := m.lookup(p); segs != nil {
			n := 0
			if isNum {
				n, _ = leadingNumber(t)
			}
			return segs, n
		}
	}
	return nil, 0
}

// lookup finds the segments of a street: by full key, then by name alone, then by a unique
// street whose name ends with the typed one.
func (m *Matcher) lookup(p Parsed) []Segment {
	if segs, ok := m.streets[p.Key()]; ok {
		return segs
	}
	if keys := m.names[p.NameKey()]; len(keys) == 1 {
		return m.streets[keys[0]]
	}
	if len(p.Name) == 0 {
		return nil
	}
	var found string
	suffix := " " + p.NameKey()
	initials := hasInitial(p.Name)
	for _, k := range m.lasts[p.Name[len(p.Name)-1]] {
		if (strings.HasSuffix(k, suffix) || initials && initialsMatch(p.Name, k)) && (p.Type == "" || strings.HasPrefix(k, p.Type+" ")) {
			if found != "" {
				return nil // ambiguous
			}
			found = k
		}
	}
	if found == "" {
		return nil
	}
	return m.streets[found]
}

// hasInitial reports a name with a one-letter token other than the saints' S (`G` in
// `VIA G. MARCONI`).
func hasInitial(name []string) bool {
	for _, t := range name {
		if len(t) == 1 && t != "S" && (t[0] < '0' || t[0] > '9') {
			return true
		}
	}
	return false
}

// initialsMatch reports whether the typed name, read from its end, is the end of the street
// key k with its initials standing for whole words: `G MARCONI` is `VIA GUGLIELMO MARCONI`.
func initialsMatch(typed []string, k string) bool {
	reg := strings.Fields(k)
	if _, ok := streetTypes[reg[0]]; ok && len(reg) > 1 {
		reg = reg[1:] // the key's type is compared by the caller
	}
	if len(reg) < len(typed) {
		return false
	}
	for i, j := len(typed)-1, len(reg)-1; i >= 0; i, j = i-1, j-1 {
		t, r := typed[i], reg[j]
		if t != r && !(len(t) == 1 && t != "S" && strings.HasPrefix(r, t) && len(r) > 1) {
			return false
		}
	}
	return true
}

// agree returns the territory shared by all segments, as far as they agree.
func agree(segs []Segment) (Territory, bool) {
	t := segs[0].Territory
	for _, s := range segs[1:] {
		if s.Territory.Quartiere != t.Quartiere {
			return Territory{}, false
		}
		if s.Territory.Zona != t.Zona {
			t.Zona, t.Area = "", ""
		}
		if s.Territory.Area != t.Area {
			t.Area = ""
		}
	}
	return t, true
}
