// Package embed holds the local embedder: a deterministic feature-hashing model that needs no
// downloaded weights, so that document search works out of the box on a machine without a
// model server. It is a lexical model, not a semantic one: it recognises the same words in
// different forms (plurals, gender, accents, elisions, partial words) that PostgreSQL's
// full-text search treats as unrelated, but it does not know synonyms.
package embed

import (
	"context"
	"hash/fnv"
	"math"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Dimensions is the size of every vector, the size of the chunks.embedding column.
const Dimensions = 1024

// LocalModel names the local embedder's vector space. Bump the version whenever features or
// weights change: stored vectors of an older version are then re-embedded, never mixed.
const LocalModel = "local-hash-v1"

// Feature weights: whole (stemmed) words carry the meaning, word pairs reward phrases,
// character n-grams let variants and fragments of a word meet.
const (
	wordWeight   = 1.0
	bigramWeight = 0.6
	ngramWeight  = 0.2
)

// Local is the no-weights embedder. The zero value is ready to use.
type Local struct{}

// Model names the vector space, recorded with every stored vector.
func (Local) Model() string { return LocalModel }

// Embed returns one L2-normalised vector per text; an empty text gets the zero vector.
func (Local) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = Vector(t)
	}
	return out, nil
}

// Vector embeds one text.
func Vector(text string) []float32 {
	v := make([]float64, Dimensions)
	hashFeatures(v, text)
	return normalised(v, Dimensions)
}

// hashFeatures adds the hashed features of text to v (len(v) buckets, signed).
func hashFeatures(v []float64, text string) {
	feats := map[string]float64{}
	words := Words(text)
	prev := ""
	for _, w := range words {
		s := Stem(w)
		feats["w:"+s] += wordWeight
		if prev != "" {
			feats["b:"+prev+" "+s] += bigramWeight
		}
		prev = s
		padded := []rune("<" + w + ">")
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(padded); i++ {
				feats["g:"+string(padded[i:i+n])] += ngramWeight
			}
		}
	}
	dims := uint64(len(v))
	for f, tf := range feats {
		h := fnv.New64a()
		h.Write([]byte(f))
		x := h.Sum64()
		sign := 1.0
		if x>>63 == 1 {
			sign = -1 // signed hashing: collisions cancel out on average instead of adding up
		}
		// Sublinear frequency: a word repeated ten times is not ten times as relevant.
		v[x%dims] += sign * (1 + math.Log1p(tf))
	}
}

// normalised returns v scaled to unit length as float32, padded with zeros to dims; the zero
// vector stays zero.
func normalised(v []float64, dims int) []float32 {
	var norm2 float64
	for _, x := range v {
		norm2 += x * x
	}
	out := make([]float32, dims)
	if norm2 == 0 {
		return out
	}
	inv := 1 / math.Sqrt(norm2)
	for i, x := range v {
		out[i] = float32(x * inv)
	}
	return out
}

// Fold lowercases and removes accents, so "città", "Citta'" and "CITTÀ" are the same word.
func Fold(s string) string {
	s = norm.NFD.String(strings.ToLower(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Words returns the folded content words of text: elisions are split ("dell'impresa" gives
// "impresa") and stop words dropped.
func Words(text string) []string {
	fields := strings.FieldsFunc(Fold(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := fields[:0]
	for _, f := range fields {
		if len(f) < 2 || stopwords[f] {
			continue
		}
		out = append(out, f)
	}
	return out
}

// Stem is a light Italian stemmer in the manner of Savoy's: it removes the inflection that
// separates singular from plural and masculine from feminine (impresa, imprese; contributo,
// contributi; femminile, femminili), and little else, so that it rarely conflates words.
func Stem(w string) string {
	r := []rune(w)
	if len(r) < 5 {
		return w
	}
	s := string(r)
	for _, suf := range []string{"zioni", "zione"} {
		if strings.HasSuffix(s, suf) {
			return strings.TrimSuffix(s, suf) + "zion"
		}
	}
	for _, suf := range []string{"che", "chi", "ghe", "ghi"} {
		if strings.HasSuffix(s, suf) {
			return strings.TrimSuffix(s, suf[1:])
		}
	}
	switch r[len(r)-1] {
	case 'a', 'e', 'i', 'o':
		return string(r[:len(r)-1])
	}
	return s
}

var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a ad al allo ai agli all alla alle agl col coi da dal dallo dai dagli
	dall dalla dalle di del dello dei degli dell della delle in nel nello nei negli nell nella nelle
	su sul sullo sui sugli sull sulla sulle per tra fra con il lo la gli le un uno una ed e o od ma se
	che chi cui non piu come dove quando quale quali quanto quanta quanti quante cosa quel quello
	quella quelli quelle questo questa questi queste ci ne si mi ti vi lui lei loro essi esse suo sua
	suoi sue nostro nostra nostri nostre sono sia siano era erano stato stata stati state essere
	ha hanno ho abbiamo avere aveva avevano anche gia ancora solo tutto tutti tutte tutta ogni
	molto poi cosi perche pero quindi oppure sempre mai fa fare puo possono deve devono dovrebbe
	viene vengono c e'`) {
		m[w] = true
	}
	return m
}()
