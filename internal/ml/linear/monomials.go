package linear

import "fmt"

// Monomials2 writes the monomial features of a 2-D point x = (x₁, x₂) up
// to total degree p, without the constant, into out (allocated when its
// length is not Monomials2Count(p)) and returns it. They come by total
// degree t = 1..p and, within a degree, by falling power of x₁:
//
//	x₁, x₂, x₁², x₁x₂, x₂², x₁³, x₁²x₂, x₁x₂², x₂³, …
//
// A linear model on these features has a boundary that is a polynomial
// curve of degree p in the plane. It panics unless p ≥ 1 and len(x) = 2.
func Monomials2(x []float64, p int, out []float64) []float64 {
	if p < 1 || len(x) != 2 {
		panic(fmt.Sprintf("ml: Monomials2 of %d coordinates to degree %d", len(x), p))
	}
	if n := Monomials2Count(p); len(out) != n {
		out = make([]float64, n)
	}
	k := 0
	for t := 1; t <= p; t++ {
		for j := 0; j <= t; j++ {
			v := 1.0
			for range t - j {
				v *= x[0]
			}
			for range j {
				v *= x[1]
			}
			out[k] = v
			k++
		}
	}
	return out
}

// Monomials2Count is the number of monomial features of a 2-D point up to
// total degree p, without the constant: (p + 1)(p + 2)/2 − 1.
func Monomials2Count(p int) int { return (p+1)*(p+2)/2 - 1 }
