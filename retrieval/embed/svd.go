package embed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// sparse is a row-compressed matrix: passages × terms.
type sparse struct {
	rows, cols int
	ptr        []int // row i holds idx[ptr[i]:ptr[i+1]]
	idx        []int32
	val        []float64
}

// mul returns A·X (rows × l) for X (cols × l).
func (a *sparse) mul(x *mat.Dense) *mat.Dense {
	_, l := x.Dims()
	out := mat.NewDense(a.rows, l, nil)
	raw, xr := out.RawMatrix(), x.RawMatrix()
	for i := 0; i < a.rows; i++ {
		dst := raw.Data[i*raw.Stride : i*raw.Stride+l]
		for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
			j, w := int(a.idx[p]), a.val[p]
			src := xr.Data[j*xr.Stride : j*xr.Stride+l]
			for c := range dst {
				dst[c] += w * src[c]
			}
		}
	}
	return out
}

// tmul returns Aᵀ·Y (cols × l) for Y (rows × l).
func (a *sparse) tmul(y *mat.Dense) *mat.Dense {
	_, l := y.Dims()
	out := mat.NewDense(a.cols, l, nil)
	raw, yr := out.RawMatrix(), y.RawMatrix()
	for i := 0; i < a.rows; i++ {
		src := yr.Data[i*yr.Stride : i*yr.Stride+l]
		for p := a.ptr[i]; p < a.ptr[i+1]; p++ {
			j, w := int(a.idx[p]), a.val[p]
			dst := raw.Data[j*raw.Stride : j*raw.Stride+l]
			for c := range dst {
				dst[c] += w * src[c]
			}
		}
	}
	return out
}

// orthonormal returns an orthonormal basis of the columns of y (r × c, r ≥ c): the thin Q of
// its QR factorisation, formed in place by LAPACK's geqrf and orgqr. (mat.QR.QTo forms the
// full r × r Q, quadratic in the number of passages.)
func orthonormal(y *mat.Dense) *mat.Dense {
	a := mat.DenseCopyOf(y)
	g := a.RawMatrix()
	tau := make([]float64, g.Cols)
	work := make([]float64, 1)
	lapack64.Geqrf(g, tau, work, -1)
	work = make([]float64, max(1, int(work[0])))
	lapack64.Geqrf(g, tau, work, len(work))
	lapack64.Orgqr(g, tau, work[:1], -1)
	work = make([]float64, max(1, int(work[0])))
	lapack64.Orgqr(g, tau, work, len(work))
	return a
}

// truncatedSVD returns the k largest singular values of a and the matching right singular
// vectors (cols × k), by the randomised range finder of Halko, Martinsson and Tropp (2011):
// a few sparse products with a random block and its power iterations, then an exact
// eigendecomposition of a small l × l matrix. It is exact when l reaches the rank of a; above
// that, the power iterations make the leading components accurate for the slowly decaying
// spectra of term matrices.
func truncatedSVD(a *sparse, k, oversample, power int, seed uint64) ([]float64, *mat.Dense, error) {
	l := min(k+oversample, a.rows, a.cols)
	k = min(k, l)
	if k < 1 {
		return nil, nil, fmt.Errorf("truncated svd: a %d×%d matrix has no components", a.rows, a.cols)
	}
	rng := rand.New(rand.NewPCG(seed, 0x15a))
	omega := mat.NewDense(a.cols, l, nil)
	raw := omega.RawMatrix()
	for i := range raw.Data {
		raw.Data[i] = rng.NormFloat64()
	}
	q := orthonormal(a.mul(omega))
	for range power {
		q = orthonormal(a.mul(orthonormal(a.tmul(q))))
	}
	bt := a.tmul(q) // Bᵀ = Aᵀ Q, cols × l; B = Qᵀ A has A's leading singular triplets
	var gram mat.SymDense
	gram.SymOuterK(1, bt.T())
	var eig mat.EigenSym
	if !eig.Factorize(&gram, true) {
		return nil, nil, fmt.Errorf("truncated svd: eigendecomposition did not converge")
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	order := make([]int, len(vals))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(x, y int) bool { return vals[order[x]] > vals[order[y]] })
	sigma := make([]float64, 0, k)
	uk := mat.NewDense(l, k, nil)
	for c := 0; c < k; c++ {
		lam := vals[order[c]]
		if lam <= 1e-12 {
			break
		}
		sigma = append(sigma, math.Sqrt(lam))
		for r := 0; r < l; r++ {
			uk.Set(r, c, vecs.At(r, order[c]))
		}
	}
	k = len(sigma)
	if k == 0 {
		return nil, nil, fmt.Errorf("truncated svd: the matrix is zero")
	}
	// V_k = Bᵀ Ũ_k Σ_k⁻¹.
	var v mat.Dense
	v.Mul(bt, uk.Slice(0, l, 0, k))
	for c := 0; c < k; c++ {
		inv := 1 / sigma[c]
		for r := 0; r < a.cols; r++ {
			v.Set(r, c, v.At(r, c)*inv)
		}
	}
	return sigma, &v, nil
}
