package embed

import (
	"context"
	"math"
	"testing"
)

func cos(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func TestVectorIsNormalisedAndDeterministic(t *testing.T) {
	vs, err := Local{}.Embed(context.Background(), []string{"Contributi alle imprese femminili", "Contributi alle imprese femminili", ""})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs[0]) != Dimensions {
		t.Fatalf("len = %d", len(vs[0]))
	}
	if n := cos(vs[0], vs[0]); math.Abs(n-1) > 1e-5 {
		t.Errorf("norm² = %v, want 1", n)
	}
	if cos(vs[0], vs[1]) < 0.99999 {
		t.Error("the same text must give the same vector")
	}
	if cos(vs[2], vs[2]) != 0 {
		t.Error("an empty text gives the zero vector")
	}
}

// The local model must relate what full-text search keeps apart: accents, elisions,
// inflections and fragments of a word; and keep unrelated texts apart.
func TestVectorCapturesVariantsFullTextMisses(t *testing.T) {
	base := Vector("digitalizzazione delle imprese femminili")
	near := []string{
		"DIGITALIZZAZIONE dell'impresa femminile",        // case, elision, singular
		"progetti di digitalizzazione per imprenditrici", // partial overlap
		"digitale imprese",                               // fragment of a long word
	}
	far := Vector("orari di apertura dei mercati rionali")
	for _, s := range near {
		if c := cos(base, Vector(s)); c <= cos(base, far)+0.1 {
			t.Errorf("cos(%q) = %.3f, not clearly above an unrelated text (%.3f)", s, c, cos(base, far))
		}
	}
	if a, b := cos(Vector("città"), Vector("Citta'")), 0.999; a < b {
		t.Errorf("accents: %v", a)
	}
}

func TestStemConflatesInflectionOnly(t *testing.T) {
	for _, pair := range [][2]string{{"impresa", "imprese"}, {"contributo", "contributi"}, {"femminile", "femminili"}, {"banca", "banche"}, {"domanda", "domande"}, {"agevolazione", "agevolazioni"}} {
		if Stem(pair[0]) != Stem(pair[1]) {
			t.Errorf("Stem(%s) = %s, Stem(%s) = %s", pair[0], Stem(pair[0]), pair[1], Stem(pair[1]))
		}
	}
	if Stem("bando") == Stem("banda") {
		// Accepted: a light stemmer trades these rare collisions for recall.
		t.Log("bando/banda conflate")
	}
}
