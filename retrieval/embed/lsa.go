package embed

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
)

// LSAName is the family name of the corpus-fitted local embedder. A fitted model is named
// LSAName + "@" + the id of its fit (see retrieval.LocalEmbedder), so that the vectors of two
// fits are never compared. Bump the version whenever features or weights change.
const LSAName = "local-lsa-v1"

// LSAOptions shape a fit. Zero values mean the defaults.
type LSAOptions struct {
	// Dims is the number of latent dimensions (at most Dimensions); the rest of the vector
	// holds hashed lexical features (see LSA.Vector).
	Dims int
	// LatentWeight is the share, between 0 and 1, of the cosine similarity that comes from the
	// latent dimensions; the rest comes from the hashed features of local-hash-v1.
	LatentWeight float64
	// Whiten divides latent coordinate i by σᵢ^Whiten: 0 (the default) is the classic LSA
	// projection x·Vₖ, which keeps the corpus's own weighting of the components; 1 is x·Vₖ·Σₖ⁻¹,
	// which weighs every component alike.
	Whiten float64
	// MinDF leaves out terms found in fewer passages (they cannot relate two passages).
	MinDF int
	// MaxTerms keeps the most frequent terms only, which bounds the stored projection.
	MaxTerms int
	// MaxPassages is the size of the random sample of passages the fit learns from.
	MaxPassages int
	// Seed makes the fit deterministic.
	Seed uint64
}

// DefaultLSAOptions are the options chosen on the tuning questions (docs/retrieval.md).
func DefaultLSAOptions() LSAOptions {
	return LSAOptions{Dims: 64, LatentWeight: 0.2, MinDF: 2, MaxTerms: 50_000, MaxPassages: 20_000, Seed: 1}
}

func (o LSAOptions) withDefaults() LSAOptions {
	d := DefaultLSAOptions()
	if o.Dims <= 0 {
		o.Dims = d.Dims
	}
	o.Dims = min(o.Dims, Dimensions-1)
	if o.LatentWeight <= 0 || o.LatentWeight > 1 {
		o.LatentWeight = d.LatentWeight
	}
	if o.MinDF <= 0 {
		o.MinDF = d.MinDF
	}
	if o.MaxTerms <= 0 {
		o.MaxTerms = d.MaxTerms
	}
	if o.MaxPassages <= 0 {
		o.MaxPassages = d.MaxPassages
	}
	if o.Seed == 0 {
		o.Seed = d.Seed
	}
	return o
}

// LSA is a fitted latent semantic model (Deerwester et al., 1990): TF-IDF over the Italian
// stems of the library's passages, reduced by a truncated SVD. Words that occur in the same
// passages (contributo, agevolazione, fondo perduto) end up close, so it relates a question to
// a passage that shares few of its words, which the hashing embedder cannot. It needs no
// downloaded weights: it is learnt from the library itself, and fitted again as the library
// changes. The vector is the latent part followed by local-hash-v1's features hashed into the
// remaining dimensions, so that words the fit never saw (a new document folded in, a rare
// name) still count.
type LSA struct {
	opt   LSAOptions
	terms map[string]int32
	idf   []float32
	proj  []float32 // len(idf) × opt.Dims, row-major: the latent coordinates of each term
	name  string
}

// SetName sets the name returned by Model (the family name and the id of the fit).
func (m *LSA) SetName(name string) { m.name = name }

// Model names the vector space.
func (m *LSA) Model() string { return m.name }

// Terms is the size of the vocabulary.
func (m *LSA) Terms() int { return len(m.idf) }

// Options are the options the model was fitted with.
func (m *LSA) Options() LSAOptions { return m.opt }

// Embed returns one L2-normalised vector of Dimensions per text.
func (m *LSA) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = m.Vector(t)
	}
	return out, nil
}

// lsaTerms counts the stems of text.
func lsaTerms(text string) map[string]float64 {
	tf := map[string]float64{}
	for _, w := range Words(text) {
		tf[Stem(w)]++
	}
	return tf
}

// Vector embeds one text: latent part, then hashed part, each of unit length and weighted so
// that the cosine of two vectors is LatentWeight × latent cosine + (1 − LatentWeight) × hashed
// cosine.
func (m *LSA) Vector(text string) []float32 {
	k := m.opt.Dims
	latent := make([]float64, k)
	type tw struct {
		t int32
		w float64
	}
	var ws []tw
	for s, tf := range lsaTerms(text) {
		t, ok := m.terms[s]
		if !ok {
			continue
		}
		ws = append(ws, tw{t, (1 + math.Log(tf)) * float64(m.idf[t])})
	}
	// In term order, so that the same text gives the same bits whatever the map's order.
	sort.Slice(ws, func(i, j int) bool { return ws[i].t < ws[j].t })
	for _, x := range ws {
		row := m.proj[int(x.t)*k : int(x.t)*k+k]
		for c, p := range row {
			latent[c] += x.w * float64(p)
		}
	}
	hashed := make([]float64, Dimensions-k)
	hashFeatures(hashed, text)
	scale(latent, math.Sqrt(m.opt.LatentWeight))
	scale(hashed, math.Sqrt(1-m.opt.LatentWeight))
	v := append(latent, hashed...)
	return normalised(v, Dimensions)
}

// scale makes v of length s (the zero vector stays zero).
func scale(v []float64, s float64) {
	var n2 float64
	for _, x := range v {
		n2 += x * x
	}
	if n2 == 0 {
		return
	}
	f := s / math.Sqrt(n2)
	for i := range v {
		v[i] *= f
	}
}

// FitLSA learns a model from the passages of a library. With more passages than
// opt.MaxPassages it learns from a random sample of them (a deterministic one), which bounds
// the time and memory of a fit; the others are embedded with the model like any new text.
func FitLSA(ctx context.Context, passages []string, opt LSAOptions) (*LSA, error) {
	opt = opt.withDefaults()
	sample := passages
	if len(passages) > opt.MaxPassages {
		rng := rand.New(rand.NewPCG(opt.Seed, 0x5a))
		idx := rng.Perm(len(passages))[:opt.MaxPassages]
		sort.Ints(idx)
		sample = make([]string, len(idx))
		for i, j := range idx {
			sample[i] = passages[j]
		}
	}
	counts := make([]map[string]float64, len(sample))
	df := map[string]int{}
	for i, p := range sample {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		counts[i] = lsaTerms(p)
		for s := range counts[i] {
			df[s]++
		}
	}
	vocab := make([]string, 0, len(df))
	for s, n := range df {
		if n >= opt.MinDF {
			vocab = append(vocab, s)
		}
	}
	sort.Slice(vocab, func(i, j int) bool {
		if df[vocab[i]] != df[vocab[j]] {
			return df[vocab[i]] > df[vocab[j]]
		}
		return vocab[i] < vocab[j]
	})
	if len(vocab) > opt.MaxTerms {
		vocab = vocab[:opt.MaxTerms]
	}
	if len(vocab) == 0 {
		return nil, errors.New("fit lsa: no term occurs in two passages")
	}
	m := &LSA{opt: opt, terms: make(map[string]int32, len(vocab)), idf: make([]float32, len(vocab)), name: LSAName}
	n := float64(len(sample))
	for i, s := range vocab {
		m.terms[s] = int32(i)
		m.idf[i] = float32(math.Log((1 + n) / (1 + float64(df[s]))))
	}
	a := &sparse{rows: len(sample), cols: len(vocab), ptr: make([]int, 1, len(sample)+1)}
	for _, tf := range counts {
		start := len(a.idx)
		for s := range tf {
			if t, ok := m.terms[s]; ok {
				a.idx = append(a.idx, t)
			}
		}
		row := a.idx[start:]
		slices.Sort(row) // a deterministic order of sums: the same library gives the same fit
		var n2 float64
		for _, t := range row {
			w := (1 + math.Log(tf[vocab[t]])) * float64(m.idf[t])
			a.val = append(a.val, w)
			n2 += w * w
		}
		if n2 > 0 { // unit rows: a long passage does not dominate the components
			inv := 1 / math.Sqrt(n2)
			for p := start; p < len(a.val); p++ {
				a.val[p] *= inv
			}
		}
		a.ptr = append(a.ptr, len(a.idx))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sigma, v, err := truncatedSVD(a, opt.Dims, 20, 3, opt.Seed)
	if err != nil {
		return nil, fmt.Errorf("fit lsa on %d passages, %d terms: %w", len(sample), len(vocab), err)
	}
	k := opt.Dims
	m.proj = make([]float32, len(vocab)*k)
	for c := range sigma {
		f := math.Pow(sigma[c], -opt.Whiten)
		for t := range vocab {
			m.proj[t*k+c] = float32(v.At(t, c) * f)
		}
	}
	return m, nil
}

// lsaMagic starts a marshalled model; the digit is the format version.
const lsaMagic = "LSA1"

// MarshalBinary encodes the model (options, vocabulary, idf, projection) for storage.
func (m *LSA) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(lsaMagic)
	w := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	w(int32(m.opt.Dims))
	w(m.opt.LatentWeight)
	w(m.opt.Whiten)
	w(int32(m.opt.MinDF))
	w(int32(m.opt.MaxTerms))
	w(int32(m.opt.MaxPassages))
	w(m.opt.Seed)
	w(int32(len(m.idf)))
	vocab := make([]string, len(m.idf))
	for s, i := range m.terms {
		vocab[i] = s
	}
	for _, s := range vocab {
		w(uint16(len(s)))
		b.WriteString(s)
	}
	w(m.idf)
	w(m.proj)
	return b.Bytes(), nil
}

// UnmarshalLSA decodes a model written by MarshalBinary.
func UnmarshalLSA(data []byte) (*LSA, error) {
	r := bytes.NewReader(data)
	magic := make([]byte, len(lsaMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != lsaMagic {
		return nil, errors.New("decode lsa model: not an LSA1 model")
	}
	var err error
	rd := func(v any) {
		if err == nil {
			err = binary.Read(r, binary.LittleEndian, v)
		}
	}
	var dims, minDF, maxTerms, maxPassages, nterms int32
	m := &LSA{name: LSAName}
	rd(&dims)
	rd(&m.opt.LatentWeight)
	rd(&m.opt.Whiten)
	rd(&minDF)
	rd(&maxTerms)
	rd(&maxPassages)
	rd(&m.opt.Seed)
	rd(&nterms)
	if err != nil {
		return nil, fmt.Errorf("decode lsa model: %w", err)
	}
	if dims <= 0 || dims >= Dimensions || nterms <= 0 || int64(nterms)*int64(dims)*4 > int64(len(data)) {
		return nil, fmt.Errorf("decode lsa model: bad sizes (%d dimensions, %d terms)", dims, nterms)
	}
	m.opt.Dims, m.opt.MinDF, m.opt.MaxTerms, m.opt.MaxPassages = int(dims), int(minDF), int(maxTerms), int(maxPassages)
	m.terms = make(map[string]int32, nterms)
	for i := int32(0); i < nterms; i++ {
		var n uint16
		rd(&n)
		s := make([]byte, n)
		if err == nil {
			_, err = io.ReadFull(r, s)
		}
		m.terms[string(s)] = i
	}
	m.idf = make([]float32, nterms)
	m.proj = make([]float32, int(nterms)*int(dims))
	rd(m.idf)
	rd(m.proj)
	if err != nil {
		return nil, fmt.Errorf("decode lsa model: %w", err)
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("decode lsa model: %d trailing bytes", r.Len())
	}
	return m, nil
}
