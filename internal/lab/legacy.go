package lab

import "slices"

// String-keyed reads, kept only while the scenarios move to handles.

func (v Values) Int(name string) int       { v.param(name, KindInt); return int(v.num[name]) }
func (v Values) Float(name string) float64 { v.param(name, KindFloat, KindInt); return v.num[name] }
func (v Values) String(name string) string { v.param(name, KindEnum); return v.raw[name] }
func (v Values) Bool(name string) bool     { v.param(name, KindBool); return v.num[name] == 1 }
func (v Values) Points(name string) []Point {
	v.param(name, KindPoints)
	return slices.Clone(v.points[name])
}
func (v Values) List(name string) []string {
	v.param(name, KindList)
	return slices.Clone(v.lists[name])
}
func (v Values) Ints(name string) []int {
	v.param(name, KindInts)
	out := make([]int, len(v.numbers[name]))
	for i, f := range v.numbers[name] {
		out[i] = int(f)
	}
	return out
}
func (v Values) Floats(name string) []float64 {
	v.param(name, KindFloats)
	return slices.Clone(v.numbers[name])
}
