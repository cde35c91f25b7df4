package embed

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// A small library where "contributo" and "agevolazione" never meet in one passage but share
// their neighbours: a fit must bring them closer than two unrelated words.
func lsaLibrary() []string {
	var out []string
	for i := range 12 {
		out = append(out,
			fmt.Sprintf("Il contributo a fondo perduto per le imprese del quartiere, bando %d, copre le spese di avvio.", i),
			fmt.Sprintf("Una agevolazione a fondo perduto per le imprese del quartiere copre le spese di avvio, misura %d.", i),
			fmt.Sprintf("Il mercato settimanale dei banchi ambulanti occupa la piazza il sabato, posteggio %d.", i),
			fmt.Sprintf("Gli ambulanti del mercato pagano il canone del posteggio in piazza, elenco %d.", i))
	}
	return out
}

func TestLSARelatesWordsThatShareContexts(t *testing.T) {
	ctx := context.Background()
	m, err := FitLSA(ctx, lsaLibrary(), LSAOptions{Dims: 2, LatentWeight: 1})
	if err != nil {
		t.Fatal(err)
	}
	m.SetName("test@1")
	vs, err := m.Embed(ctx, []string{"contributo", "agevolazione", "posteggio", ""})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs[0]) != Dimensions || math.Abs(cos(vs[0], vs[0])-1) > 1e-5 {
		t.Fatalf("len %d, norm² %v", len(vs[0]), cos(vs[0], vs[0]))
	}
	near, far := cos(vs[0], vs[1]), cos(vs[0], vs[2])
	if near < 0.8 || far > 0.3 {
		t.Errorf("cos(contributo, agevolazione) = %.3f, cos(contributo, posteggio) = %.3f", near, far)
	}
	if cos(vs[3], vs[3]) != 0 {
		t.Error("an empty text must give the zero vector")
	}
	// The hashing embedder alone cannot relate the two words.
	if h := cos(Vector("contributo"), Vector("agevolazione")); h > 0.2 {
		t.Errorf("local-hash-v1 cos = %.3f", h)
	}
}

func TestLSAMarshalRoundTrip(t *testing.T) {
	ctx := context.Background()
	m, err := FitLSA(ctx, lsaLibrary(), LSAOptions{Dims: 6})
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := UnmarshalLSA(data)
	if err != nil {
		t.Fatal(err)
	}
	if back.Options() != m.Options() || back.Terms() != m.Terms() {
		t.Fatalf("options %+v terms %d, want %+v %d", back.Options(), back.Terms(), m.Options(), m.Terms())
	}
	for _, q := range []string{"contributo per le imprese", "ambulanti in piazza", "parola sconosciuta"} {
		a, b := m.Vector(q), back.Vector(q)
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%q: dimension %d differs after a round trip: %v != %v", q, i, a[i], b[i])
			}
		}
	}
	if _, err := UnmarshalLSA(data[:len(data)-3]); err == nil {
		t.Error("a truncated model must not decode")
	}
	if _, err := UnmarshalLSA([]byte("nope")); err == nil {
		t.Error("garbage must not decode")
	}
}

func TestLSAFitIsDeterministicAndSamplesLargeLibraries(t *testing.T) {
	ctx := context.Background()
	lib := lsaLibrary()
	a, _ := FitLSA(ctx, lib, LSAOptions{Dims: 4, MaxPassages: 20})
	b, _ := FitLSA(ctx, lib, LSAOptions{Dims: 4, MaxPassages: 20})
	va, vb := a.Vector("contributo ambulanti"), b.Vector("contributo ambulanti")
	for i := range va {
		if va[i] != vb[i] {
			t.Fatal("two fits of the same library differ")
		}
	}
	if _, err := FitLSA(ctx, []string{"una sola parola"}, LSAOptions{}); err == nil {
		t.Error("a library with no shared word cannot be fitted")
	}
}

func TestOrthonormalGivesTheThinQ(t *testing.T) {
	y := mat.NewDense(50, 3, nil)
	for i := range 50 {
		y.Set(i, 0, float64(i))
		y.Set(i, 1, float64(i*i%7))
		y.Set(i, 2, 1)
	}
	q := orthonormal(y)
	if r, c := q.Dims(); r != 50 || c != 3 {
		t.Fatalf("dims %d×%d", r, c)
	}
	var qtq mat.Dense
	qtq.Mul(q.T(), q)
	if !mat.EqualApprox(&qtq, mat.NewDiagDense(3, []float64{1, 1, 1}), 1e-10) {
		t.Fatalf("QᵀQ = %v", mat.Formatted(&qtq))
	}
	// Q spans y's columns: projecting y on Q gives y back.
	var p, back mat.Dense
	p.Mul(q.T(), y)
	back.Mul(q, &p)
	if !mat.EqualApprox(&back, y, 1e-8) {
		t.Fatal("Q does not span the columns of y")
	}
}

// The fit must stay fast as the library grows (it once formed an n × n matrix).
func BenchmarkFitLSA(b *testing.B) {
	words := strings.Fields("contributo impresa bando quartiere negozio mercato posteggio canone affitto giovani donne digitale voucher tassa rifiuti delibera piano commercio vetrina sfitto")
	var lib []string
	for i := range 20_000 {
		var sb strings.Builder
		for j := range 40 {
			sb.WriteString(words[(i*7+j*j+i/13)%len(words)])
			fmt.Fprintf(&sb, "%d ", (i+j)%500)
		}
		lib = append(lib, sb.String())
	}
	b.ResetTimer()
	for range b.N {
		if _, err := FitLSA(context.Background(), lib, LSAOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
